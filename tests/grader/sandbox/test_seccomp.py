"""The learner sandbox's seccomp filter and what its /proc shows.

Each denied syscall is made from learner code in the real sandbox with
arguments that succeed (or fail with another errno) without the filter, so
EPERM can only come from the filter. Syscall numbers are read from the
kernel headers, not from grader.sandbox.seccomp's own table."""

import platform
import re
from pathlib import Path

import pytest

from grader.sandbox import seccomp
from grader.sandbox.launcher import HARNESS_DIR
from tests.grader.conftest import assert_engine_still_grades, grade

REPO = Path(__file__).resolve().parents[3]
HEADERS = {
    "x86_64": ["/usr/include/x86_64-linux-gnu/asm/unistd_64.h", "/usr/include/asm/unistd_64.h"],
    "aarch64": ["/usr/include/asm-generic/unistd.h"],
}


def _header_numbers() -> dict[str, int]:
    for path in HEADERS.get(platform.machine(), []):
        if Path(path).exists():
            text = Path(path).read_text()
            return {m.group(1): int(m.group(2)) for m in re.finditer(r"#define __NR_(\w+)\s+(\d+)\b", text)}
    pytest.fail(f"no kernel headers for {platform.machine()} (apt-get install linux-libc-dev)")


def _probe_module(numbers: dict[str, int]) -> str:
    return f'''
import ctypes, errno, socket

libc = ctypes.CDLL(None, use_errno=True)
NR = {numbers!r}

def syscall(name, *args):
    ctypes.set_errno(0)
    result = libc.syscall(ctypes.c_long(NR[name]), *[ctypes.c_long(a) for a in args])
    return "EPERM" if result == -1 and ctypes.get_errno() == errno.EPERM else f"not denied ({{result}}, {{errno.errorcode.get(ctypes.get_errno(), 0)}})"

def sock(family, kind):
    try:
        socket.socket(family, kind).close()
        return "not denied (created)"
    except OSError as exc:
        return "EPERM" if exc.errno == errno.EPERM else f"not denied ({{errno.errorcode.get(exc.errno)}})"

params = ctypes.create_string_buffer(120)  # struct io_uring_params, zeroed
for label, outcome in (
    ("ptrace", lambda: syscall("ptrace", 0, 0, 0, 0)),  # PTRACE_TRACEME: allowed without a filter
    ("process_vm_readv", lambda: syscall("process_vm_readv", 1, 0, 0, 0, 0, 0)),
    ("socket_vsock", lambda: sock(40, socket.SOCK_STREAM)),
    ("socket_netlink", lambda: sock(16, socket.SOCK_RAW)),
    ("io_uring_setup", lambda: syscall("io_uring_setup", 1, ctypes.addressof(params))),
    ("io_uring_enter", lambda: syscall("io_uring_enter", -1, 0, 0, 0, 0, 0)),
    ("io_uring_register", lambda: syscall("io_uring_register", -1, 0, 0, 0)),
    ("keyctl", lambda: syscall("keyctl", 0, -3, 0)),  # KEYCTL_GET_KEYRING_ID of the session keyring
    ("add_key", lambda: syscall("add_key", 0, 0, 0, 0, 0)),
    ("request_key", lambda: syscall("request_key", 0, 0, 0, 0)),
    ("bpf", lambda: syscall("bpf", 9999, 0, 0)),
    ("perf_event_open", lambda: syscall("perf_event_open", 0, 0, -1, -1, 0)),
    ("userfaultfd", lambda: syscall("userfaultfd", 1)),  # UFFD_USER_MODE_ONLY: allowed unprivileged
    ("socket_inet", lambda: sock(socket.AF_INET, socket.SOCK_STREAM)),
    ("socket_unix", lambda: sock(socket.AF_UNIX, socket.SOCK_STREAM)),
):
    print("syscall", label, outcome(), flush=True)
'''


DENIED = [
    "ptrace", "process_vm_readv", "socket_vsock", "socket_netlink", "io_uring_setup", "io_uring_enter",
    "io_uring_register", "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
]


@pytest.mark.sandbox
def test_each_denied_syscall_fails_with_eperm_inside_the_sandbox(engine):
    graded = grade(_probe_module(_header_numbers()) + "\nimport boto3\nboto3.client('sqs').create_queue(QueueName='orders')\n")

    outcomes = {line.split()[1]: line.split(None, 2)[2] for line in graded.output.splitlines() if line.startswith("syscall ")}
    assert {name: outcomes.get(name) for name in DENIED} == {name: "EPERM" for name in DENIED}, graded.output
    # What the harness and boto3 need still works.
    assert outcomes["socket_inet"] == outcomes["socket_unix"] == "not denied (created)"
    assert graded.checkpoint("orders")["passed"], graded.data
    assert_engine_still_grades()


PROC = r'''
def show(path):
    try:
        with open(path, "rb") as f:
            print("proc", path, f.read().replace(b"\0", b" ").decode(errors="replace").replace("\n", " | "), flush=True)
    except OSError as exc:
        print("proc", path, "unreadable", type(exc).__name__, flush=True)

for path in ("/proc/1/cmdline", "/proc/1/environ", "/proc/self/cmdline", "/proc/self/mountinfo", "/proc/self/mounts"):
    show(path)
'''


@pytest.mark.sandbox
def test_proc_inside_the_sandbox_shows_no_host_paths_of_the_checkout_or_the_engine(engine):
    graded = grade(PROC)
    seen = "\n".join(line for line in graded.output.splitlines() if line.startswith("proc "))

    assert "/proc/1/cmdline" in seen and "/proc/self/mountinfo" in seen, graded.output
    cmdline = next(line for line in seen.splitlines() if line.startswith("proc /proc/1/cmdline"))
    # pid 1 is bubblewrap: its options (every bind's host path) are read from a file descriptor.
    assert "--ro-bind" not in cmdline and "/tmp/redrive-engine-" not in cmdline, cmdline
    for host_path in (str(HARNESS_DIR), str(REPO / "grader"), engine.base_dir):
        assert host_path not in cmdline, (host_path, cmdline)
    mountinfo = next(line for line in seen.splitlines() if line.startswith("proc /proc/self/mountinfo"))
    assert str(HARNESS_DIR) not in mountinfo and " /harness/main.py " in mountinfo, mountinfo  # copied in, not bound


def _run_filter(program: bytes, *, arch: int, nr: int, arg0: int = 0) -> int:
    """A classic-BPF interpreter for the few instructions the filter uses."""
    import struct

    data = struct.pack("=iIQ6Q", nr, arch, 0, arg0, 0, 0, 0, 0, 0)
    instructions = [struct.unpack("=HBBI", program[i : i + 8]) for i in range(0, len(program), 8)]
    pc, accumulator = 0, 0
    while True:
        code, jt, jf, k = instructions[pc]
        if code == seccomp.LD_W_ABS:
            accumulator = struct.unpack_from("=I", data, k)[0]
        elif code == seccomp.RET_K:
            return k
        elif code in (seccomp.JEQ_K, seccomp.JGE_K):
            taken = accumulator == k if code == seccomp.JEQ_K else accumulator >= k
            pc += jt if taken else jf
        else:
            raise AssertionError(f"unexpected instruction {code:#x}")
        pc += 1


def test_the_filter_kills_other_architectures_and_denies_by_number_on_both():
    program = seccomp.compile_filter()
    eperm = seccomp.RET_ERRNO | 1

    for arch in (0x40000003, 0x40000028):  # i386 and arm: another calling convention, another table
        assert _run_filter(program, arch=arch, nr=0) == seccomp.RET_KILL_PROCESS
    x86, arm = seccomp.AUDIT_ARCH_X86_64, seccomp.AUDIT_ARCH_AARCH64
    assert _run_filter(program, arch=x86, nr=101) == eperm  # ptrace
    assert _run_filter(program, arch=x86, nr=0x40000000 | 101) == eperm  # x32's ptrace
    assert _run_filter(program, arch=x86, nr=117) == seccomp.RET_ALLOW  # x86_64 117 is setresuid, not ptrace
    assert _run_filter(program, arch=arm, nr=117) == eperm  # aarch64's ptrace
    assert _run_filter(program, arch=arm, nr=198, arg0=16) == eperm  # socket(AF_NETLINK)
    assert _run_filter(program, arch=arm, nr=198, arg0=2) == seccomp.RET_ALLOW  # socket(AF_INET)
    assert _run_filter(program, arch=x86, nr=41, arg0=40) == eperm  # socket(AF_VSOCK)
    assert _run_filter(program, arch=x86, nr=41, arg0=1) == seccomp.RET_ALLOW
