import secrets

from django.utils import timezone

from learning.models import ApiToken

TOKEN_PREFIX = "rdv_"


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token; returns it and its secret, which is never stored or shown again."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=(name.strip() or "token")[:100], prefix=secret[:12], digest=ApiToken.digest_for(secret)
    )
    return token, secret


def api_token_revoke(*, user, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False if there is no such live token."""
    return bool(ApiToken.objects.filter(id=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now()))


def api_token_authenticate(*, secret: str):
    """The user a bearer secret belongs to, or None. Records the time of use."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_for(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write at most once a minute per token: a busy API client should not turn every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
