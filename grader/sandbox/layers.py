"""What the learner's sandbox reads of the worker's Python, laid at neutral
paths on filesystems of its own.

/proc/self/mountinfo shows, for each mount, its root: the path of the mounted
directory inside its own filesystem. A bind mount of the Python install or the
venv therefore shows their host paths (/root/.pyenv/..., /opt/redrive/.venv)
wherever it is bound, and binding the install at its host path (which a venv's
interpreter, found by an absolute link, needs) puts that path in
/proc/self/maps, /proc/self/exe and sys.path too.

So the launching child, in a private mount namespace, mounts a read-only
overlayfs on each, and bubblewrap binds those. An overlay is a filesystem of
its own, so its root is "/"; the only option it shows that names a path,
lowerdir, names the layers by file descriptor (/proc/self/fd/N), and the kernel
shows the string it was given. Inside the sandbox:

- /var/lang: the Python install (where AWS Lambda keeps its Python); a shared
  libpython is found through LD_LIBRARY_PATH, since the interpreter's RUNPATH
  names the install's host path;
- /venv: the worker's venv, under a small top layer of ours whose pyvenv.cfg
  says home = /var/lang/bin and whose bin/python links to /var/lang/bin/python3.X.

(The run's folder cannot be an overlay: a socket is not reached through one.
It is bound from a tmpfs of its own instead, grader.runfolders.)

Overlays cost no copy and no memory: two mount(2) calls per sandbox. Mounted
by root, they read their layers with root's credentials, so the install may sit
under a directory the sandbox uid cannot enter (/root/.pyenv). Without root the
child first enters a user namespace mapping only its own uid (overlayfs may be
mounted there since Linux 5.11), and bubblewrap nests its own inside.
"""

import os
import sys
import sysconfig
import tempfile
from pathlib import Path

from grader.sandbox.mounts import enter_private_namespace, overlay

LANG = "/var/lang"
VENV = "/venv"
RUN_DIR = "/run/emu"  # the run's folder, bound by the launcher


def python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def interpreter() -> str:
    """The interpreter as the sandbox starts it."""
    return f"{VENV}/bin/python" if _venv() else f"{LANG}/bin/python{python_version()}"


def environment() -> dict[str, str]:
    """What the interpreter needs in its environment at these paths."""
    if sysconfig.get_config_var("Py_ENABLE_SHARED") and Path(sys.base_prefix).resolve() != Path("/usr"):
        return {"LD_LIBRARY_PATH": f"{LANG}/lib"}
    return {}


def _venv() -> Path | None:
    return Path(sys.prefix).resolve() if sys.prefix != sys.base_prefix else None


class Layers:
    """The overlays of one launcher: mounted once in the engine's namespace
    (grader.runfolders calls mount() there), or else afresh in each launching
    child (apply()). Once is cheaper: an overlay's dentries and inodes are its
    own, so a fresh one starts cold, and botocore's first client stats its whole
    data/ tree. Holds a folder of mount points and of our own small layers (an
    empty one, the venv's top); remove it with close()."""

    def __init__(self, parent: str | None = None):
        """parent: where to make the folder (the engine's), else a temporary one."""
        if parent is None:
            self.folder = tempfile.mkdtemp(prefix="redrive-layers-")
        else:
            self.folder = os.path.join(parent, "layers")
            os.mkdir(self.folder)
        os.chmod(self.folder, 0o711)  # the sandbox uid resolves the mount points below
        old_umask = os.umask(0o022)
        try:
            for name in ("empty", "lang", "venv", "top", "top/bin"):
                os.mkdir(os.path.join(self.folder, name), 0o755)
            version = python_version()
            Path(self.folder, "top", "pyvenv.cfg").write_text(
                f"home = {LANG}/bin\ninclude-system-site-packages = false\nversion = {sys.version.split()[0]}\n"
            )
            for name in ("python", "python3", f"python{version}"):
                os.symlink(f"{LANG}/bin/python{version}", os.path.join(self.folder, "top", "bin", name))
        finally:
            os.umask(old_umask)
        self.base_prefix = str(Path(sys.base_prefix).resolve())
        self.venv = _venv()

    def mount_point(self, name: str) -> str:
        return os.path.join(self.folder, name)

    def binds(self) -> list[str]:
        """bubblewrap's options binding the overlays at their paths inside."""
        options = ["--ro-bind", self.mount_point("lang"), LANG]
        if self.venv is not None:
            options += ["--ro-bind", self.mount_point("venv"), VENV]
        return options

    def apply(self) -> None:
        """In the launching child, before bubblewrap: a private mount namespace
        (in a user namespace of its own without root) holding the overlays."""
        enter_private_namespace()
        self.mount()

    def mount(self) -> None:
        """Mount the overlays in this (private) mount namespace."""
        empty = os.path.join(self.folder, "empty")
        overlay(self.mount_point("lang"), [self.base_prefix, empty])
        if self.venv is not None:
            overlay(self.mount_point("venv"), [os.path.join(self.folder, "top"), str(self.venv)])

    def close(self) -> None:
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)
