"""Setting a user's password: the one place that decides what else changes
with it, for the password change form now and the reset form to come."""

from django.db import transaction

from accounts.services.tokens import api_tokens_revoke_all


def password_set(*, user, password: str, keep_api_tokens: bool = False) -> int:
    """Set `user`'s password. Unless `keep_api_tokens`, every API token of
    theirs is revoked with it: someone who had the old password could have
    made one. Returns how many tokens were revoked. The caller keeps the
    current session alive if it wants to (update_session_auth_hash)."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        return 0 if keep_api_tokens else api_tokens_revoke_all(user=user)
