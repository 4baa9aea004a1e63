"""The run folders' own tmpfs: seen at its path only inside the engine's
namespace, reached by the worker through a descriptor, gone with the engine."""

import os
import tempfile
import time

import pytest

from grader.runfolders import RunFolders
from tests.grader.conftest import GOOD, grade

pytestmark = pytest.mark.sandbox


def _in_namespace(folders: RunFolders, check) -> int:
    """Run check() in a forked child that joined the namespace; its exit code."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            folders.enter()
            code = 0 if check() else 2
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def _filesystem(path: str) -> str:
    """The type of the filesystem mounted at or holding `path`, from mountinfo."""
    best, kind = "", ""
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            point = fields[4]
            if (path == point or path.startswith(point.rstrip("/") + "/")) and len(point) > len(best):
                best, kind = point, line.split(" - ")[1].split()[0]
    return kind


def test_a_run_folder_is_on_the_engines_tmpfs_in_its_namespace_and_not_on_the_worker_disk():
    with tempfile.TemporaryDirectory(prefix="redrive-test-") as base:
        folders = RunFolders(base)
        try:
            run_dir = folders.make()

            assert os.path.dirname(run_dir) == os.path.join(base, "runs")
            assert not os.path.exists(run_dir)  # the worker's own namespace: the disk's empty folder
            assert os.path.isdir(folders.host_path(run_dir))
            assert _in_namespace(folders, lambda: os.path.isdir(run_dir) and _filesystem(run_dir) == "tmpfs") == 0
        finally:
            folders.close()
        assert os.listdir(os.path.join(base, "runs")) == []


def test_the_engine_removes_each_run_folder_from_its_tmpfs(engine):
    runs = engine.runs
    assert runs is not None  # bubblewrap works here: the run folders have their tmpfs
    for _ in range(3):
        assert grade(GOOD).data["status"] == "passed"
    deadline = time.monotonic() + 5
    while True:
        left = {name for name in os.listdir(runs.host_path(runs.path)) if name.startswith("run-")}
        spares = {os.path.basename(slot.run_dir) for slot in engine._spares}
        if left <= spares or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert left <= spares, (left, spares)  # only the spare's folder: none of the three runs'
