"""One engine per worker process: a warm emulator, one spare sandbox, and the run loop.

A slot is a forked emulator child plus a sandbox whose harness has already
imported boto3 and connected to that child. Slots are single use: a run takes
the spare, a background thread starts the next one while the verdict is being
stored, and the used slot is killed and its folder removed. All processes are
started from that one long-lived thread, because bubblewrap's
--die-with-parent and the zygote's parent-death signal follow the thread that
forked them.
"""

import logging
import os
import selectors
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass

from grader import protocol
from grader.config import EngineConfig
from grader.cores import Cores
from grader.course_code import marshalled
from grader.emulator import seal as emulator_seal
from grader.emulator.pool import EmulatorRun, WarmEmulator
from grader.protocol import Job, Result
from grader.runfolders import RunFolders
from grader.sandbox.launcher import IsolationUnavailable, Launcher
from grader.sandbox.limits import Limits, cpu_limit_message, time_limit_message
from grader.workdirs import workdir_create, workdir_remove, workdirs_remove_stale

logger = logging.getLogger(__name__)

# Slots kept ready. They are made between runs: one started while a run
# grades takes CPU from it (forks, namespaces, mounts: about 20 ms, at the
# run's start, when the learner's module and the grader load side by side),
# so the second spare is what the next run takes while the first is made.
SPARES = 2
FAILURES_BEFORE_GIVING_UP = 3  # consecutive sandbox start failures before a waiting run gives up
RESULT_GRACE_S = 15  # beyond the learner's clock: sandbox start-up, the grader's own checks
SIGNAL_EXIT = 128


@dataclass
class Finished:
    """What the worker has once a run is over: the child's Result (None when it
    gave none), the sandbox's output, its exit code, and whether the worker's
    own deadline ended the run."""

    result: Result | None
    output: bytes
    exit_code: int | None
    killed_for_time: bool


@dataclass
class Slot:
    run_dir: str
    emulator: EmulatorRun
    sandbox: "object"  # grader.sandbox.zygote.ForkedSandbox, or launcher.HostSandbox
    created: float
    host_dir: str = ""  # the worker's way to run_dir (grader.runfolders), when not run_dir itself

    def usable(self) -> bool:
        return self.sandbox.poll() is None

    def stop(self) -> None:
        """End the run at once: nothing of it runs another instruction of the
        learner's code after this (destroy() then waits for the kernel to tear
        the processes down, and clears up)."""
        self.emulator.close()  # the child exits when its connection closes or its alarm fires
        self.sandbox.kill()

    def destroy(self) -> None:
        self.stop()
        if not self.sandbox.ended(5):
            logger.warning("a lab sandbox did not end after SIGKILL")
        self.sandbox.close()
        shutil.rmtree(self.host_dir or self.run_dir, ignore_errors=True)


class Engine:
    def __init__(self, config: EngineConfig):
        self.pid = os.getpid()
        self.config = config
        workdirs_remove_stale()  # left by engines that were killed (grader/workdirs.py)
        self.base_dir, self._owner_fd = workdir_create()
        try:
            # Raises IsolationUnavailable when isolation is required and missing. Its
            # folder is in ours, so a killed engine's is removed with ours.
            self.launcher = Launcher(config, workdir=self.base_dir)
        except Exception:
            workdir_remove(self.base_dir, self._owner_fd)
            raise
        self.runs = self._run_folders()
        self.emulator = WarmEmulator(self.base_dir, enter=self.runs.enter if self.runs else None)
        self.cores = Cores()
        self._spares: list[Slot] = []
        self._wanted = 0
        self._running = 0  # runs grading now
        self._failure: Exception | None = None
        self._failures_in_a_row = 0
        self._lock = threading.Condition()
        self._closed = False
        self._warned_online = False
        self._thread = threading.Thread(target=self._fill_forever, name="redrive-lab-pool", daemon=True)
        self._thread.start()

    def _run_folders(self) -> RunFolders | None:
        """Under bubblewrap, the run folders' own tmpfs (grader.runfolders); else folders on disk."""
        if not self.launcher.isolated:
            return None
        try:
            runs = RunFolders(self.base_dir, also_mount=self.launcher.layers.mount)
        except OSError:
            logger.exception("could not give the run folders a tmpfs: the sandbox's /proc/self/mountinfo names them")
            return None
        # Each emulator child mounts its new root beside its run's folder (grader.emulator.seal).
        os.mkdir(runs.host_path(emulator_seal.root_for(os.path.join(runs.path, "run"))), 0o700)
        return runs

    # --- the pool thread --------------------------------------------------------
    def _fill_forever(self) -> None:
        while True:
            with self._lock:
                while not self._closed and len(self._spares) >= self._target():
                    self._lock.wait()
                if self._closed:
                    return
            try:
                slot = self._make_slot()
            except Exception as exc:  # reported to the run waiting for it
                with self._lock:
                    if self._closed:  # close() stopped the emulator under us: not a failure
                        return
                logger.exception("could not start a lab sandbox")
                with self._lock:
                    self._failure = exc
                    self._failures_in_a_row += 1
                    self._lock.notify_all()
                time.sleep(1)
                continue
            with self._lock:
                self._spares.append(slot)
                self._failure, self._failures_in_a_row = None, 0
                self._lock.notify_all()

    def _target(self) -> int:
        """How many slots to have ready now: while a run grades, only what the
        runs waiting for one need."""
        return self._wanted if self._running else max(SPARES, self._wanted)

    def _make_slot(self) -> Slot:
        if self.runs is not None:
            run_dir = self.runs.make()
            host_dir = self.runs.host_path(run_dir)
        else:
            run_dir = host_dir = tempfile.mkdtemp(prefix="run-", dir=self.base_dir)
            os.chmod(run_dir, 0o711)
        limits = self.config.limits
        emulator = self.emulator.fork(
            run_dir, memory_mib=limits.emulator_mib, uid=self.config.emulator_uid,
            disk_mib=limits.emulator_disk_mib, disk_files=limits.emulator_disk_files,
        )
        try:
            self._check_offline(emulator)
            sandbox = self.launcher.start(run_dir, host_dir=host_dir, enter=self.runs.enter if self.runs else None)
        except Exception:
            emulator.close()
            shutil.rmtree(host_dir, ignore_errors=True)
            raise
        return Slot(run_dir=run_dir, emulator=emulator, sandbox=sandbox, created=time.monotonic(), host_dir=host_dir)

    def _check_offline(self, emulator: EmulatorRun) -> None:
        """The emulator makes HTTP requests a learner asks for (SNS http
        subscriptions, ...) and spools what it is sent: it must have no network
        to make them on, and a sandbox of its own (grader.emulator.seal)."""
        if emulator.offline and emulator.sealed:
            return
        if self.config.require_isolation:
            raise IsolationUnavailable(
                "The lab emulator could not get a private network and mount namespace (it needs root or unprivileged "
                "user namespaces), so learner code could make it reach other services or fill the worker's disk."
            )
        if not self._warned_online:
            self._warned_online = True
            logger.warning("!!! LABS EMULATOR HAS THE WORKER'S NETWORK: learner code can make it send HTTP requests. !!!")

    def _take(self, timeout: float = 90) -> Slot:
        deadline = time.monotonic() + timeout
        with self._lock:
            self._wanted += 1
            self._lock.notify_all()
            try:
                while True:
                    while self._spares:
                        slot = self._spares.pop(0)
                        if slot.usable():
                            self._running += 1  # until run() ends it
                            return slot
                        threading.Thread(target=slot.destroy, daemon=True).start()
                    # One failure can be a busy machine (a start-up timeout): the pool
                    # retries. A failure that repeats, or that says isolation is
                    # missing, will not go away by waiting.
                    if self._failure is not None and (
                        isinstance(self._failure, IsolationUnavailable) or self._failures_in_a_row >= FAILURES_BEFORE_GIVING_UP
                    ):
                        raise self._failure
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise TimeoutError("no lab sandbox became ready in time")
                    self._lock.wait(min(remaining, 1.0))
            finally:
                self._wanted -= 1

    def close(self) -> None:
        with self._lock:
            self._closed = True
            spares, self._spares = self._spares, []
            self._lock.notify_all()
        for slot in spares:
            slot.destroy()
        self.emulator.close()
        self.launcher.close()
        if self.runs is not None:
            self.runs.close()
        workdir_remove(self.base_dir, self._owner_fd)

    # --- one run -------------------------------------------------------------------
    def run(
        self, *, slug: str, limits: Limits, grader_files: dict, code: str, services: list[str] | None = None, seed: int = 0
    ) -> Finished:
        """Grade in a fresh slot; the emulator serves only `services` (None: all a lab may declare)."""
        slot = self._take()
        output = bytearray()
        try:
            with self.cores.lease() as cpu:
                job = Job(
                    slug=slug, time_limit_s=limits.time_limit_s, grader_files=grader_files, code=code,
                    limits=limits.for_harness(), time_limit_message=time_limit_message(limits), services=services,
                    seed=seed, compiled=marshalled(grader_files, slug), cpu=cpu,
                )
                protocol.send(slot.emulator.connection, job)
                deadline = time.monotonic() + limits.time_limit_s + RESULT_GRACE_S
                result, killed_for_time = self._collect(slot, limits, output, deadline)
            exit_code = self._exit_code(slot, result)
        finally:
            # The kernel takes a few ms to tear a killed sandbox down (its
            # namespaces and mounts): the verdict need not wait for that.
            slot.stop()
            with self._lock:
                self._running -= 1
                self._lock.notify_all()  # make the spares this run held back
            threading.Thread(target=slot.destroy, name="slot-destroy", daemon=True).start()
        return Finished(result=result, output=bytes(output), exit_code=exit_code, killed_for_time=killed_for_time)

    def _collect(self, slot: Slot, limits: Limits, output: bytearray, deadline: float) -> tuple[Result | None, bool]:
        """Read the sandbox's output (kept up to the cap, the rest drained) until the child answers."""
        selector = selectors.DefaultSelector()
        stdout = slot.sandbox.stdout
        os.set_blocking(stdout.fileno(), False)
        selector.register(stdout, selectors.EVENT_READ, "output")
        connection = slot.emulator.connection
        selector.register(connection, selectors.EVENT_READ, "result")
        keep = limits.output_bytes + 1  # one byte over the cap lets cap_output say it was cut
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None, True
                for key, _ in selector.select(remaining):
                    if key.data == "output":
                        try:
                            chunk = os.read(stdout.fileno(), 65536)
                        except BlockingIOError:
                            continue
                        if not chunk:
                            selector.unregister(stdout)
                            continue
                        if len(output) < keep:
                            output.extend(chunk[: keep - len(output)])
                    else:
                        connection.settimeout(max(0.1, deadline - time.monotonic()))
                        try:
                            return protocol.recv(connection, Result), False
                        except (EOFError, OSError, protocol.ProtocolError):
                            logger.exception("the emulator child of a run failed")
                            return None, False
        finally:
            # Output written just before the verdict is still in the pipe.
            try:
                while len(output) < keep:
                    chunk = os.read(stdout.fileno(), 65536)
                    if not chunk:
                        break
                    output.extend(chunk[: keep - len(output)])
            except (BlockingIOError, OSError, ValueError):
                pass
            selector.close()

    def _exit_code(self, slot: Slot, result: Result | None) -> int | None:
        """The sandbox's own exit code when the learner's process died on its own."""
        if result is not None and result.learner.died:
            try:
                return slot.sandbox.wait(1.0)
            except Exception:
                return None
        return slot.sandbox.poll()


def explain_exit(exit_code: int | None, limits: Limits) -> str | None:
    """Plain words for a sandbox that died of a limit, from its exit code."""
    if exit_code is None:
        return None
    if exit_code == SIGNAL_EXIT + signal.SIGXCPU:
        return cpu_limit_message(limits)
    if exit_code == SIGNAL_EXIT + signal.SIGXFSZ:
        return f"Your code wrote a file larger than {limits.file_mib} MiB."
    if exit_code == SIGNAL_EXIT + signal.SIGKILL:
        # Not memory: going over RLIMIT_AS raises MemoryError, which the harness
        # reports as such. SIGKILL is the code's own (os.kill, os.killpg) or a hard limit's.
        return (
            "Your code's process was killed with SIGKILL: by your own code (os.kill or os.killpg on itself "
            "or its process group) or by the system at a hard limit."
        )
    if exit_code == SIGNAL_EXIT + signal.SIGSEGV:
        return "Your code crashed the Python interpreter (segmentation fault)."
    if exit_code > SIGNAL_EXIT and exit_code < SIGNAL_EXIT + 65:
        return f"Your code's process was ended by signal {exit_code - SIGNAL_EXIT}."
    return None
