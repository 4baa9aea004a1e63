import pytest

from tests.labs.course.conftest import checkpoint, source

SLUG = "firehose-transform"


@pytest.mark.parametrize("seed", [0, 7, 19])
def test_the_solution_scores_full_marks_and_every_record_goes_where_it_should(grade_lab_code, seed):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", verdict["checkpoints"]
    assert {e["outcome"] for e in verdict["trace"]} == {"ok"}
    actions = {h["action"] for e in verdict["trace"] for h in e["hops"]}
    assert {"put-record", "invoked", "transformed", "dropped", "failed", "delivered"} <= actions


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0
    assert checkpoint(verdict, "bucket-and-stream")["passed"]


def test_a_missing_newline_is_named(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/no_newline.py"))
    feedback = checkpoint(verdict, "delivered")["feedback"]
    assert "one JSON object per line" in feedback and "end each Ok record's data with \\n" in feedback


def test_raising_for_one_record_fails_the_whole_batch(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/raise_on_bad_record.py"))
    assert "transform() failed: ValueError: malformed record" in checkpoint(verdict, "transform-contract")["feedback"]
    assert "the valid clicks ended as failed records (Lambda.FunctionError)" in checkpoint(verdict, "delivered")["feedback"]


def test_swapped_buffering_hints_write_too_early(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/hints_swapped.py"))
    assert 'they are {"SizeInMBs": 120, "IntervalInSeconds": 64}' in checkpoint(verdict, "stream-config")["feedback"]
    assert "your stream wrote its first object at 124 s" in checkpoint(verdict, "buffering")["feedback"]


def test_dropping_malformed_records_is_named(grade_lab_code):
    feedback = checkpoint(grade_lab_code(SLUG, source(SLUG, "wrong/drop_malformed.py")), "failed-records")["feedback"]
    assert "it holds 0" in feedback and "came back Dropped, which discards a record for good; use ProcessingFailed" in feedback


def test_new_record_ids_are_rejected(grade_lab_code):
    feedback = checkpoint(grade_lab_code(SLUG, source(SLUG, "wrong/fresh_record_ids.py")), "transform-contract")["feedback"]
    assert "had a recordId that was not in the batch" in feedback and "record ids of the batch were not returned" in feedback
