"""What the engine needs to know about the machine it runs on.

Built by the caller (labs/engine.py builds it from Django settings) and handed
to grader.engine: nothing in grader reads Django settings.
"""

from dataclasses import dataclass, field

from grader.sandbox.limits import Limits

DEFAULT_BWRAP = "/usr/bin/bwrap"
DEFAULT_UID = 65534  # nobody
# The emulator child's uid: not the sandbox's, so the two never share a
# process count (RLIMIT_NPROC) nor may signal or ptrace each other.
DEFAULT_EMULATOR_UID = 65533


@dataclass(frozen=True)
class EngineConfig:
    uid: int = DEFAULT_UID  # the sandbox runs as this uid, never as root
    emulator_uid: int = DEFAULT_EMULATOR_UID  # the emulator child drops to this uid (grader.emulator.seal)
    bwrap: str = DEFAULT_BWRAP
    # Off only for development: without bubblewrap the engine then falls back
    # to rlimits + Landlock, loudly, instead of refusing to grade.
    require_isolation: bool = True
    limits: Limits = field(default_factory=Limits)  # only the launch-time ones are used (memory, files, disk)
