import secrets
import threading
import time
from collections import OrderedDict

from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from accounts.models import ApiToken

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
    token = ApiToken.objects.filter(id=token_id, user=user, revoked_at__isnull=True).first()
    if token is None:
        return False
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    _seen_forget(token.digest)
    return True


# What API views read of request.user; the rest (password hash, names, dates)
# stays deferred and loads on first use.
_USER_FIELDS = ("username", "email", "is_active", "is_staff", "is_superuser")
# Written at most once a minute per token: a busy API client should not turn every read into a write.
_LAST_USED_EVERY = 60


def _authenticate(digest: str):
    """(the user, the token's id) for a live token, or None: one hand-written
    query (the ORM's compilation of the same select_related query cost more
    than running it). Records the time of use."""
    from django.contrib.auth import get_user_model

    from flashcards.selectors import rows

    User = get_user_model()
    T, U = ApiToken._meta.db_table, User._meta.db_table
    with rows.hot_cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, t.last_used_at, {rows.columns(User, 'u', _USER_FIELDS)} FROM {T} t JOIN {U} u ON u.id = t.user_id "
            f"WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active = %s",
            [digest, True],
        )
        row = cursor.fetchone()  # digest is unique: one row at most
    if row is None:
        return None
    token_id, last_used_at = row[0], rows.value(ApiToken, "last_used_at", row[1])
    now = timezone.now()
    if last_used_at is None or (now - last_used_at).total_seconds() > _LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    (user,) = rows.split(row[2:], (User, _USER_FIELDS))
    return user, token_id


def api_token_authenticate(*, secret: str):
    """The user a bearer secret belongs to, or None. Records the time of use."""
    found = _authenticate(ApiToken.digest_for(secret))
    return found[0] if found else None


# Tokens this process has authenticated: digest -> (user id, username, token id,
# monotonic time last_used_at was last written). Used only by views that check
# the token again inside their own statement (api_token_caller), so a revoked
# token is refused at once, by every process.
_SEEN: OrderedDict = OrderedDict()
_SEEN_MAX = 4096
_SEEN_LOCK = threading.Lock()


def _seen_forget(digest: str) -> None:
    with _SEEN_LOCK:
        _SEEN.pop(digest, None)


def api_token_caller(*, secret: str):
    """(the user, the token's digest) for a bearer secret, without a query when
    this process has seen the token before; None for a token that is not live.

    Not proof that the token is still live: the caller must check it in its own
    statement (accounts.selectors.tokens.with_live_token) and, when that fails,
    call api_token_refused() and answer 401. The user is loaded with its id,
    username and is_active only (the rest is deferred)."""
    digest = ApiToken.digest_for(secret)
    with _SEEN_LOCK:
        seen = _SEEN.get(digest)
        if seen is not None:
            _SEEN.move_to_end(digest)
    if seen is None:
        found = _authenticate(digest)
        if found is None:
            return None
        user, token_id = found
        with _SEEN_LOCK:
            _SEEN[digest] = (user.pk, user.get_username(), token_id, time.monotonic())
            while len(_SEEN) > _SEEN_MAX:
                _SEEN.popitem(last=False)
        return user, digest
    user_id, username, token_id, written = seen
    if time.monotonic() - written > _LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=timezone.now())
        with _SEEN_LOCK:
            _SEEN[digest] = (user_id, username, token_id, time.monotonic())
    from django.contrib.auth import get_user_model

    User = get_user_model()
    # is_active: the view's statement refuses the token if the account is not.
    return User.from_db(DEFAULT_DB_ALIAS, ["id", User.USERNAME_FIELD, "is_active"], [user_id, username, True]), digest


def api_token_refused(*, digest: str) -> None:
    """A view's own statement found the token dead (revoked, deleted, or its
    account deactivated): forget it, so the next request authenticates afresh."""
    _seen_forget(digest)
