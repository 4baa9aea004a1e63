"""The limits one sandboxed run gets, and how a hit limit is told to a learner.

The defaults follow what comparable graders apply (see
/work/shared/notes/sandbox.md): Judge0 allows 60 processes and 128-512 MB,
nsjail 512 MiB and 32 open files. boto3 itself needs room: an interpreter with
boto3 loaded reserves about 250 MiB of address space.
"""

import math
from dataclasses import asdict, dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    time_limit_s: float = 20  # wall clock for the whole run (the lab's time_limit_s)
    memory_mib: int = 512  # RLIMIT_AS, per process
    processes: int = 64  # RLIMIT_NPROC inside the sandbox (threads count too)
    file_mib: int = 16  # RLIMIT_FSIZE
    open_files: int = 64  # RLIMIT_NOFILE
    disk_mib: int = 64  # size of the private tmpfs at /tmp
    scratch_files: int = 16384  # inodes in that tmpfs (empty files cost no space, only kernel memory)
    output_bytes: int = 64 * 1024  # stdout+stderr kept (the rest is read and dropped)
    # RLIMIT_AS of the run's emulator and grader process (outside the sandbox,
    # about 350 MiB at rest): what a learner stores through the API lives there.
    emulator_mib: int = 2048
    # The emulator child's private /tmp, where moto and werkzeug spool large
    # bodies: a tmpfs in its own mount namespace, so a loop of big S3 puts fills
    # this and not the worker's disk.
    emulator_disk_mib: int = 256
    emulator_disk_files: int = 4096

    @property
    def cpu_s(self) -> int:
        # A run is mostly waiting on the emulator, so CPU time stays far below
        # the wall clock; half of it (as Judge0's 5 s CPU in 10 s wall) stops a
        # tight loop first and tells the learner what it really hit.
        return max(1, math.ceil(self.time_limit_s / 2))

    def for_harness(self) -> dict:
        """What the in-sandbox harness applies before the learner's code runs."""
        return {**asdict(self), "cpu_s": self.cpu_s}


# Limits set on bubblewrap itself, before the sandbox knows which lab it will
# run (sandboxes are started ahead of time). The harness lowers them per run.
# RLIMIT_NPROC here also caps every sandbox of this uid together: the kernel
# checks a new user namespace's tasks against its creator's limit.
LAUNCH_PROCESSES = 1024
LAUNCH_CPU_S = 120


def time_limit_message(limits: Limits) -> str:
    return f"Your code ran past the {_seconds(limits.time_limit_s)}-second time limit."


def cpu_limit_message(limits: Limits) -> str:
    return f"Your code used more than {limits.cpu_s} seconds of CPU time (the CPU limit for this lab)."


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
