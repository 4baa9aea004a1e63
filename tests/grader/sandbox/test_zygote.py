"""Each run's sandbox is forked by the engine's zygote (grader/harness/zygote.py)
and walls itself in: these prove the walls from inside, with hostile code,
and that the engine outlives its zygote."""

import os
import signal
import time
from pathlib import Path

import pytest

from grader.sandbox.zygote import descendants
from tests.grader.conftest import PRINT_PIDNS, assert_engine_still_grades, assert_nothing_left, grade

pytestmark = pytest.mark.sandbox

PROBE_WALLS = """
import ctypes, errno, os, socket
libc = ctypes.CDLL(None, use_errno=True)


def attempt(name, action):
    try:
        print(name, 'allowed', action())
    except Exception as exc:
        print(name, 'blocked', type(exc).__name__)


def syscall(name, *args):
    if getattr(libc, name)(*args) != 0:
        raise OSError(ctypes.get_errno(), name)
    return 'done'


status = dict(line.split(':', 1) for line in open('/proc/self/status'))
print('caps', *(status[k].strip() for k in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb')))
print('pids', sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))
print('runs', sorted(os.listdir('/runs')))
print('run folder', [n for n in ('emulator.sock', 'rpc.sock') if os.path.exists('/run/emu/' + n)])
attempt('new user namespace', lambda: syscall('unshare', 0x10000000))
attempt('new mount namespace', lambda: syscall('unshare', 0x00020000))
attempt('unmount /runs', lambda: syscall('umount2', b'/runs', 2))
attempt('write run folder', lambda: open('/run/emu/planted', 'w'))
attempt('max_user_namespaces', lambda: open('/proc/sys/user/max_user_namespaces').read().strip())
"""


def test_a_run_sees_only_its_own_processes_folder_and_no_capabilities(engine):
    # The pool keeps a spare sandbox, forked from the same zygote, waiting
    # while this run goes on: it must be out of sight and out of reach.
    graded = grade(PRINT_PIDNS + PROBE_WALLS)
    output = graded.output

    assert "caps " + " ".join(["0000000000000000"] * 5) in output, output
    assert "pids [1, 2]" in output, output  # its pid 1 and the harness: nothing of the zygote or the spare
    assert "runs []" in output, output
    assert "run folder ['emulator.sock']" in output, output  # its own; rpc.sock goes once the harness is connected
    assert "new user namespace blocked" in output, output
    assert "new mount namespace blocked" in output, output
    assert "unmount /runs blocked" in output, output
    assert "write run folder blocked" in output, output
    assert "max_user_namespaces allowed 0" in output, output
    assert_nothing_left(graded)
    assert_engine_still_grades()


NAMESPACES = ("user", "mnt", "pid", "net", "ipc", "uts")


def _namespaces(pid) -> dict:
    return {kind: os.readlink(f"/proc/{pid}/ns/{kind}") for kind in NAMESPACES}


def _nspid(pid: int) -> list[str]:
    """The process's pid in each pid namespace it is in, outermost first ([] once it is gone)."""
    try:
        return Path(f"/proc/{pid}/status").read_text().split("NSpid:")[1].split("\n")[0].split()
    except OSError:
        return []


def _run_inits(zygote_sandbox: int) -> tuple[list[int], list[int]]:
    """(the zygote, every run's pid 1) among the sandbox's processes."""
    processes = descendants(zygote_sandbox)
    depth = {pid: _nspid(pid) for pid in processes}
    zygote = [pid for pid in processes if len(depth[pid]) == 2 and depth[pid][-1] == "2"]  # bubblewrap's pid 2
    return zygote, [pid for pid in processes if len(depth[pid]) == 3 and depth[pid][-1] == "1"]


def test_every_run_has_namespaces_of_its_own_apart_from_the_spare_and_the_zygote(engine):
    # The run sleeps a little so that the next spare, forked in the background
    # once this run took the last one, starts while this run's namespaces still
    # exist: the kernel reuses a freed namespace's number.
    code = "import os, time\n" + "".join(f"print('ns {kind}', os.readlink('/proc/self/ns/{kind}'))\n" for kind in NAMESPACES)
    code += "time.sleep(0.5)\n"
    zygote_sandbox = engine.launcher._zygote.process.pid
    _, before = _run_inits(zygote_sandbox)  # the spare this run will take
    graded = grade(code)
    mine = {line.split()[1]: line.split()[2] for line in graded.output.splitlines() if line.startswith("ns ")}
    assert set(mine) == set(NAMESPACES), graded.output

    deadline = time.monotonic() + 10
    while True:
        zygote, run_inits = _run_inits(zygote_sandbox)
        spares = []
        for pid in set(run_inits) - set(before):
            try:
                spares.append(_namespaces(pid))
            except OSError:
                continue
        if (zygote and spares) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert zygote and spares, run_inits  # the spare sandbox, started while the run went on
    for spare in spares:
        for kind in NAMESPACES:
            assert spare[kind] != mine[kind], kind
            assert spare[kind] != _namespaces(zygote[0])[kind], kind
            assert mine[kind] != _namespaces(zygote[0])[kind], kind


def test_the_engine_replaces_a_zygote_that_died(engine):
    zygote = engine.launcher._zygote
    assert zygote is not None and zygote.alive()
    os.kill(zygote.process.pid, signal.SIGKILL)  # bubblewrap's outer process: the whole sandbox goes
    deadline = time.monotonic() + 10
    while zygote.alive() and time.monotonic() < deadline:
        time.sleep(0.05)

    assert_engine_still_grades()
    assert engine.launcher._zygote is not zygote and engine.launcher._zygote.alive()
