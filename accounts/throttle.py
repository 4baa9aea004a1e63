"""Sign-ups per client address, counted in Django's cache.

The cache is shared by every web process (Redis, or files under var/), so the
count holds across processes. A fixed window per clock hour: a counter key
per address and hour, created with add() and bumped with incr(), both atomic
on Redis. The default (settings.SIGNUP_LIMIT_PER_HOUR) leaves room for a class
of students signing up together behind one school address, and stops a
script from making accounts by the thousand.
"""

import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600


def _key(ip: str | None, now: float) -> str:
    return f"accounts:signups:{ip}:{int(now // WINDOW_SECONDS)}"


def signup_wait_seconds(*, ip: str | None, now: float | None = None) -> int:
    """0 if `ip` may sign up now, else the seconds until it may."""
    now = time.time() if now is None else now
    if (cache.get(_key(ip, now)) or 0) < settings.SIGNUP_LIMIT_PER_HOUR:
        return 0
    return int(WINDOW_SECONDS - now % WINDOW_SECONDS) + 1


def signup_count(*, ip: str | None, now: float | None = None) -> None:
    """Record one sign-up from `ip`."""
    now = time.time() if now is None else now
    key = _key(ip, now)
    cache.add(key, 0, WINDOW_SECONDS + 60)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr: this sign-up starts the new count
        cache.add(key, 1, WINDOW_SECONDS + 60)
