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
    """The user a bearer secret belongs to, or None. Records the time of use.

    Every API request runs this, so it is one hand-written query (the ORM's
    compilation of the same select_related query cost more than running it):
    the live token with this digest and its active user."""
    from django.contrib.auth import get_user_model

    from flashcards.selectors import rows

    User = get_user_model()
    T, U = ApiToken._meta.db_table, User._meta.db_table
    with rows.hot_cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, t.last_used_at, {rows.columns(User, 'u')} FROM {T} t JOIN {U} u ON u.id = t.user_id "
            f"WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active = %s",
            [ApiToken.digest_for(secret), True],
        )
        row = cursor.fetchone()  # digest is unique: one row at most
    if row is None:
        return None
    token_id, last_used_at = row[0], rows.value(ApiToken, "last_used_at", row[1])
    now = timezone.now()
    # Write at most once a minute per token: a busy API client should not turn every read into a write.
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    (user,) = rows.split(row[2:], User)
    return user
