"""`make run` as a developer uses it: the web server, a worker and beat as three
processes; Ctrl-C (SIGINT to the terminal's process group) or the death of any
of them stops all of them within seconds, leaving no process and no engine
folder. Needs bubblewrap (the worker starts its engines), hence the mark."""

import glob
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.labs.conftest import free_port

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.sandbox
# Measured at 6-9 s on a 2-core machine with a load average of 11 (mostly
# Celery's own warm shutdown); the trap gives the worker RUN_STOP_S = 10 s.
STOP_WITHIN_S = 20


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _alive(pids) -> list[int]:
    alive = []
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                alive.append(pid)
        except OSError:
            pass
    return alive


def _cmdline(pid) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.fixture
def make_run(tmp_path):
    """`make run` started as a terminal starts it: a session of its own, SIGINT at its default."""
    port = free_port()
    before = set(glob.glob("/tmp/redrive-engine-*"))
    env = dict(os.environ, REDRIVE_VAR_DIR=str(tmp_path / "var"))
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)  # make run's own set-up: SQLite and the file-system broker
    log = (tmp_path / "make-run.log").open("wb")
    process = subprocess.Popen(
        ["make", "-o", ".venv/.installed", "run", f"RUN_PORT={port}"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    ours: set[str] = set()
    while time.monotonic() < deadline and len(ours) < 2:
        time.sleep(0.5)  # each of the worker's two pool processes starts its engine (its zygote names the folder)
        ours = {f for f in set(glob.glob("/tmp/redrive-engine-*")) - before if any(f + "/" in _cmdline(p) for p in _tree(process.pid))}
    assert len(ours) == 2, (tmp_path / "make-run.log").read_text()[-3000:]
    yield process, ours
    if process.poll() is None:
        # The tree is read before the kill: once make is gone, its children
        # belong to init and can no longer be found from it.
        tree = _tree(process.pid)
        os.killpg(process.pid, signal.SIGKILL)
        for pid in tree:
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except OSError:
                    pass


def _stopped(process, pids, folders, started):
    while _alive(pids) and time.monotonic() - started < 60:
        time.sleep(0.05)
    took = time.monotonic() - started
    assert process.wait(5) is not None
    assert [_cmdline(p) for p in _alive(pids)] == []
    assert sorted(f for f in folders if os.path.exists(f)) == []
    return took


def test_beat_runs_as_its_own_process_beside_the_worker(make_run):
    process, _folders = make_run
    commands = [_cmdline(p) for p in _tree(process.pid)]
    assert any(" beat " in c for c in commands)
    assert not any(" worker " in c and " -B" in c for c in commands)


def test_ctrl_c_stops_everything_within_seconds(make_run):
    process, folders = make_run
    pids = _tree(process.pid)
    started = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    took = _stopped(process, pids, folders, started)
    print(f"make run stopped in {took:.2f} s")
    assert took < STOP_WITHIN_S


def test_a_worker_killed_with_sigkill_takes_beat_and_the_web_server_with_it(make_run):
    process, folders = make_run
    pids = _tree(process.pid)
    worker = next(p for p in pids if " worker " in _cmdline(p) and Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[2] == str(p))
    started = time.monotonic()
    os.kill(worker, signal.SIGKILL)
    took = _stopped(process, pids, folders, started)
    print(f"make run stopped {took:.2f} s after its worker was killed")
    assert took < STOP_WITHIN_S
