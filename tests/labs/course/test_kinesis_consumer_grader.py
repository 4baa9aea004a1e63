import pytest

from tests.labs.course.conftest import checkpoint, source

SLUG = "kinesis-consumer"


@pytest.mark.parametrize("seed", [0, 2, 5])
def test_the_solution_scores_full_marks_on_several_variants(grade_lab_code, seed):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", verdict["checkpoints"]
    assert {e["outcome"] for e in verdict["trace"]} == {"ok"}
    crashed = [e for e in verdict["trace"] if "whose send failed in the crash" in e["label"]]
    assert len(crashed) == 1 and "failed" in [h["action"] for h in crashed[0]["hops"]]
    # A record is put, read by consume and sent to processed; one the crashed call read
    # but never sent shows the failure, then the read and send that resumed it. The
    # injected failure is marked on the record whose send it failed, and on no other.
    for entry in verdict["trace"]:
        steps = [(h["action"], h["resource"]) for h in entry["hops"] if h["action"] not in ("received", "deleted")]
        assert steps in (
            [("put-record", "orders-stream"), ("read", "consume"), ("sent", "processed")],
            [("put-record", "orders-stream"), ("read", "consume"), ("failed", "consume"), ("read", "consume"), ("sent", "processed")],
            [("put-record", "orders-stream"), ("read", "consume"), ("fault", "processed"), ("failed", "consume"),
             ("read", "consume"), ("sent", "processed")],
        ), entry
    marked = [e for e in verdict["trace"] if any(h["action"] == "fault" for h in e["hops"])]
    assert marked == crashed


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0
    assert checkpoint(verdict, "table")["feedback"] == "There is no DynamoDB table called checkpoints."


@pytest.mark.parametrize(
    "name, failed",
    [
        ("checkpoint_before_processing", "no-skip"),
        ("swallow_send_errors", "no-skip"),
        ("latest_without_checkpoint", "in-order"),
        ("checkpoint_last_read", "in-order"),
        ("trim_horizon_always", "duplicates"),
        ("at_sequence_number", "duplicates"),
        ("checkpoint_other_shard", "checkpoint-values"),
        ("ignores_limit", "limit"),
        ("table_key_shard_id", "table"),
    ],
)
def test_each_wrong_answer_fails_its_checkpoint(grade_lab_code, name, failed):
    verdict = grade_lab_code(SLUG, source(SLUG, f"wrong/{name}.py"), 4)
    assert not checkpoint(verdict, failed)["passed"]


def test_a_checkpoint_stored_before_sending_names_the_skipped_order(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/checkpoint_before_processing.py"))
    feedback = checkpoint(verdict, "no-skip")["feedback"]
    assert feedback.startswith("consume('shardId-000000000001', 3) crashed when sending po-67150; no later call processed it")
    assert "had already moved to the sequence number of po-67150" in feedback
    assert checkpoint(verdict, "duplicates")["passed"]


def test_at_sequence_number_is_told_to_resume_after(grade_lab_code):
    feedback = checkpoint(grade_lab_code(SLUG, source(SLUG, "wrong/at_sequence_number.py")), "duplicates")["feedback"]
    assert "processed more than once: " in feedback and "resume with AFTER_SEQUENCE_NUMBER" in feedback


def test_another_shards_checkpoint_is_named_and_the_emulator_refuses_it(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/checkpoint_other_shard.py"))
    feedback = checkpoint(verdict, "checkpoint-values")["feedback"]
    assert ", a record of shardId-000000000000" in feedback and "keep the last sequence number per call" in feedback
    assert "It encodes shardId-000000000000, while it was used in a call to a shard with shardId-000000000001" in verdict["output"]


def test_a_per_call_checkpoint_may_repeat_only_the_crashed_calls_sends(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "right/trim_horizon_filter.py"), 1)
    assert verdict["status"] == "passed", verdict["checkpoints"]
    assert checkpoint(verdict, "duplicates")["feedback"].startswith("Only ")
