"""Mount namespaces and mounts made by the launching child before it drops root
(and by grader.runfolders).

Exposure, for the fallback without bubblewrap, where the harness runs the
host's interpreter as the sandbox uid: a venv's base interpreter often lives
under a directory that uid may not enter (here /root/.pyenv, with /root mode
0700). Before dropping root, the launching child enters a private mount
namespace of its own, lays a small tmpfs over the closed directory and binds
back only the directories the harness needs (by way of staging mount points
made beforehand: a mount cannot be bound straight from an fd opened in the old
namespace). Only that child sees the change. (Under bubblewrap the install is
an overlay instead, grader.sandbox.layers, read with root's credentials.)

Scratch: the fallback's scratch space, a tmpfs capped in bytes AND in files:
empty files cost no bytes, so without nr_inodes a loop of os.open() fills
kernel memory with millions of inodes. (Under bubblewrap each run mounts its
own, capped the same way, in its user namespace: grader/harness/zygote.py.)
"""

import ctypes
import os
import stat
from pathlib import Path

from grader.namespaces import unshare_in_own_user_namespace

_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 4096, 16384, 1 << 18


def _check(result: int, what: str) -> int:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")
    return result


def prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl({option})")


def _mount(source, target, fstype, flags, data=None) -> None:
    encode = lambda s: s.encode() if isinstance(s, str) else s  # noqa: E731
    _check(_libc.mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)), f"mount {target}")


def _closed_ancestor(path: Path, uid: int) -> Path | None:
    """The outermost directory above `path` that `uid` cannot traverse."""
    for parent in reversed(path.parents):
        info = os.stat(parent)
        if info.st_uid == uid or info.st_mode & stat.S_IXOTH:
            continue
        return parent
    return None


class Scratch:
    """A tmpfs for one run's /tmp, mounted over `path` in the launching child's
    own mount namespace (so it vanishes with the sandbox). Root only."""

    def __init__(self, path: str, *, size_bytes: int, files: int, uid: int):
        self.path, self.size_bytes, self.files, self.uid = path, size_bytes, files, uid

    def mount(self) -> None:
        options = f"size={self.size_bytes},nr_inodes={self.files},mode=0700,uid={self.uid},gid={self.uid}"
        _mount("tmpfs", self.path, "tmpfs", MS_NOSUID | MS_NODEV, options)


class Exposure:
    def __init__(self, masks: list[str], binds: list[tuple[str, str]], staging: str | None = None):
        self.masks, self.binds, self.staging = masks, binds, staging

    @property
    def fds(self) -> tuple[int, ...]:
        return ()

    @classmethod
    def for_paths(cls, paths, *, uid: int) -> "Exposure":
        if os.geteuid() != 0:
            return cls([], [])  # not root: the worker's own uid runs bubblewrap and can reach its paths
        import tempfile

        masks, binds, staging = [], [], None
        for path in (Path(p).resolve() for p in paths):
            closed = _closed_ancestor(path, uid)
            if closed is None:
                continue
            if not any(closed == Path(m) or Path(m) in closed.parents for m in masks):
                masks.append(str(closed))
            staging = staging or tempfile.mkdtemp(prefix="redrive-expose-")
            stage = os.path.join(staging, str(len(binds)))
            os.mkdir(stage, 0o700)
            binds.append((stage, str(path)))
        masks = [m for m in masks if not any(Path(o) in Path(m).parents for o in masks)]
        return cls(masks, binds, staging)

    def apply(self, scratch: "Scratch | None" = None) -> None:
        """In the forked child, as root, before dropping privileges."""
        if not self.masks and scratch is None:
            return
        _check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        for stage, path in self.binds:
            _mount(path, stage, None, MS_BIND | MS_REC)
        for mask in self.masks:
            _mount("tmpfs", mask, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=64k")
        old_umask = os.umask(0o022)
        for stage, path in self.binds:
            os.makedirs(path, mode=0o755, exist_ok=True)
            _mount(stage, path, None, MS_BIND | MS_REC)
        os.umask(old_umask)
        if scratch is not None:
            scratch.mount()

    def close(self) -> None:
        if self.staging:
            import shutil

            shutil.rmtree(self.staging, ignore_errors=True)
        self.binds, self.staging = [], None


def enter_private_namespace() -> None:
    """A mount namespace of this process's own, where nothing propagates back;
    without root, inside a user namespace mapping only its own uid."""
    if os.geteuid() == 0:
        _check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    else:
        unshare_in_own_user_namespace(CLONE_NEWNS)
    _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing here propagates back to the host


def setns(fd: int, kind: int) -> None:
    """Join the namespace `fd` refers to (kind: CLONE_NEWUSER, CLONE_NEWNS)."""
    _check(_libc.setns(fd, kind), "setns")


def mount_tmpfs(target: str, options: str) -> None:
    _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, options)


def overlay(target: str, layers: list[str]) -> None:
    """A read-only overlay of `layers` (topmost first) on `target`, naming them by fd."""
    fds = [os.open(layer, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC) for layer in layers]
    try:
        lower = ":".join(f"/proc/self/fd/{fd}" for fd in fds)
        options = f"lowerdir={lower}" + ("" if os.geteuid() == 0 else ",userxattr")
        _mount("overlay", target, "overlay", MS_RDONLY | MS_NOSUID | MS_NODEV, options)
    finally:
        for fd in fds:
            os.close(fd)
