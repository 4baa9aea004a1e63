"""Tests of the course's lab graders: one file per lab, course/labs/<slug>/grader.py
is tested in tests/labs/course/test_<slug>_grader.py. Graders are run
in-process under moto's mock_aws: fast, and the same Run and grader code the
sandboxed engine runs."""

from pathlib import Path

import pytest
from moto import mock_aws

from grader.inprocess import grade_in_process
from grader.variants import variant_inputs

LABS_DIR = Path(__file__).resolve().parents[3] / "course" / "labs"


@pytest.fixture
def aws():
    with mock_aws():
        yield


def lab_dict(slug: str, seed: int = 0) -> dict:
    folder = LABS_DIR / slug
    files = {name: (folder / name).read_text() for name in ("grader.py", "variants.py") if (folder / name).exists()}
    return {"slug": slug, "time_limit_s": 20, "grader_files": files, "seed": seed}


def lab_inputs(slug: str, seed: int = 0) -> dict:
    """What the grader reads as run.inputs on variant `seed`: tests name the drawn values from it."""
    return variant_inputs(lab_dict(slug, seed)["grader_files"], seed, slug=slug)


@pytest.fixture
def grade_lab_code():
    """grade_lab_code(slug, code, seed=0) -> the verdict's dict, each call on fresh mocked backends."""

    def grade(slug: str, code: str, seed: int = 0) -> dict:
        with mock_aws():
            return grade_in_process(lab_dict(slug, seed), code).to_dict()

    return grade


def source(slug: str, name: str) -> str:
    return (LABS_DIR / slug / name).read_text()


def checkpoint(verdict: dict, checkpoint_id: str) -> dict:
    for item in verdict["checkpoints"]:
        if item["id"] == checkpoint_id:
            return item
    raise AssertionError(f"no checkpoint {checkpoint_id!r} in {[c['id'] for c in verdict['checkpoints']]}")
