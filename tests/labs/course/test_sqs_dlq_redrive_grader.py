import time

import pytest

from tests.labs.course.conftest import checkpoint, lab_inputs, source

SLUG = "sqs-dlq-redrive"


def _payments(seed):
    return lab_inputs(SLUG, seed)["payments"]


def test_the_solution_scores_full_marks(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"))
    assert verdict["status"] == "passed", verdict["checkpoints"]


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0


@pytest.mark.parametrize("seed", [0, 1])
def test_redriving_before_fixing_the_bug_sends_good_payments_back(grade_lab_code, seed):
    code = source(SLUG, "solution.py").replace("parse_amount(payment[\"amount\"])", "int(payment[\"amount\"])")
    verdict = grade_lab_code(SLUG, code, seed)
    assert checkpoint(verdict, "move-task")["passed"]
    good = [p["label"] for p in _payments(seed) if p["good"]]
    processed = checkpoint(verdict, "processed")
    assert not processed["passed"] and "; ".join(f"{label} processed 0 times" for label in good) in processed["feedback"]
    back = checkpoint(verdict, "bad-back-in-dlq")["feedback"]
    assert "should not be there: " in back and all(label in back.split("should not be there: ")[1] for label in good)


@pytest.mark.parametrize("seed", [0, 1])
def test_accepting_zero_processes_a_bad_payment(grade_lab_code, seed):
    code = source(SLUG, "solution.py").replace("amount <= 0", "amount < 0")
    verdict = grade_lab_code(SLUG, code, seed)
    [zero] = [p for p in _payments(seed) if p.get("amount") in ("0", "0.0", "0.00")]
    assert checkpoint(verdict, "processed")["feedback"].endswith(f"should not have been processed: {zero['label']}.")
    assert checkpoint(verdict, "bad-back-in-dlq")["feedback"].endswith(f"missing: {zero['label']}.")


def test_a_redrive_passing_the_url_instead_of_the_arn_is_reported(grade_lab_code):
    code = source(SLUG, "solution.py").replace("start_message_move_task(SourceArn=dlq_arn)", "start_message_move_task(SourceArn=dlq_url)")
    verdict = grade_lab_code(SLUG, code)
    task = checkpoint(verdict, "move-task")
    assert not task["passed"] and "redrive() raised ClientError" in task["feedback"]


def test_a_rate_limited_redrive_is_waited_for(grade_lab_code):
    code = source(SLUG, "solution.py").replace("start_message_move_task(SourceArn=dlq_arn)", "start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=50)")
    verdict = grade_lab_code(SLUG, code)
    assert verdict["status"] == "passed", verdict["checkpoints"]


def test_the_gentlest_rate_passes_on_the_emulator_clock_without_waiting(grade_lab_code):
    # The lesson's own advice, MaxNumberOfMessagesPerSecond=1, needs one emulator
    # second per payment: the grader advances the clock rather than the wall clock.
    code = source(SLUG, "solution.py").replace("start_message_move_task(SourceArn=dlq_arn)", "start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=1)")
    started = time.monotonic()
    verdict = grade_lab_code(SLUG, code)
    assert verdict["status"] == "passed", verdict["checkpoints"]
    assert time.monotonic() - started < 10


def test_a_task_cancelled_at_once_is_reported_with_what_it_moved(grade_lab_code):
    code = source(SLUG, "solution.py").replace(
        'return sqs.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]',
        'handle = sqs.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=1)["TaskHandle"]\n'
        '    sqs.cancel_message_move_task(TaskHandle=handle)',
    )
    verdict = grade_lab_code(SLUG, code)
    task = checkpoint(verdict, "move-task")
    assert not task["passed"] and "it is CANCELLED having moved 1 of" in task["feedback"]
