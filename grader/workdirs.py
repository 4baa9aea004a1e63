"""The engine's working folder, `redrive-engine-*` under the system's temporary
directory, and the clean-up of those left by engines that were killed.

Each engine holds an exclusive flock on `<folder>/.owner` for as long as it or
any process it forked lives (the lock belongs to the open file, which forked
children share). The kernel drops the lock when the last of them dies, however
they die (SIGKILL included), so an engine starting later can tell a live
neighbour's folder (lock held) from a dead one's (lock free) and remove only
the dead ones. No pid is trusted: pids are reused.
"""

import fcntl
import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "redrive-engine-"
OWNER = ".owner"


def workdir_create() -> tuple[str, int]:
    """A new engine folder, locked; returns it and the lock's descriptor
    (keep it open for the engine's life, close it in workdir_remove)."""
    base = tempfile.mkdtemp(prefix=PREFIX)
    os.chmod(base, 0o711)
    fd = os.open(os.path.join(base, OWNER), os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return base, fd


def workdir_remove(base: str, fd: int | None) -> None:
    shutil.rmtree(base, ignore_errors=True)
    if fd is not None:
        try:
            os.close(fd)
        except OSError:
            pass


def workdirs_remove_stale(parent: str | None = None) -> list[str]:
    """Remove engine folders no live process owns; returns their paths."""
    removed = []
    for folder in Path(parent or tempfile.gettempdir()).glob(PREFIX + "*"):
        if not folder.is_dir():
            continue
        try:
            fd = os.open(folder / OWNER, os.O_RDWR)
        except FileNotFoundError:
            # Either an engine between mkdtemp and its lock, or one from before
            # the lock existed, which may still be running: neither is ours to remove.
            continue
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live engine's
        else:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(str(folder))
        finally:
            os.close(fd)
    return removed


def main() -> int:
    """`python -m grader.workdirs`: remove dead engines' folders (make run, after a stop)."""
    for folder in workdirs_remove_stale():
        print(f"removed {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
