"""Runs INSIDE the engine's sandbox (bubblewrap), once per engine: imports
boto3 once, then forks a learner sandbox of its own for every run.

Standalone, like main.py beside it: the repository is not visible here.

Why: a fresh interpreter that imports boto3 and builds its first clients
costs more CPU than the rest of a grading on the learner's side. This process
pays it once; each run forks it. It never runs learner code: every child
walls itself in before the harness (main.py) takes the run.

One run's processes:
- the outer child (C1): enters new user, mount, pid, network, IPC and UTS
  namespaces (its uid maps to itself), mounts the run's /tmp (capped in bytes
  and files), binds its own run folder at /run/emu read-only, hides every
  other run's folder, names the host "sandbox" and brings up loopback; forks
  C2, sends the worker C2's pidfd, waits, and reports C2's exit code;
- C2, pid 1 of the new pid namespace: mounts that namespace's /proc, forbids
  new user namespaces, forks the harness and reaps; it exits with the
  harness's code (128 + signal when killed), and when it exits the kernel
  kills whatever the learner left in the namespace;
- C3, the harness: drops every capability, then serves the run (main.py).

Siblings cannot meet: each has its own pid namespace (no signals, no
/proc/<pid>), network namespace (no loopback or abstract sockets in common),
IPC namespace, /tmp and run folder. Without capabilities the learner cannot
undo a mount, and it cannot make a user namespace to get them back.

Protocol on the control socket (SOCK_SEQPACKET, from the worker):
  zygote -> worker: b"ready" once boto3 is loaded;
  worker -> zygote: the run folder's name, with two fds (the run's output
    pipe, the run's status socket);
  zygote -> worker: b"ok" or b"error: ..." once C1 is forked.
On the status socket, C1 sends b"pid" with C2's pidfd, then C2's exit code
as 4 bytes, big-endian.
"""

import ctypes
import fcntl
import os
import signal
import socket
import struct
import sys

sys.path.insert(0, "/harness")
import main as harness  # noqa: E402  (the harness, copied in beside this file)

CONTROL_FD = int(os.environ.pop("REDRIVE_ZYGOTE_FD", "3"))
RUNS = "/runs"  # every run folder of the engine, read-only (the launcher's bind)
SCRATCH = os.environ.pop("REDRIVE_SCRATCH", "size=67108864,nr_inodes=16384")
SIGNAL_EXIT = 128

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 1, 24, 47, 4
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
CAP_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(source, target, fstype, flags, data=None):
    encode = lambda s: s.encode() if isinstance(s, str) else s  # noqa: E731
    _check(_libc.mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)), f"mount {target}")


def _prctl(option, value):
    _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl({option})")


# --- C1: the walls -------------------------------------------------------------
def enter_namespaces():
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as f:
            f.write(text)


def build_view(run_name):
    _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing made here reaches the zygote
    uid = os.getuid()
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"{SCRATCH},mode=0700,uid={uid},gid={uid}")
    _mount(os.path.join(RUNS, run_name), harness.RUN_DIR, None, MS_BIND)
    _mount(None, harness.RUN_DIR, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
    # The other runs' folders stay below, out of reach: a mount made in a less
    # privileged namespace than the one it covers cannot be taken off.
    _mount("tmpfs", RUNS, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,nr_inodes=2,mode=0555")
    _check(_libc.sethostname(b"sandbox", 7), "sethostname")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


def own_proc():
    """In pid 1 of the run's pid namespace: the namespace's own /proc, and no
    new user namespace in this one or any below it (none to regain
    capabilities in)."""
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    with open("/proc/sys/user/max_user_namespaces", "w") as f:
        f.write("0")


def drop_capabilities():
    last = int(open("/proc/sys/kernel/cap_last_cap").read())
    for cap in range(last + 1):
        _prctl(PR_CAPBSET_DROP, cap)
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    header = struct.pack("=Ii", CAP_VERSION_3, 0)
    data = bytes(24)  # two __user_cap_data_struct, all zero: effective, permitted, inheritable
    _check(_libc.capset(ctypes.c_char_p(header), ctypes.c_char_p(data)), "capset")


def _exit_code(status):
    if os.WIFSIGNALED(status):
        return SIGNAL_EXIT + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def outer_child(run_name, output_fd, status_sock):
    """C1. Exits with nothing to say if it cannot wall the run in: the worker
    then sees the status socket close and starts another."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the zygote gone: so is every run
    enter_namespaces()
    build_view(run_name)
    lifeline_r, lifeline_w = os.pipe()
    init = os.fork()
    if init == 0:
        os.close(lifeline_w)
        status_sock.close()
        init_process(output_fd, lifeline_r)
    os.close(lifeline_r)
    os.close(output_fd)
    pidfd = os.pidfd_open(init)
    socket.send_fds(status_sock, [b"pid"], [pidfd])
    os.close(pidfd)
    _, status = os.waitpid(init, 0)
    try:
        status_sock.sendall(struct.pack(">I", _exit_code(status)))
    except OSError:
        pass  # the worker stopped listening: it ended the run itself
    os._exit(0)


def init_process(output_fd, lifeline_r):
    """C2, pid 1 of the run's pid namespace."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    os.set_blocking(lifeline_r, False)
    try:
        if os.read(lifeline_r, 1) == b"":  # C1 died before the line above: nobody to report to
            os._exit(1)
    except BlockingIOError:
        pass
    os.close(lifeline_r)
    own_proc()
    learner = os.fork()
    if learner == 0:
        harness_process(output_fd)
    os.close(output_fd)
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(SIGNAL_EXIT + signal.SIGKILL)
        if pid == learner:
            os._exit(_exit_code(status))


def harness_process(output_fd):
    """C3: the harness, with no capabilities, writing to the run's output."""
    code = 1
    try:
        drop_capabilities()
        devnull = os.open("/dev/null", os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        os.close(devnull)
        os.close(output_fd)
        os.chdir("/tmp")
        harness.HARNESS_PID = os.getpid()
        harness.run()
        code = 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def probe():
    """Whether a run could wall itself in here (the launcher's check, once per
    worker process): exits 0 when it could."""
    pid = os.fork()
    if pid == 0:
        try:
            enter_namespaces()
            _mount(None, "/", None, MS_REC | MS_PRIVATE)
            _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=65536")
            inner = os.fork()
            if inner == 0:
                try:
                    own_proc()
                    drop_capabilities()
                    os._exit(0)
                except BaseException as exc:
                    print(f"a run's namespaces: {exc}", file=sys.stderr)
                    os._exit(1)
            os._exit(_exit_code(os.waitpid(inner, 0)[1]))
        except BaseException as exc:
            print(f"a run's namespaces: {exc}", file=sys.stderr)
            os._exit(1)
    sys.exit(_exit_code(os.waitpid(pid, 0)[1]))


# --- the zygote ------------------------------------------------------------------
def serve(control):
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 256, 2)
        except InterruptedError:
            continue
        _reap()
        if not message:
            return  # the worker closed its end: the engine is closing
        run_name = message.decode(errors="replace")
        if len(fds) != 2 or not run_name.startswith("run-") or "/" in run_name or run_name in (".", ".."):
            for fd in fds:
                os.close(fd)
            control.send(b"error: bad request")
            continue
        output_fd, status_fd = fds
        try:
            child = os.fork()
        except OSError as exc:
            os.close(output_fd)
            os.close(status_fd)
            control.send(f"error: fork: {exc}".encode())
            continue
        if child == 0:
            try:
                control.close()
                outer_child(run_name, output_fd, socket.socket(fileno=status_fd))
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                os._exit(1)
        os.close(output_fd)
        os.close(status_fd)
        control.send(b"ok")


def _reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main():
    control = socket.socket(fileno=CONTROL_FD)
    harness.warm_boto3()
    control.send(b"ready")
    serve(control)


if __name__ == "__main__":
    main()
