"""The worker's handle on its warm emulator process (zygote.py).

One zygote per worker process, started lazily; if it dies it is started again
on the next request. `fork(run_dir)` gives a fresh child serving one run.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from grader import protocol
from grader.protocol import Prepare, Ready

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60  # cold import of moto and boto3 plus warming, on a busy 2-core machine


class EmulatorUnavailable(RuntimeError):
    pass


def zygote_environment() -> dict[str, str]:
    """Only what moto and boto3 need: no database URL, no SECRET_KEY, no endpoint override."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(REPO),
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "MOTO_ALLOW_NONEXISTENT_REGION": "false",
    }


class EmulatorRun:
    """A forked child ready to serve one run."""

    def __init__(self, connection: socket.socket, pid: int, offline: bool = False, sealed: bool = False):
        self.connection, self.pid = connection, pid
        self.offline = offline  # in a network namespace of its own
        self.sealed = sealed  # and its own root, uid and capped /tmp (grader.emulator.seal)

    def close(self) -> None:
        try:
            self.connection.close()
        except OSError:
            pass


class WarmEmulator:
    def __init__(self, base_dir: str, enter=None):
        self.control_path = os.path.join(base_dir, "zygote.sock")
        self.enter = enter  # joins the run folders' namespace (grader.runfolders), in the forked child
        self.process: subprocess.Popen | None = None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start the zygote and wait until it listens (it binds only once warm)."""
        self.close()
        try:
            os.unlink(self.control_path)
        except FileNotFoundError:
            pass
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader.emulator.zygote", self.control_path],
            cwd=str(REPO), env=zygote_environment(), stdin=subprocess.DEVNULL, stdout=2, close_fds=True,
            preexec_fn=self.enter,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while not os.path.exists(self.control_path):
            if self.process.poll() is not None:
                raise EmulatorUnavailable(f"the warm emulator exited with code {self.process.returncode} while starting")
            if time.monotonic() > deadline:
                self.close()
                raise EmulatorUnavailable("the warm emulator did not start in time")
            time.sleep(0.01)

    def fork(self, run_dir: str, *, memory_mib: int | None = None, uid: int = 65533, disk_mib: int = 256, disk_files: int = 4096) -> EmulatorRun:
        if not self.alive():
            self.start()
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(20)
        try:
            connection.connect(self.control_path)
            protocol.send(connection, Prepare(dir=run_dir, memory_mib=memory_mib, uid=uid, disk_mib=disk_mib, disk_files=disk_files))
            ready = protocol.recv(connection, Ready)
        except (OSError, EOFError, protocol.ProtocolError) as exc:
            connection.close()
            raise EmulatorUnavailable(f"the warm emulator did not fork a run: {exc}") from exc
        connection.settimeout(None)
        return EmulatorRun(connection, ready.pid, offline=ready.offline, sealed=ready.sealed)

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        self.process = None
