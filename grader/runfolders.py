"""Where each run's folder is made: a tmpfs of the engine's own, so that the
learner's sandbox shows it as "/run-XXXX", not as a path of the worker's disk.

The sandbox binds the run's folder (the emulator's and the grader's sockets)
at /run/emu, and /proc/self/mountinfo shows each bind's root: its path inside
its own filesystem. On the worker's disk that is /tmp/redrive-engine-*/run-*;
on a tmpfs mounted at the engine's `runs/` it is /run-*. Binding is the only
way there: a socket cannot be reached through an overlay, and the sandbox
needs the live folder.

The tmpfs is mounted once per engine in a mount namespace the engine holds
(without root, inside a user namespace mapping only the worker's uid): a
short-lived child makes both and the worker keeps them by file descriptor.
The warm emulator and each launching child enter that namespace (enter(), in a
forked child before exec), so `runs/run-*` is the same folder for the emulator
child, which listens there, and for bubblewrap. The worker itself, left in its
own namespace, reaches the folders through a descriptor of the tmpfs's root
(host_path()). The tmpfs vanishes with the engine's last descriptor, however
the worker dies.
"""

import os
import subprocess
import tempfile

from grader.namespaces import CLONE_NEWUSER
from grader.sandbox import mounts
from grader.sandbox.mounts import CLONE_NEWNS

OPTIONS = "size=1m,nr_inodes=4096,mode=0711"  # only sockets and empty mount points live here


class RunFolders:
    def __init__(self, base_dir: str, also_mount=None):
        """also_mount: called in the new namespace once the tmpfs is there, to
        mount more that every sandbox binds (the launcher's overlays, Layers.mount)."""
        self._also_mount = also_mount
        self.path = os.path.join(base_dir, "runs")  # as the namespace sees it: the tmpfs
        os.mkdir(self.path, 0o711)
        self._user_fd: int | None = None
        self._mount_fd: int | None = None
        self._root_fd: int | None = None
        holder = subprocess.Popen(
            ["/bin/sleep", "60"], preexec_fn=self._hold, env={}, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True,
        )
        try:
            # Popen returns once the child has exec'd, so its mounts are made.
            proc = f"/proc/{holder.pid}"
            if os.geteuid() != 0:
                self._user_fd = os.open(f"{proc}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
            self._mount_fd = os.open(f"{proc}/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)
            self._root_fd = os.open(f"{proc}/root{self.path}", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            self.close()
            raise
        finally:
            holder.kill()
            holder.wait()

    def _hold(self) -> None:
        mounts.enter_private_namespace()
        mounts.mount_tmpfs(self.path, OPTIONS)
        if self._also_mount is not None:
            self._also_mount()

    def make(self) -> str:
        """A new run's folder (its path in the namespace)."""
        made = tempfile.mkdtemp(prefix="run-", dir=self.host_path(self.path))
        os.chmod(made, 0o711)
        return os.path.join(self.path, os.path.basename(made))

    def host_path(self, path: str) -> str:
        """The worker's way to `path` (a path under self.path, as the namespace sees it)."""
        relative = os.path.relpath(path, self.path)
        return f"/proc/self/fd/{self._root_fd}" + ("" if relative == "." else "/" + relative)

    def enter(self) -> None:
        """In a forked, single-threaded child: join the namespace."""
        if self._user_fd is not None:
            mounts.setns(self._user_fd, CLONE_NEWUSER)
        mounts.setns(self._mount_fd, CLONE_NEWNS)

    def close(self) -> None:
        for fd in (self._root_fd, self._mount_fd, self._user_fd):
            if fd is not None:
                os.close(fd)
        self._root_fd = self._mount_fd = self._user_fd = None
