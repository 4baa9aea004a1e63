import pytest

from tests.labs.course.conftest import checkpoint, source

SLUG = "dlq-alarm"


@pytest.mark.parametrize("seed", [0, 5, 19])
def test_the_solution_scores_full_marks_and_each_page_is_drawn(grade_lab_code, seed):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", verdict["checkpoints"]
    pages = [e["label"] for e in verdict["trace"] if e["label"].startswith("page: ")]
    assert pages == ["page: orders-dlq-not-empty went ALARM (dead letter)", "page: orders-oldest-message-age went ALARM (long backlog)"]
    assert {e.get("outcome", "") for e in verdict["trace"]} <= {"ok", ""}


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["score"] < 1.0
    assert checkpoint(verdict, "resources")["passed"]
    assert "There is no alarm named orders-oldest-message-age." == checkpoint(verdict, "age-pages")["feedback"]


@pytest.mark.parametrize(
    "answer, failed",
    [
        ("wrong/dimension_on_main_queue.py", "dlq-pages"),
        ("wrong/greater_or_equal_zero.py", "dlq-pages"),
        ("wrong/sum_of_a_gauge.py", "alarm-settings"),
        ("wrong/no_alarm_action.py", "dlq-pages"),
        ("wrong/sqs_namespace.py", "dlq-pages"),
        ("wrong/age_one_period.py", "age-pages"),
        ("wrong/dlq_messages_sent.py", "dlq-pages"),
    ],
)
def test_each_wrong_answer_fails_its_checkpoint(grade_lab_code, answer, failed):
    assert not checkpoint(grade_lab_code(SLUG, source(SLUG, answer), 2), failed)["passed"]


@pytest.mark.parametrize("answer", ["right/alarm_helper_datapoints.py", "right/alarm_table_with_ok_actions.py"])
def test_the_right_answers_pass(grade_lab_code, answer):
    assert grade_lab_code(SLUG, source(SLUG, answer), 13)["status"] == "passed"


def test_greater_or_equal_zero_pages_while_the_dlq_is_empty(grade_lab_code):
    feedback = checkpoint(grade_lab_code(SLUG, source(SLUG, "wrong/greater_or_equal_zero.py")), "dlq-pages")["feedback"]
    assert "while orders-dlq was empty (quiet: Threshold Crossed: 1 of the last 1 datapoints [0] were greater than or equal to the threshold (0)" in feedback


def test_one_period_on_age_pages_on_the_spike_and_settings_name_it(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/age_one_period.py"))
    assert "at the wrong moment (short backlog: Threshold Crossed" in checkpoint(verdict, "age-pages")["feedback"]
    assert checkpoint(verdict, "alarm-settings")["feedback"] == "orders-oldest-message-age: EvaluationPeriods should be 3, not 1."
