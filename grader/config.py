"""What the engine needs to know about the machine it runs on.

Built by the caller (labs/engine.py builds it from Django settings) and handed
to grader.engine: nothing in grader reads Django settings.
"""

from dataclasses import dataclass, field

from grader.sandbox.limits import Limits

DEFAULT_BWRAP = "/usr/bin/bwrap"
DEFAULT_UID = 65534  # nobody


@dataclass(frozen=True)
class EngineConfig:
    uid: int = DEFAULT_UID  # the sandbox runs as this uid, never as root
    bwrap: str = DEFAULT_BWRAP
    # Off only for development: without bubblewrap the engine then falls back
    # to rlimits + Landlock, loudly, instead of refusing to grade.
    require_isolation: bool = True
    limits: Limits = field(default_factory=Limits)  # only the launch-time ones are used (memory, files, disk)
