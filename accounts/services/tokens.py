import secrets
import threading
import time
from collections import OrderedDict

from django.db import DEFAULT_DB_ALIAS
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
    _seen_forget(token.digest)
    return True


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


# Only for the review API, whose statements check the token themselves
# (accounts.api_auth.token_checked_in_query). Issue 13's one review path checks
# tokens here, in accounts, and nowhere else: with it go _SEEN, api_token_caller,
# api_token_refused and accounts/selectors/tokens.py.
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
    token_cache_forget([digest])
    _seen_forget(digest)
