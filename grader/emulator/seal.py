"""The emulator child's own sandbox, entered right after the zygote forks it.

The child serves a learner's API calls, and moto acts on some of them outside
the learner's sandbox: it spools large request bodies to the temporary
directory, makes HTTP requests for SNS http subscriptions, and would talk to
Docker for Lambda and Batch. So before it serves anything the child:

- leaves the worker's network (a network namespace with nothing in it; that
  also gives it an abstract Unix socket namespace of its own);
- gets a mount namespace whose root is a fresh tmpfs holding only what Python
  and moto read (/usr, the Python install, the venv, the grader package, a few
  device nodes), all read-only, a private /tmp capped in bytes and files (where
  moto's spooled bodies go, and which vanishes with the child), and the run's
  folder, where it listens for the sandbox. No /run, /var/run, /home, /etc or
  host /tmp: no Docker socket, no database or Redis socket, no other run's
  sockets, no settings or repository beyond grader/;
- drops to EngineConfig.emulator_uid (as root) with no capabilities and
  no_new_privs, so it can neither undo the above nor reach what root could.

Without root the same is done inside a user namespace mapping only the
worker's uid (which is then the unprivileged uid). Done per child: the
mounts and chroot cost about a millisecond, on the pool's thread, before the
slot is offered to a run.
"""

import ctypes
import os
import sys
from pathlib import Path

from grader.namespaces import unshare_in_own_user_namespace

_libc = ctypes.CDLL(None, use_errno=True)

CLONE_NEWNS, CLONE_NEWNET = 0x00020000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_MOVE, MS_REC, MS_PRIVATE = 32, 4096, 8192, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS = 38
DEVICES = ("null", "zero", "random", "urandom")
REPO = Path(__file__).resolve().parents[2]
ROOT_DIR_NAME = "emulator-root"  # in the engine's folder: the mount point of each child's new root


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(source, target, fstype, flags, data=None) -> None:
    encode = lambda s: s.encode() if isinstance(s, str) else s  # noqa: E731
    _check(_libc.mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)), f"mount {target}")


def readable_paths() -> list[str]:
    """What the child reads after the fork: the Python install, the venv (by the
    path sys.path uses and by its real one) and the grader package."""
    paths = {sys.prefix, str(Path(sys.prefix).resolve()), sys.base_prefix, str(Path(sys.base_prefix).resolve()), str(REPO / "grader")}
    return sorted(p for p in paths if os.path.isdir(p))


def root_for(run_dir: str) -> str:
    """The empty directory a child builds its new root on: one per engine, made by the zygote."""
    return os.path.join(os.path.dirname(run_dir), ROOT_DIR_NAME)


def leave_the_network() -> bool:
    """Only a network namespace of its own, with nothing in it: what a child
    that could not seal itself still gets. Root can unshare the network alone;
    any other uid needs a user namespace of its own first (mapping only
    itself). Returns whether it worked."""
    if _libc.unshare(CLONE_NEWNET) == 0:
        return True
    try:
        unshare_in_own_user_namespace(CLONE_NEWNET)
    except OSError:
        return False
    return True


def _enter_namespaces() -> None:
    """A mount and a network namespace; without root, inside a user namespace of our own."""
    if os.geteuid() == 0:
        _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWNET), "unshare")
        return
    unshare_in_own_user_namespace(CLONE_NEWNS | CLONE_NEWNET)


def _bind(source: str, root: str, *, writable: bool = False, is_file: bool = False) -> None:
    target = root + source
    if is_file:
        os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
        open(target, "a").close()
    else:
        os.makedirs(target, mode=0o755, exist_ok=True)
    _mount(source, target, None, MS_BIND | MS_REC)
    if not writable:
        _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def seal(run_dir: str, *, uid: int, disk_bytes: int, disk_files: int, readable: list[str], root: str) -> None:
    """Enter the child's sandbox (see the module docstring). `root` is an empty
    directory to build the new root on; `run_dir` stays at its own path.
    Raises OSError when the kernel refuses; the caller then reports the child
    as not sealed and the engine refuses to use it where isolation is required."""
    _enter_namespaces()
    _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing below propagates back to the host
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=4096,mode=0755")
    os.umask(0o022)
    _bind("/usr", root)
    for name in ("bin", "sbin", "lib", "lib64", "lib32", "libx32"):
        host = "/" + name
        if os.path.islink(host):
            os.symlink(os.readlink(host), f"{root}/{name}")
        elif os.path.isdir(host):
            _bind(host, root)
    # The only writable places: the capped /tmp (tempfile's and werkzeug's spool) and the run's folder.
    # Mounted before the readable paths, so a checkout or venv that lives under /tmp (a CI clone,
    # say) is bound on top of it instead of being hidden by it.
    os.makedirs(f"{root}/tmp", mode=0o755, exist_ok=True)
    _mount("tmpfs", f"{root}/tmp", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, f"size={disk_bytes},nr_inodes={disk_files},mode=1777")
    for path in readable:
        if not path.startswith("/usr/"):
            _bind(path, root)
    os.makedirs(f"{root}/dev", mode=0o755, exist_ok=True)
    for device in DEVICES:
        _bind(f"/dev/{device}", root, writable=True, is_file=True)  # bound read-only, /dev/null refuses writes
    if os.geteuid() == 0:
        os.chown(run_dir, uid, uid)  # the child listens there once it is no longer root
    _bind(run_dir, root, writable=True)
    os.chdir(root)
    _mount(root, "/", None, MS_MOVE)
    _check(_libc.chroot(b"."), "chroot")
    os.chdir("/")
    _mount(None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    if os.geteuid() == 0:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)  # drops every capability: chroot and mounts cannot be undone
        if 0 in os.getresuid():
            raise OSError("the emulator child is still root")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, ctypes.c_ulong(1), 0, 0, 0), "prctl(no_new_privs)")
    os.environ["TMPDIR"] = "/tmp"
