"""What the learner's code can learn of the host's paths from inside the sandbox.

Learner code reads every file it may under /proc/self and /proc/1 (their
task/ folders included), the mount views, the targets of every link there,
and the interpreter's own idea of where it lives; none may name the checkout,
the venv's or the Python install's real path, the engine's folder or /root."""

import re
import sys
from pathlib import Path

import pytest

from grader.sandbox.launcher import HARNESS_DIR
from tests.grader.conftest import grade

REPO = Path(__file__).resolve().parents[3]

WALK = r'''
import os, sys

READ = @@READ@@
SKIP = {"mem", "pagemap", "clear_refs", "kmsg", "kcore", "autogroup", "timerslack_ns"}
seen = []

def note(where, data):
    seen.append((where, data))

def visit(path, depth):
    try:
        target = os.readlink(path)
    except OSError:
        target = None
    if target is not None:
        note(path + " ->", target)
        return
    if os.path.isdir(path):
        if depth > 4:
            return
        try:
            names = os.listdir(path)
        except OSError:
            return
        for name in names:
            visit(path + "/" + name, depth + 1)
        return
    if os.path.basename(path) in SKIP:
        return
    try:
        with open(path, "rb") as f:
            note(path, f.read(1 << 20).decode(errors="replace"))
    except OSError:
        pass

for link in ("/proc/self", "/proc/thread-self", "/proc/mounts", "/proc/net"):
    visit(link, 0)  # the link itself
for root in ("/proc/self", "/proc/1", "/proc/thread-self"):
    visit(os.path.realpath(root), 0)
for path in READ:
    visit(os.path.realpath(path), 0)
    seen.append((path, dict(seen).get(os.path.realpath(path), "")))
note("sys", repr([sys.executable, sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, sys.path]))
note("environ", repr(dict(os.environ)))

must = [p for p, data in seen if data]
print("files", len(seen), flush=True)
for name in READ:
    print("read", name, any(p == name for p in must), flush=True)

FORBIDDEN = @@FORBIDDEN@@
for where, data in seen:
    for word in FORBIDDEN:
        if word in data:
            at = data.index(word)
            print("leak", where, word, repr(data[max(0, at - 120): at + 120]), flush=True)
print("mountinfo", repr(open("/proc/self/mountinfo").read()), flush=True)
print("exe", os.readlink("/proc/self/exe"), flush=True)
'''


# /proc/self/environ is unreadable (the harness is not dumpable): os.environ stands for it.
MUST_READ = ("/proc/self/mountinfo", "/proc/self/mountstats", "/proc/mounts", "/proc/self/maps", "/proc/1/cmdline", "/proc/self/net/unix")


def walk(forbidden: list[str]) -> str:
    """Calls through the emulator, then the walk: the client is kept, so
    /proc/net/unix holds its open connection (and the emulator's end of it)."""
    calls = "import boto3\nsqs = boto3.client('sqs')\nsqs.create_queue(QueueName='orders')\n"
    return calls + WALK.replace("@@FORBIDDEN@@", repr(forbidden)).replace("@@READ@@", repr(MUST_READ))


def host_paths(engine) -> list[str]:
    venv = Path(sys.prefix)
    words = {
        str(REPO), str(REPO.resolve()), str(HARNESS_DIR), str(venv), str(venv.resolve()),
        str(Path(sys.base_prefix)), str(Path(sys.base_prefix).resolve()), engine.base_dir, "/root", "/tmp/redrive-",
    }
    return sorted(w for w in words if w not in ("/", "/usr", "/usr/local"))


@pytest.mark.sandbox
def test_no_view_of_proc_from_learner_code_names_a_host_path(engine):
    forbidden = host_paths(engine)
    graded = grade(walk(forbidden))
    lines = graded.output.splitlines()

    files = next((int(line.split()[1]) for line in lines if line.startswith("files ")), 0)
    assert files > 100, graded.output  # the walk read /proc, it did not fail early
    assert [line for line in lines if line.startswith("read ")] == [f"read {name} True" for name in MUST_READ], graded.output
    assert [line for line in lines if line.startswith("leak ")] == [], "\n".join(forbidden) + "\n" + graded.output


@pytest.mark.sandbox
def test_the_python_install_and_the_venv_sit_at_neutral_paths_on_filesystems_of_their_own(engine):
    graded = grade(walk([]))
    lines = graded.output.splitlines()
    mountinfo = eval(next(line for line in lines if line.startswith("mountinfo ")).split(" ", 1)[1])
    mounts = {fields[4]: (fields[3], line.split(" - ")[1]) for line in mountinfo.splitlines() for fields in [line.split()]}

    for inside in ("/var/lang", "/venv"):
        root, filesystem = mounts[inside]
        assert root == "/" and filesystem.startswith("overlay overlay ro,lowerdir=/proc/self/fd/"), (inside, mounts[inside])
    root, filesystem = mounts["/run/emu"]  # a folder of the run folders' own tmpfs (grader.runfolders)
    assert re.fullmatch(r"/run-\w+", root) and filesystem.startswith("tmpfs tmpfs "), mounts["/run/emu"]
    exe = next(line for line in lines if line.startswith("exe ")).split()[1]
    assert exe.startswith("/var/lang/bin/python3"), exe
    assert graded.checkpoint("orders")["passed"], graded.data  # the learner's calls still reach the emulator
