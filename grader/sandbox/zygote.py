"""The worker's side of the sandbox zygote (grader/harness/zygote.py): one
bubblewrap sandbox per engine whose trusted process imports boto3 once and
forks every run's learner sandbox, each in namespaces of its own.

A run's sandbox is a ForkedSandbox: its output pipe, and a status socket on
which the run's outer child sends the pidfd of the run's pid 1 and, at the end,
its exit code. Killing that pid 1 ends every process of the run.
"""

import logging
import os
import select
import signal
import socket
import struct
import subprocess
import threading
import time

logger = logging.getLogger(__name__)

START_TIMEOUT_S = 60  # boto3's import on a busy machine
SPAWN_TIMEOUT_S = 10
SIGNAL_EXIT = 128


class ZygoteFailed(RuntimeError):
    """The zygote did not start, or could not fork a run's sandbox."""


class ForkedSandbox:
    """One run's sandbox, with the parts of subprocess.Popen the engine uses."""

    def __init__(self, status: socket.socket, stdout, init_pidfd: int, zygote: "Zygote"):
        self.status, self.stdout, self.pidfd, self._zygote = status, stdout, init_pidfd, zygote
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            if select.select([self.status], [], [], 0)[0]:
                self._read_status()
            elif not self._zygote.alive():
                # Its parent-death signals are on their way: never hand it a run.
                self.returncode = SIGNAL_EXIT + signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise subprocess.TimeoutExpired("sandbox", timeout)
            select.select([self.status], [], [], remaining)
        return self.returncode

    def _read_status(self) -> None:
        data = b""
        try:
            while len(data) < 4:
                chunk = self.status.recv(4 - len(data))
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        # Without a code the outer child died first: the zygote went, or kill().
        self.returncode = struct.unpack(">I", data)[0] if len(data) == 4 else SIGNAL_EXIT + signal.SIGKILL

    def kill(self) -> None:
        """SIGKILL the run's pid 1: the kernel then kills the rest of its pid namespace."""
        if self.pidfd is not None:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def ended(self, timeout: float) -> bool:
        """Whether the run's pid 1, and so every process of the run, is gone."""
        return self.pidfd is None or bool(select.select([self.pidfd], [], [], timeout)[0])

    def close(self) -> None:
        for thing in (self.stdout, self.status):
            try:
                thing.close()
            except OSError:
                pass
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None


class Zygote:
    """Started by the launcher (which builds its bubblewrap command), used from
    the engine's pool thread; spawn() is serialised by a lock all the same."""

    def __init__(self, process: subprocess.Popen, control: socket.socket):
        self.process, self.control = process, control
        self._lock = threading.Lock()
        control.settimeout(START_TIMEOUT_S)
        try:
            ready = control.recv(64)
        except OSError as exc:
            self.close()
            raise ZygoteFailed(f"the sandbox zygote did not start: {exc}") from exc
        if ready != b"ready":
            code = process.poll()
            self.close()
            raise ZygoteFailed(f"the sandbox zygote did not start (exit code {code})")
        control.settimeout(SPAWN_TIMEOUT_S)

    def alive(self) -> bool:
        return self.process.poll() is None

    def spawn(self, run_name: str) -> ForkedSandbox:
        """Fork the sandbox of the run whose folder is `run_name` (in the folder bound at /runs)."""
        output_r, output_w = os.pipe()
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self._lock:
                socket.send_fds(self.control, [run_name.encode()], [output_w, theirs.fileno()])
                answer = self.control.recv(256)
            if answer != b"ok":
                raise ZygoteFailed(f"the sandbox zygote could not fork a run: {answer.decode(errors='replace') or 'it exited'}")
            mine.settimeout(SPAWN_TIMEOUT_S)
            message, fds, _, _ = socket.recv_fds(mine, 16, 1)
            if message != b"pid" or len(fds) != 1:
                for fd in fds:
                    os.close(fd)
                raise ZygoteFailed("a run's sandbox could not wall itself in (see the worker's log)")
            mine.settimeout(None)
        except BaseException:
            os.close(output_r)
            mine.close()
            raise
        finally:
            os.close(output_w)
            theirs.close()
        return ForkedSandbox(mine, os.fdopen(output_r, "rb", buffering=0), fds[0], self)

    def close(self) -> None:
        try:
            self.control.close()  # the zygote's loop ends; --die-with-parent covers the rest
        except OSError:
            pass
        # Kill the sandbox's pid 1 first: the kernel then ends everything in its
        # pid namespace (every run's sandbox with it), and bubblewrap's outer
        # process reaps it and exits.
        for pid in children(self.process.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.process.kill()
        except ProcessLookupError:
            pass
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            logger.warning("the sandbox zygote %s did not exit after SIGKILL", self.process.pid)


def children(pid: int) -> list[int]:
    """The processes `pid`'s threads started (from the host's /proc; [] once it is gone)."""
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(child) for child in f.read().split()]
        except (OSError, ValueError):
            continue
    return found


def descendants(pid: int) -> list[int]:
    """Every process below `pid`: a zygote's runs, for the tests; a worker's tree, for the benches."""
    found, queue = [], [pid]
    while queue:
        below = children(queue.pop())
        found += below
        queue += below
    return found
