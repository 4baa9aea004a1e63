"""The emulator's clock: the wall clock plus an offset the grader moves forward.

moto reads time through one function (moto.core.utils.utcnow, patched by
moto_fixes.moto_clock to read `utcnow()` here), so visibility timeouts, delay
seconds, retention and timestamps all follow this clock. `advance(seconds)`
moves it forward at once: a grader checks what happens after a 30-second
visibility timeout without waiting 30 seconds.

Work that runs on a timer of its own (a rate-limited message move task)
registers a catch-up with `on_advance`, called synchronously by `advance`, so
when `advance` returns that work is where it would be after the wait; and it
sleeps with `wait_until`, which wakes on the emulator clock, not only on the
wall clock.

Emulated services that act on their own when time passes (EventBridge target
retries, Scheduler schedules) keep their pending work in moto's backends and
register one `add_hook` each at patch time: hooks survive `reset()` (they hold
no run's state) and run after the listeners on every advance.

One clock per process: the emulator child serves one run, and
grade_in_process calls `reset()` before each run.

Imports nothing from moto, so grader.run can use it without loading moto.
"""

import datetime
import threading
import time
from typing import Callable

# Every answer the emulator gives the learner's code carries the clock's offset
# after the call, so a call during which the clock moved (a slow call: see
# faults.slow) moves the learner's time.time() too (grader/harness/boto3_patches.py
# repeats this name: it cannot import grader).
OFFSET_HEADER = "X-Redrive-Clock-Offset"

_datetime = datetime.datetime  # kept too: the learner's datetime.datetime may be replaced the same way
_wall_time = time.time  # kept: the learner's time.time() may be moved by this clock (inprocess, harness)
_condition = threading.Condition()
_offset = 0.0
_listeners: list[Callable[[], None]] = []
_hooks: list[Callable[[], None]] = []


def offset() -> float:
    """Seconds the emulator clock is ahead of the wall clock."""
    return _offset


def time_s() -> float:
    """Emulator time as a Unix timestamp (the emulator's time.time())."""
    return _wall_time() + _offset


def utcnow() -> datetime.datetime:
    """Naive UTC datetime, as moto.core.utils.utcnow returns."""
    return _datetime.fromtimestamp(time_s(), datetime.UTC).replace(tzinfo=None)


def advance(seconds: float) -> None:
    """Move the emulator clock forward; when this returns, timed work has caught up."""
    global _offset
    if seconds < 0:
        raise ValueError("the emulator clock only moves forward")
    with _condition:
        _offset += seconds
        listeners = list(_listeners) + list(_hooks)
        _condition.notify_all()
    for listener in listeners:
        listener()


def on_advance(listener: Callable[[], None]) -> Callable[[], None]:
    """Call `listener()` after every advance until the returned function is called."""
    with _condition:
        _listeners.append(listener)

    def remove() -> None:
        with _condition:
            if listener in _listeners:
                _listeners.remove(listener)

    return remove


def add_hook(hook: Callable[[], None]) -> None:
    """Call `hook()` after every advance, in every run of this process (kept by reset()).
    For patches that find their pending work in moto's backends; idempotent."""
    with _condition:
        if hook not in _hooks:
            _hooks.append(hook)


def wait_until(when_s: float, stop: threading.Event | None = None) -> bool:
    """Sleep until the emulator clock reaches `when_s` (a time_s() value).

    Returns False if `stop` was set first. Wakes on advance() as well as on the
    wall clock; polls `stop` at least every 50 ms.
    """
    with _condition:
        while True:
            if stop is not None and stop.is_set():
                return False
            remaining = when_s - time_s()
            if remaining <= 0:
                return True
            _condition.wait(min(remaining, 0.05))


def reset() -> None:
    """Back to the wall clock, with no listeners (for a new in-process run); hooks stay."""
    global _offset
    with _condition:
        _offset = 0.0
        _listeners.clear()
        _condition.notify_all()
