"""The learner sandbox's seccomp filter: classic BPF, for bubblewrap's --seccomp FD.

A deny list, on top of what the namespaces already take away: the syscalls
with a record of kernel exploits or that reach outside a pid or network
namespace's walls and that no lab needs. Each fails with EPERM (so Python
raises PermissionError and the learner's code can go on); a syscall made
with another architecture's calling convention (i386 or x32 on x86_64, arm32
on aarch64) would skip the table below, so the process is killed instead.

Denied: ptrace and process_vm_readv/writev (reading another process's
memory), socket(AF_VSOCK) (the hypervisor), socket(AF_NETLINK) (the kernel's
routing, audit and uevent interfaces), io_uring_setup/enter/register (a
syscall interface seccomp cannot see into), keyctl/add_key/request_key (the
kernel keyring), bpf, perf_event_open, userfaultfd.

Written by hand rather than with libseccomp: Debian's python3-seccomp is
built for the system Python, not the venv's, and the program is 40 lines.
"""

import errno
import os
import platform
import struct

# struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6]
NR_OFFSET, ARCH_OFFSET, ARG0_OFFSET = 0, 4, 16  # ARG0 low 32 bits (both arches are little-endian)
LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
JEQ_K, JGE_K = 0x15, 0x35  # BPF_JMP | BPF_JEQ/BPF_JGE | BPF_K
RET_K = 0x06
RET_KILL_PROCESS = 0x80000000
RET_ERRNO = 0x00050000
RET_ALLOW = 0x7FFF0000
X32_SYSCALL_BIT = 0x40000000
AF_NETLINK, AF_VSOCK = 16, 40

AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_AARCH64 = 0xC00000B7
DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
)
DENIED_SOCKET_FAMILIES = (AF_VSOCK, AF_NETLINK)
SYSCALLS = {  # asm/unistd_64.h on x86_64; asm-generic/unistd.h on aarch64
    AUDIT_ARCH_X86_64: {
        "socket": 41, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "io_uring_setup": 425,
        "io_uring_enter": 426, "io_uring_register": 427, "keyctl": 250, "add_key": 248, "request_key": 249,
        "bpf": 321, "perf_event_open": 298, "userfaultfd": 323,
    },
    AUDIT_ARCH_AARCH64: {
        "socket": 198, "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "io_uring_setup": 425,
        "io_uring_enter": 426, "io_uring_register": 427, "keyctl": 219, "add_key": 217, "request_key": 218,
        "bpf": 280, "perf_event_open": 241, "userfaultfd": 282,
    },
}


def _program() -> list[tuple]:
    """(code, jump-if-true label, jump-if-false label, k) with labels, or ("label", name)."""
    deny, allow = "deny", "allow"
    program = [
        (LD_W_ABS, None, None, ARCH_OFFSET),
        (JEQ_K, "x86_64", None, AUDIT_ARCH_X86_64),
        (JEQ_K, "aarch64", "kill", AUDIT_ARCH_AARCH64),
        ("label", "kill"),
        (RET_K, None, None, RET_KILL_PROCESS),
    ]
    for arch, name in ((AUDIT_ARCH_X86_64, "x86_64"), (AUDIT_ARCH_AARCH64, "aarch64")):
        numbers = SYSCALLS[arch]
        program += [("label", name), (LD_W_ABS, None, None, NR_OFFSET)]
        if arch == AUDIT_ARCH_X86_64:
            program.append((JGE_K, deny, None, X32_SYSCALL_BIT))  # x32 numbers: the same calls by another door
        program += [(JEQ_K, deny, None, numbers[call]) for call in DENIED]
        program.append((JEQ_K, "socket", allow, numbers["socket"]))
    program += [("label", "socket"), (LD_W_ABS, None, None, ARG0_OFFSET)]
    program += [(JEQ_K, deny, None, family) for family in DENIED_SOCKET_FAMILIES]
    program += [
        ("label", allow), (RET_K, None, None, RET_ALLOW),
        ("label", deny), (RET_K, None, None, RET_ERRNO | errno.EPERM),
    ]
    return program


def compile_filter() -> bytes:
    """The filter as struct sock_filter[] bytes (what bubblewrap's --seccomp reads)."""
    program = _program()
    labels, position = {}, 0
    for item in program:
        if item[0] == "label":
            labels[item[1]] = position
        else:
            position += 1
    out, position = [], 0
    for item in program:
        if item[0] == "label":
            continue
        code, true_label, false_label, k = item
        offsets = []
        for label in (true_label, false_label):
            offset = 0 if label is None else labels[label] - position - 1
            if not 0 <= offset <= 255:
                raise ValueError(f"seccomp jump to {label} out of range")
            offsets.append(offset)
        out.append(struct.pack("=HBBI", code, offsets[0], offsets[1], k))
        position += 1
    return b"".join(out)


def supported() -> bool:
    """Whether this machine is one of the architectures the filter knows."""
    return platform.machine() in ("x86_64", "aarch64")


def filter_fd() -> int:
    """A fresh file descriptor holding the filter, positioned at its start.
    bubblewrap reads it to the end, so each launch needs its own."""
    fd = os.memfd_create("redrive-seccomp", os.MFD_CLOEXEC)
    os.write(fd, _COMPILED)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


_COMPILED = compile_filter()
