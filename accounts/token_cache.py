"""Bearer-token look-ups cached in Django's cache, as Zulip caches
`maybe_get_user_profile_by_api_key`: a request with a known token costs no
query. The entry is the token's id, its user and when its use was last
written, keyed by the token's digest (never the secret).

Correctness rests on forgetting an entry whenever the answer could change:
the token revoked or deleted, or its user saved (deactivated, renamed,
made staff) or deleted. Every such write, from a view, the admin or a shell,
sends Django's model signals, so the cache is cleared there rather than in
each code path. The cache must be shared by every web process for a
revocation to hold in all of them at once (redrive/settings.py: Redis when
REDIS_URL is set, else files under var/).
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

# A day: entries are cleared on change, so the timeout only bounds the memory
# held by tokens that stopped being used.
TIMEOUT = 24 * 3600


def token_cache_key(digest: str) -> str:
    return f"accounts:api-token:{digest}"


def token_cache_get(digest: str):
    return cache.get(token_cache_key(digest))


def token_cache_set(digest: str, entry) -> None:
    cache.set(token_cache_key(digest), entry, TIMEOUT)


def token_cache_forget(digests) -> None:
    keys = [token_cache_key(digest) for digest in digests]
    if keys:
        cache.delete_many(keys)


def _token_changed(sender, instance, **kwargs):
    token_cache_forget([instance.digest])


def _user_changed(sender, instance, **kwargs):
    from accounts.models import ApiToken

    token_cache_forget(ApiToken.objects.filter(user_id=instance.pk).values_list("digest", flat=True))


def connect() -> None:
    """Called once from AccountsConfig.ready()."""
    from accounts.models import ApiToken

    post_save.connect(_token_changed, sender=ApiToken, dispatch_uid="accounts.token_cache.token_saved")
    post_delete.connect(_token_changed, sender=ApiToken, dispatch_uid="accounts.token_cache.token_deleted")
    post_save.connect(_user_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.token_cache.user_saved")
    # A deleted user's tokens go with it (CASCADE) and each sends post_delete above.
