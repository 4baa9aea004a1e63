import pytest

from tests.labs.course.conftest import checkpoint, source

SLUG = "claim-check"


@pytest.mark.parametrize("seed", [0, 11])
def test_the_solution_scores_full_marks(grade_lab_code, seed):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", verdict["checkpoints"]
    assert {e["outcome"] for e in verdict["trace"]} == {"ok"}


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0
    assert checkpoint(verdict, "resources")["passed"]


def test_counting_characters_sends_multi_byte_text_inline_and_sqs_refuses_it(grade_lab_code):
    feedback = checkpoint(grade_lab_code(SLUG, source(SLUG, "wrong/characters_not_bytes.py")), "large-offloaded")["feedback"]
    assert "x 350,000: fewer characters than the limit, more bytes (send raised ClientError: An error occurred (InvalidParameterValue)" in feedback


def test_an_exclusive_limit_offloads_the_message_that_fits_to_the_byte(grade_lab_code):
    feedback = checkpoint(grade_lab_code(SLUG, source(SLUG, "wrong/limit_exclusive.py")), "small-inline")["feedback"]
    assert "fits to the byte with its attribute went through S3" in feedback


def test_deleting_the_payload_before_the_work_loses_the_retried_document(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/delete_before_processing.py"))
    assert "was its payload deleted before the work was done?" in checkpoint(verdict, "retry-safe")["feedback"]
    assert checkpoint(verdict, "processed")["passed"]
