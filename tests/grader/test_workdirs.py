"""Engine folders: a live engine's is kept, a dead one's is removed, whoever
removed it and however it died."""

import os
import signal
import time
from pathlib import Path

from grader.workdirs import OWNER, PREFIX, workdir_create, workdir_remove, workdirs_remove_stale


def _in(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))


def test_a_live_engines_folder_is_kept_and_its_own_removal_is_complete(tmp_path, monkeypatch):
    _in(tmp_path, monkeypatch)
    base, fd = workdir_create()
    assert Path(base).name.startswith(PREFIX) and (Path(base) / OWNER).exists()
    assert workdirs_remove_stale() == []
    assert Path(base).exists()
    workdir_remove(base, fd)
    assert not Path(base).exists()


def test_the_folder_of_an_engine_killed_with_sigkill_goes_at_the_next_start(tmp_path, monkeypatch):
    _in(tmp_path, monkeypatch)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the engine that will be killed
        base, _fd = workdir_create()
        Path(base, "run-1").mkdir()
        os.write(writer, base.encode())
        time.sleep(60)
        os._exit(0)
    base = os.read(reader, 4096).decode()
    assert workdirs_remove_stale() == [], "still alive: kept"
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert workdirs_remove_stale() == [base]
    assert not Path(base).exists()


def test_a_folder_without_an_owner_file_is_left_alone(tmp_path, monkeypatch):
    """It may belong to an engine from before the lock, still running, or to one
    that is about to take its lock."""
    _in(tmp_path, monkeypatch)
    unowned = tmp_path / f"{PREFIX}unowned"
    unowned.mkdir()
    os.utime(unowned, (time.time() - 3600, time.time() - 3600))
    assert workdirs_remove_stale() == []
    assert unowned.exists()
