"""Held answers: a learner's answer waits until the invocations running beside it have caught up.

A `delay` fault (Faults.delay) exists to make two invocations that run at once
and read, then act, both read before either acts: the window a check-then-act
race needs. It used to hold each answer for a fixed wall-clock time and count
on the other invocation reaching its own read meanwhile. On a loaded machine it
might not, and the race went unseen (a wrong answer could pass); on a quiet
one every held answer cost its whole time, the verdict's longest wait.

Now an answer is held until every other invocation of the same concurrent
round (Run.deliver_sqs with concurrency) is itself waiting on a held answer,
or has returned; then every held answer goes at once. The fault's seconds are
only a cap, for an answer no round explains: a request that names no running
invocation (a thread the learner's code started, a call outside a concurrent
round) or a round whose other invocation waits on something else.

The transports say when a round starts and when each of its invocations
returns (grader.emulator.child over the wire, grader.inprocess directly).
"""

import collections
import threading
import time


class Holds:
    def __init__(self):
        self._changed = threading.Condition()
        self._running: set[str] = set()  # the invocations of the round in progress
        self._held: collections.Counter = collections.Counter()  # answers held, by invocation
        self._releases = 0  # how many times the held answers were let go together

    # --- what the transports call -----------------------------------------------------
    def round_started(self, invocations) -> None:
        with self._changed:
            self._running = {invocation for invocation in invocations if invocation}
            self._changed.notify_all()

    def returned(self, invocation: str | None) -> None:
        with self._changed:
            self._running.discard(invocation)
            self._changed.notify_all()

    def round_ended(self) -> None:
        with self._changed:
            self._running.clear()
            self._changed.notify_all()

    # --- what the fault hook calls ----------------------------------------------------
    def hold(self, invocation: str | None, cap_s: float) -> tuple[float, bool]:
        """Wait until the round has caught up with this answer, or cap_s passed.
        Returns (seconds held, whether the round caught up)."""
        started = time.monotonic()
        deadline = started + cap_s
        caught_up = False
        with self._changed:
            releases = self._releases
            self._held[invocation] += 1
            try:
                while self._releases == releases:
                    if self._caught_up(invocation):
                        self._releases += 1  # every answer held now goes, not only this one
                        self._changed.notify_all()
                        break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self._changed.wait(remaining)
                caught_up = self._releases != releases
            finally:
                self._held[invocation] -= 1
        return time.monotonic() - started, caught_up

    def _caught_up(self, invocation: str | None) -> bool:
        if invocation not in self._running:
            return False
        return all(self._held[other] > 0 for other in self._running if other != invocation)
