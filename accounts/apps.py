from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"


    def ready(self):
        # Cached token look-ups are forgotten on every write that could change
        # them, whichever code path makes it (accounts/token_cache.py).
        from accounts import token_cache

        token_cache.connect()
