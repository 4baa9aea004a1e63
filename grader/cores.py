"""The one CPU a run's processes share while it grades.

A run is a conversation: the learner's code makes a call, the emulator answers,
the grader calls the learner's function, about two hundred turns a grading, and
neither side computes while the other does. When the sandbox and the emulator
child sit on different CPUs, every turn wakes the other CPU from idle; on a
virtual machine that is an interrupt through the hypervisor. Measured on the
2-core machine the benchmarks run on: a round trip with half a millisecond of
work on each side costs about 130 us more than the work on two CPUs and 30 us
on one, and the heavy labs graded 5-8 % faster with both processes on one CPU
(interleaved A/B, docs/labs.md).

So each run takes a CPU of its own for its duration (`Cores.lease`), and the
emulator child and the harness each move their threads onto it
(`pin_threads`; the harness repeats those few lines, as it imports nothing
from here). The lease is an abstract Unix socket bound per CPU: every engine
on the machine (each Celery process has one) sees the same names, two
concurrent runs get different CPUs, and the kernel frees a lease when its
holder exits, however it exits. When every CPU is leased (more concurrent
runs than CPUs) or the process may use only one, a run goes unpinned and the
kernel places it, as before.
"""

import contextlib
import os
import socket
import threading
from collections.abc import Iterator

LEASE_NAME = "redrive-grading-cpu-{cpu}"  # in the abstract namespace: no file, no clean-up


class Cores:
    """The CPUs this process may use, leased to one run at a time each."""

    def __init__(self, cpus: list[int] | None = None, *, name: str = LEASE_NAME):
        allowed = sorted(os.sched_getaffinity(0)) if cpus is None else cpus
        self.cpus = allowed if len(allowed) > 1 else []  # one CPU: nothing to choose
        self.name = name  # with {cpu}; tests take names of their own
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def lease(self) -> Iterator[int | None]:
        """A CPU no other run on this machine holds, for the block; None when there is none."""
        held = self._take()
        try:
            yield None if held is None else held[0]
        finally:
            if held is not None:
                held[1].close()

    def _take(self) -> tuple[int, socket.socket] | None:
        with self._lock:
            for cpu in self.cpus:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    sock.bind("\0" + self.name.format(cpu=cpu))
                except OSError:  # another run holds it (EADDRINUSE)
                    sock.close()
                    continue
                return cpu, sock
        return None


def pin_threads(cpu: int | None) -> None:
    """Move every thread of this process onto `cpu` (threads started later
    inherit it from the thread that starts them). Best effort: a CPU that
    went away or a refusal leaves the thread where the kernel put it."""
    if cpu is None:
        return
    # The calling thread by 0: after a fork, Python 3.11 keeps the parent's
    # native_id on the thread that forked, which names a thread of the parent.
    # Every other thread was started in this process.
    current = threading.current_thread()
    for thread in threading.enumerate():
        tid = 0 if thread is current else thread.native_id
        if tid is None:
            continue
        try:
            os.sched_setaffinity(tid, {cpu})
        except OSError:
            pass
