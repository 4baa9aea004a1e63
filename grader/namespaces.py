"""Entering a user namespace of our own, for a process that is not root: the
emulator child's seal (grader.emulator.seal) and the mount namespaces the
launcher and the run folders make (grader.sandbox.mounts)."""

import ctypes
import os

_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER = 0x10000000


def unshare_in_own_user_namespace(flags: int) -> None:
    """unshare(2) the namespaces in `flags` inside a new user namespace that maps
    only this process's uid and gid (to themselves), so an unprivileged process
    may make mounts and networks there. Raises OSError when the kernel refuses."""
    uid, gid = os.getuid(), os.getgid()
    if _libc.unshare(CLONE_NEWUSER | flags) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"unshare(CLONE_NEWUSER | {flags:#x}): {os.strerror(error)}")
    # setgroups must be denied before an unprivileged process may write gid_map.
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as f:
            f.write(text)
