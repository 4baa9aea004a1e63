"""Every lab on every variant: for seeds 0-19, solution.py and each right/ answer
score 1.0 and each wrong/ answer fails the checkpoint its second line names.

One item per lab, answer and seed, collected from course/labs, so a lab added
later is swept without touching this file. In-process under moto (fast); the
sandboxed engine runs the same grader and variants code.
"""

import pytest
from moto import mock_aws

from grader.inprocess import grade_in_process
from labs.course_content import FAILS_LINE
from tests.labs.course.conftest import LABS_DIR, lab_dict

SEEDS = range(20)

pytestmark = pytest.mark.seeds


def _answers():
    for folder in sorted(p for p in LABS_DIR.iterdir() if (p / "grader.py").exists()):
        yield folder.name, "solution.py"
        for kind in ("right", "wrong"):
            for path in sorted((folder / kind).glob("*.py")):
                yield folder.name, f"{kind}/{path.name}"


@pytest.fixture(scope="module")
def emulator():
    """One moto mock for the whole sweep, its backends reset before each grading.

    Entering mock_aws() per grading also gave boto3 a new default session each
    time, so every grading re-read the services' JSON models: 40% of the sweep's
    CPU. Reset backends are as empty as new ones."""
    mock = mock_aws()
    mock.start()
    yield mock
    mock.stop()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("slug", "answer"), list(_answers()))
def test_each_answer_scores_as_it_says_on_every_variant(emulator, slug, answer, seed):
    code = (LABS_DIR / slug / answer).read_text()
    emulator.reset()
    verdict = grade_in_process(lab_dict(slug, seed), code).to_dict()
    checkpoints = {c["id"]: c for c in verdict["checkpoints"]}
    if not answer.startswith("wrong/"):
        assert verdict["score"] == 1.0, [(c["id"], c["feedback"]) for c in verdict["checkpoints"] if not c["passed"]]
        return
    fails = FAILS_LINE.fullmatch(code.splitlines()[1].strip())
    assert fails, f"{answer}: line 2 should be '# fails: <checkpoint-id>'"
    named = checkpoints.get(fails.group(1))
    assert named is not None, f"{answer} names {fails.group(1)!r}; the checkpoints are {list(checkpoints)}"
    assert not named["passed"], f"{answer} passed {named['id']} on seed {seed}: {named['feedback']}"
