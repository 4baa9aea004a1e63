"""What every trace hook shares: call through, and never let recording fail the call."""

import functools
import logging

from grader import trace

logger = logging.getLogger("grader.emulator.trace_hooks")


def recording(what: str):
    """A decorator for the recording half of a hook: logs and swallows its errors."""

    def decorate(function):
        @functools.wraps(function)
        def safe(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception:
                logger.exception("trace hook %s failed; the AWS call went on", what)
                return None

        return safe

    return decorate


def wrap(owner, attribute: str, make) -> None:
    """Replace owner.attribute by make(original), once."""
    original = getattr(owner, attribute)
    if getattr(original, "_redrive_trace", False):
        return
    wrapped = make(original)
    wrapped._redrive_trace = True
    wrapped.__wrapped__ = original  # the canaries look through to moto's own signature
    setattr(owner, attribute, wrapped)


def recorder() -> "trace.Recorder | None":
    return trace.active()
