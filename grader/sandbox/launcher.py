"""Start learner sandboxes: under bubblewrap, one sandbox per engine whose
zygote (grader/harness/zygote.py, worker side grader.sandbox.zygote) forks
each run's own; or, only where allowed, harness processes with rlimits and
Landlock.

Never as root: the child drops to EngineConfig.uid before it execs
bubblewrap (bubblewrap started by root gives a sandbox that is uid 0 on the
host and ignores RLIMIT_NPROC). The preexec functions run in the forked child
between fork and exec, so they touch only that child.
"""

import logging
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from grader.config import EngineConfig
from grader.sandbox import landlock, layers, mounts, seccomp
from grader.sandbox.limits import LAUNCH_CPU_S, LAUNCH_PROCESSES, MIB, Limits
from grader.sandbox.zygote import Zygote

logger = logging.getLogger(__name__)

HARNESS_DIR = Path(__file__).resolve().parent.parent / "harness"
# Copied into the sandbox's /harness: the zygote, the harness, and the modules the harness imports.
HARNESS_FILES = ("zygote.py", "main.py", "boto3_patches.py", "spare_clients.py")
FORWARD_PORT = 4566
PR_SET_NO_NEW_PRIVS = 38


class IsolationUnavailable(RuntimeError):
    """bubblewrap cannot run here and EngineConfig.require_isolation is on."""


def python_paths() -> tuple[Path, list[Path]]:
    """The interpreter to run and the directories it needs (venv and base install)."""
    # The venv's own path, resolved: a venv reached through a symlink is bound
    # at its real location, and only that location exists inside the sandbox.
    executable = Path(sys.prefix).resolve() / "bin" / "python"
    if not executable.exists():
        executable = Path(sys.executable)
    needed = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    return executable, sorted(needed)


def learner_environment(port: int, run_dir: str) -> dict[str, str]:
    """The whole environment the learner's process sees: nothing of the worker's."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "REDRIVE_RUN_DIR": run_dir,
        "REDRIVE_FORWARD_PORT": str(port),
    }


def bwrap_command(config: EngineConfig, runs: str, *, fds: "LaunchFds", overlays: layers.Layers, control_fd: int) -> list[str]:
    """The engine's sandbox, where the zygote (grader/harness/zygote.py) forks
    each run's own. runs: the folder holding every run's folder, bound
    read-only at /runs (each run binds its own at /run/emu and hides the rest).
    fds: the seccomp filter (the zygote's and so every run's) and the harness's
    files, read by bubblewrap from these. overlays: the Python install and the
    venv, mounted by the launching child (grader.sandbox.layers), bound at
    neutral paths. control_fd: the zygote's end of the launcher's socket.

    Not --disable-userns: each run makes its namespaces inside this one, then
    forbids any more (max_user_namespaces = 0) before the learner's code runs."""
    limits = config.limits
    command = [
        config.bwrap,
        "--unshare-all", "--unshare-user",  # --unshare-all includes the network
        "--die-with-parent", "--new-session", "--cap-drop", "ALL",
        "--ro-bind", "/usr", "/usr",
        "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
        "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
        "--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev",
        "--dir", "/tmp", "--dir", layers.RUN_DIR,  # mount points for each run's own
    ]
    command += overlays.binds()
    # A bind's root shows in /proc/self/mountinfo: "/" on the run folders' tmpfs (grader.runfolders).
    command += ["--ro-bind", runs, "/runs"]
    # Copied in, not bound: a bind shows the checkout's path in /proc/self/mountinfo.
    command += ["--seccomp", str(fds.seccomp)]
    for name, fd in fds.harness.items():
        command += ["--ro-bind-data", str(fd), f"/harness/{name}"]
    command += [
        "--remount-ro", "/",
        "--uid", str(config.uid), "--gid", str(config.uid), "--hostname", "sandbox", "--chdir", "/",
        "--clearenv",
    ]
    environment = {
        **learner_environment(FORWARD_PORT, layers.RUN_DIR), **layers.environment(),
        "REDRIVE_ZYGOTE_FD": str(control_fd),
        "REDRIVE_SCRATCH": f"size={limits.disk_mib * MIB},nr_inodes={limits.scratch_files}",
    }
    for key, value in environment.items():
        command += ["--setenv", key, value]
    command += ["--", layers.interpreter(), "-I", "/harness/zygote.py"]
    return command


class LaunchFds:
    """File descriptors bubblewrap reads at start: the seccomp filter, the
    harness's source files, and its own options (--args), so that the
    sandbox's pid 1, which is bubblewrap, shows no host paths in
    /proc/1/cmdline. Single use: bubblewrap reads each to its end."""

    def __init__(self):
        self.seccomp = seccomp.filter_fd()
        self.harness = {name: _memfd(f"redrive-{name}", (HARNESS_DIR / name).read_bytes()) for name in HARNESS_FILES}
        self.args: int | None = None

    def hide_options(self, command: list[str]) -> list[str]:
        """bwrap OPTIONS -- COMMAND  ->  bwrap --args FD -- COMMAND, the options in FD."""
        split = command.index("--")
        self.args = _memfd("redrive-bwrap-args", b"".join(arg.encode() + b"\0" for arg in command[1:split]))
        return [command[0], "--args", str(self.args), *command[split:]]

    @property
    def all(self) -> tuple[int, ...]:
        return tuple(fd for fd in (self.seccomp, *self.harness.values(), self.args) if fd is not None)

    def close(self) -> None:
        for fd in self.all:
            os.close(fd)
        self.seccomp = self.args = None
        self.harness = {}


def _memfd(name: str, data: bytes) -> int:
    fd = os.memfd_create(name, os.MFD_CLOEXEC)
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _launch_rlimits(limits: Limits) -> None:
    for which, value in (
        (resource.RLIMIT_AS, limits.memory_mib * MIB),
        (resource.RLIMIT_NPROC, LAUNCH_PROCESSES),
        (resource.RLIMIT_FSIZE, limits.file_mib * MIB),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_CPU, LAUNCH_CPU_S),
    ):
        resource.setrlimit(which, (value, value))


def _drop_privileges(uid: int) -> None:
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    if os.geteuid() == 0 or os.getuid() == 0:
        os._exit(120)  # never go on as root


def _scratch(config: EngineConfig, path: str) -> "mounts.Scratch | None":
    """The fallback's scratch tmpfs, capped in files too (root only)."""
    if os.geteuid() != 0:
        return None
    limits = config.limits
    return mounts.Scratch(path, size_bytes=limits.disk_mib * MIB, files=limits.scratch_files, uid=config.uid)


def _preexec_bwrap(config: EngineConfig, overlays: layers.Layers, enter=None):
    def preexec():
        if enter is not None:
            enter()  # the engine's namespace (grader.runfolders): the run folders, and the overlays mounted once
        else:
            overlays.apply()  # a private mount namespace holding the overlays bubblewrap binds
        _drop_privileges(config.uid)
        _launch_rlimits(config.limits)
        mounts.prctl(PR_SET_NO_NEW_PRIVS, 1)

    return preexec


def _preexec_fallback(config: EngineConfig, run_dir: str, scratch: str, port: int, hidden: "mounts.Exposure"):
    python, needed = python_paths()
    readable = ["/usr", "/lib", "/lib64", "/bin", "/etc/ld.so.cache", "/dev/null", "/dev/urandom", *map(str, needed), str(HARNESS_DIR), run_dir]
    tmpfs = _scratch(config, scratch)

    def preexec():
        hidden.apply(tmpfs)  # root only: exposes the python install; a capped tmpfs for scratch
        os.chdir(scratch)  # the cwd Popen set is the directory under the new tmpfs
        _drop_privileges(config.uid)
        _launch_rlimits(config.limits)
        mounts.prctl(PR_SET_NO_NEW_PRIVS, 1)
        landlock.restrict(readable=readable, writable=[scratch], tcp_port=port)

    return preexec


def bwrap_usable(config: EngineConfig) -> str:
    """'' when bubblewrap works here, and a run can make its own namespaces
    inside it (grader/harness/zygote.py), else why not (checked once per process)."""
    key = (config.bwrap, config.uid)
    if key not in _usable_cache:
        _usable_cache[key] = _probe_bwrap(config)
    return _usable_cache[key]


_usable_cache: dict[tuple, str] = {}
PROBE = "import sys; sys.path.insert(0, '/harness'); import zygote; zygote.probe()"


def _probe_bwrap(config: EngineConfig) -> str:
    if not os.path.isfile(config.bwrap) or not os.access(config.bwrap, os.X_OK):
        return f"bubblewrap not found at {config.bwrap}"
    with tempfile.TemporaryDirectory(prefix="redrive-probe-") as runs:
        os.chmod(runs, 0o711)
        fds, overlays = LaunchFds(), layers.Layers()
        command = bwrap_command(config, runs, fds=fds, overlays=overlays, control_fd=-1)
        command[command.index("--") + 1 :] = [layers.interpreter(), "-I", "-c", PROBE]
        command = fds.hide_options(command)
        try:
            done = subprocess.run(
                command, preexec_fn=_preexec_bwrap(config, overlays), env={"PATH": "/usr/bin:/bin"},
                capture_output=True, timeout=20, pass_fds=fds.all,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return f"bubblewrap failed to start: {exc}"
        finally:
            overlays.close()
            fds.close()
        if done.returncode != 0:
            return f"bubblewrap failed (exit {done.returncode}): {done.stderr.decode(errors='replace').strip()[-300:]}"
    return ""


class HostSandbox(subprocess.Popen):
    """The fallback's harness process, with the calls the engine makes of a ForkedSandbox."""

    def kill(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)  # it leads its session: its children go too
        except ProcessLookupError:
            pass

    def ended(self, timeout: float) -> bool:
        try:
            self.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def close(self) -> None:
        if self.stdout is not None:
            self.stdout.close()


class Launcher:
    """Starts the learner sandboxes of one engine: under bubblewrap, forked by
    the engine's zygote (started on first use and again if it dies); else
    harness processes of their own. Used from the engine's pool thread."""

    def __init__(self, config: EngineConfig, workdir: str | None = None):
        """workdir: the engine's folder, where the launcher keeps its own (else a temporary one)."""
        self.config = config
        problem = bwrap_usable(config)
        self.isolated = not problem
        if problem:
            if config.require_isolation:
                raise IsolationUnavailable(
                    f"Learner code cannot be isolated: {problem}. Install bubblewrap (apt-get install bubblewrap) "
                    "or set SANDBOX_BWRAP to its path, and allow unprivileged user namespaces "
                    "(sysctl kernel.unprivileged_userns_clone=1 where the kernel has it); SANDBOX_REQUIRE_ISOLATION=0 "
                    "allows a weaker rlimits + Landlock sandbox for development only."
                )
            logger.warning(
                "!!! LABS SANDBOX IS WEAKENED: %s. Learner code runs with rlimits and Landlock only "
                "(no network, pid or mount namespace). Never do this in production "
                "(SANDBOX_REQUIRE_ISOLATION=1 makes it an error). !!!",
                problem,
            )
        # Under bubblewrap, overlays (grader.sandbox.layers); in the fallback, the host's paths.
        self.layers = layers.Layers(workdir) if self.isolated else None
        self._exposure = None if self.isolated else mounts.Exposure.for_paths(python_paths()[1] + [HARNESS_DIR], uid=config.uid)
        self._zygote: Zygote | None = None

    def start(self, run_dir: str, *, host_dir: str | None = None, enter=None):
        """Start a sandbox that will serve the emulator and RPC sockets in
        run_dir: a ForkedSandbox, or in the fallback a HostSandbox.
        enter: joins the engine's namespace (grader.runfolders), where run_dir is
        and where self.layers is mounted (else the zygote's launch mounts its own);
        host_dir is the worker's way to run_dir."""
        if self.isolated:
            runs, name = os.path.split(run_dir)
            if self._zygote is not None and not self._zygote.alive():
                logger.warning("the sandbox zygote exited (code %s): starting another", self._zygote.process.poll())
                self._zygote.close()
                self._zygote = None
            if self._zygote is None:
                self._zygote = self._start_zygote(runs, enter)
            return self._zygote.spawn(name)
        scratch = tempfile.mkdtemp(prefix="redrive-scratch-", dir=run_dir)
        os.chown(scratch, self.config.uid, self.config.uid) if os.geteuid() == 0 else None
        port = landlock.free_port()
        python, _ = python_paths()
        env = learner_environment(port, run_dir)
        env.update(HOME=scratch, TMPDIR=scratch)
        return HostSandbox(
            [str(python), "-I", str(HARNESS_DIR / "main.py")],
            preexec_fn=_preexec_fallback(self.config, run_dir, scratch, port, self._exposure),
            env=env, cwd=scratch,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _start_zygote(self, runs: str, enter) -> Zygote:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        fds = LaunchFds()
        try:
            command = bwrap_command(self.config, runs, fds=fds, overlays=self.layers, control_fd=theirs.fileno())
            process = subprocess.Popen(
                fds.hide_options(command),
                preexec_fn=_preexec_bwrap(self.config, self.layers, enter),
                pass_fds=(*fds.all, theirs.fileno()),
                env={"PATH": "/usr/bin:/bin"},
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,  # its errors go to the worker's stderr
                start_new_session=True, cwd="/",
            )
        except BaseException:
            mine.close()
            raise
        finally:
            fds.close()  # bubblewrap has its own copies
            theirs.close()
        return Zygote(process, mine)

    def close(self) -> None:
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None
        if self._exposure is not None:
            self._exposure.close()
        if self.layers is not None:
            self.layers.close()
