"""The weaker sandbox for machines without bubblewrap: Landlock, applied in the
forked child before exec, limits which files the learner's process may read
or write, which TCP ports it may bind or connect to (ABI 4+), and (ABI 6+)
stops it signalling processes outside its domain or using abstract sockets.
It cannot stop UDP, hide other processes or give a private /tmp: that is why
the engine warns loudly, and refuses outright when SANDBOX_REQUIRE_ISOLATION is on.
"""

import ctypes
import os
import socket
import struct

_libc = ctypes.CDLL(None, use_errno=True)
SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446  # same on x86_64 and arm64
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH, RULE_NET_PORT = 1, 2

FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_ALL_V1 = (1 << 13) - 1
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1
FILE_ONLY = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV


def abi_version() -> int:
    version = _libc.syscall(SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    return max(0, version)


def _fail(what: str):
    error = ctypes.get_errno()
    raise OSError(error, f"landlock {what}: {os.strerror(error)}")


def restrict(*, readable: list[str], writable: list[str], tcp_port: int) -> None:
    abi = abi_version()
    if abi < 1:
        raise OSError("Landlock is not available on this kernel")
    handled_fs = FS_ALL_V1 | (FS_REFER if abi >= 2 else 0) | (FS_TRUNCATE if abi >= 3 else 0) | (FS_IOCTL_DEV if abi >= 5 else 0)
    handled_net = (NET_BIND_TCP | NET_CONNECT_TCP) if abi >= 4 else 0
    scoped = (SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL) if abi >= 6 else 0
    attr = struct.pack("=QQQ", handled_fs, handled_net, scoped)
    size = 24 if abi >= 6 else (16 if abi >= 4 else 8)
    buffer = ctypes.create_string_buffer(attr[:size], size)
    ruleset = _libc.syscall(SYS_CREATE_RULESET, buffer, ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        _fail("create_ruleset")
    try:
        read_access = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
        for paths, access in ((readable, read_access), (writable, handled_fs)):
            for path in paths:
                if not os.path.exists(path):
                    continue
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                try:
                    allowed = access & handled_fs if os.path.isdir(path) else access & FILE_ONLY & handled_fs
                    rule = ctypes.create_string_buffer(struct.pack("=Qi", allowed, fd), 12)
                    if _libc.syscall(SYS_ADD_RULE, ruleset, RULE_PATH_BENEATH, rule, ctypes.c_uint32(0)) != 0:
                        _fail(f"add_rule {path}")
                finally:
                    os.close(fd)
        if handled_net:
            rule = ctypes.create_string_buffer(struct.pack("=QQ", handled_net, tcp_port), 16)
            if _libc.syscall(SYS_ADD_RULE, ruleset, RULE_NET_PORT, rule, ctypes.c_uint32(0)) != 0:
                _fail("add_rule port")
        if _libc.syscall(SYS_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)) != 0:
            _fail("restrict_self")
    finally:
        os.close(ruleset)


def free_port() -> int:
    """A loopback port free right now (the fallback has no private network)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
