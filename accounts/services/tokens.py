import secrets

from django.utils import timezone

from accounts.models import ApiToken
from accounts.token_cache import token_cache_forget, token_cache_get, token_cache_set

TOKEN_PREFIX = "rdv_"


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token; returns it and its secret, which is never stored or shown again."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=(name.strip() or "token")[:100], prefix=secret[:12], digest=ApiToken.digest_for(secret)
    )
    return token, secret


def api_token_revoke(*, user, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False if there is no such live token.
    Every request with it is refused from now on, in every process."""
    token = ApiToken.objects.filter(id=token_id, user=user, revoked_at__isnull=True).first()
    if token is None:
        return False
    # update() sends no post_save: the cached look-up is forgotten here.
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    token_cache_forget([token.digest])
    return True


def api_tokens_revoke_all(*, user) -> int:
    """Revoke every live token of `user` (a changed password means the old one
    may be known to someone). Returns how many were live."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    digests = list(tokens.values_list("digest", flat=True))
    if not digests:
        return 0
    tokens.update(revoked_at=timezone.now())
    token_cache_forget(digests)
    return len(digests)


# Written at most once a minute per token: a busy API client should not turn every read into a write.
_LAST_USED_EVERY = 60


def _authenticate(digest: str):
    """(the user, the token's id) for a live token, or None. Looked up in the
    cache first (accounts/token_cache.py), else in the database, which fills
    the cache. Records the time of use."""
    entry = token_cache_get(digest)
    if entry is None:
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        entry = (token.id, token.user, token.last_used_at)
        token_cache_set(digest, entry)
    token_id, user, last_used_at = entry
    now = timezone.now()
    if last_used_at is None or (now - last_used_at).total_seconds() > _LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        token_cache_set(digest, (token_id, user, now))
    return user, token_id


def api_token_authenticate(*, secret: str):
    """The user a bearer secret belongs to, or None. Records the time of use."""
    found = _authenticate(ApiToken.digest_for(secret))
    return found[0] if found else None
