import pytest

from tests.labs.course.conftest import checkpoint, source

SLUG = "kinesis-producer"


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_the_solution_scores_full_marks_on_several_variants(grade_lab_code, seed):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", verdict["checkpoints"]
    assert verdict["trace"] and {e["outcome"] for e in verdict["trace"]} == {"ok"}
    assert all(e["hops"][0]["action"] == "put-record" and e["hops"][0]["source"] == "learner:learner" for e in verdict["trace"])


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0
    assert "clicks should have 2 shards; it has 1." == checkpoint(verdict, "shard-count")["feedback"]


@pytest.mark.parametrize(
    "name, failed",
    [
        ("retry_whole_batch", "exactly-once"),
        ("retry_failed_after_later", "order"),
        ("retry_with_next_wave", "order"),
        ("one_call_per_user", "order"),
        ("no_retry", "exactly-once"),
        ("retry_once", "exactly-once"),
        ("put_record_each", "batched"),
        ("one_record_per_call", "batched"),
        ("random_partition_key", "key-shard"),
        ("event_id_key", "key-shard"),
        ("on_demand", "shard-count"),
    ],
)
def test_each_wrong_answer_fails_its_checkpoint(grade_lab_code, name, failed):
    verdict = grade_lab_code(SLUG, source(SLUG, f"wrong/{name}.py"), 3)
    assert not checkpoint(verdict, failed)["passed"]


def test_resending_the_whole_batch_names_the_doubled_events_and_marks_the_copies(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/retry_whole_batch.py"))
    feedback = checkpoint(verdict, "exactly-once")["feedback"]
    assert "written more than once: " in feedback and "sending the whole batch again writes the others twice" in feedback
    copies = [e for e in verdict["trace"] if ", copy 2" in e["label"]]
    assert copies and all(e["outcome"] == "bad" for e in copies)


def test_a_retry_behind_a_later_event_names_the_user_and_the_two_seqs(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/retry_failed_after_later.py"))
    order = checkpoint(verdict, "order")
    assert not order["passed"] and "has a higher sequence number than its seq" in order["feedback"]
    assert "never put two events of one user in the same PutRecords call" in order["feedback"]
    assert checkpoint(verdict, "exactly-once")["passed"]


def test_a_producer_that_gives_up_after_one_retry_loses_the_stubborn_record(grade_lab_code):
    from grader.variants import variant_inputs
    from tests.labs.course.conftest import lab_dict

    stubborn = variant_inputs(lab_dict(SLUG)["grader_files"], 0, slug=SLUG)["fail_twice"]
    feedback = checkpoint(grade_lab_code(SLUG, source(SLUG, "wrong/retry_once.py")), "exactly-once")["feedback"]
    assert feedback.startswith(f"Each of the 38 events should be on clicks exactly once, as its JSON; missing: {stubborn}")


def test_put_record_per_event_is_named(grade_lab_code):
    feedback = checkpoint(grade_lab_code(SLUG, source(SLUG, "wrong/put_record_each.py")), "batched")["feedback"]
    assert feedback == "publish should write with PutRecords, not one PutRecord per event: it made 38 PutRecord calls for 38 events."
