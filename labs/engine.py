"""The labs side of the grading engine: its configuration, built from
settings, and grading a Lab row's submission with it (grader.engine)."""

from django.conf import settings

from grader import engine
from grader.config import EngineConfig
from grader.verdict import Verdict
from labs.models import Lab


def engine_config() -> EngineConfig:
    return EngineConfig(
        uid=settings.SANDBOX_UID,
        bwrap=settings.SANDBOX_BWRAP,
        require_isolation=settings.SANDBOX_REQUIRE_ISOLATION,
    )


def engine_start() -> None:
    """Start this process's engine now rather than on its first grading."""
    engine.get_engine(engine_config())


def engine_stop() -> None:
    """Stop this process's engine: its sandbox, emulator and working folder."""
    engine.shutdown_engine()


def grade_source(
    *, slug: str, time_limit_s: float, grader_files: dict, code: str, services: list[str] | None = None, seed: int = 0
) -> Verdict:
    return engine.grade_source(
        config=engine_config(), slug=slug, time_limit_s=time_limit_s, grader_files=grader_files, code=code,
        services=services, seed=seed,
    )


def grade_lab(lab: Lab, code: str, *, seed: int = 0) -> Verdict:
    """Grade `code` on variant `seed` with the lab's stored grader files, time limit and services."""
    return grade_source(
        slug=lab.slug, time_limit_s=lab.time_limit_s, grader_files=lab.grader_files, code=code, services=lab.services, seed=seed
    )
