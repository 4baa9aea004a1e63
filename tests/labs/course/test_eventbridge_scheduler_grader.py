import pytest

from tests.labs.course.conftest import checkpoint, source

SLUG = "eventbridge-scheduler"


@pytest.mark.parametrize("seed", [0, 1, 5])
def test_the_solution_scores_full_marks(grade_lab_code, seed):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", verdict["checkpoints"]
    assert {e["outcome"] for e in verdict["trace"]} == {"ok"}
    assert any(h["action"] == "fired" and h["kind"] == "schedule" for e in verdict["trace"] for h in e["hops"])


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0


@pytest.mark.parametrize("name", ["utc_expression.py", "epoch_arithmetic.py"])
def test_right_answers_pass(grade_lab_code, name):
    verdict = grade_lab_code(SLUG, source(SLUG, f"right/{name}"), 4)
    assert verdict["status"] == "passed", verdict["checkpoints"]


WRONG = {
    "utc_time_local_zone.py": "on-time",
    "local_time_no_zone.py": "on-time",
    "from_now.py": "on-time",
    "one_schedule_name.py": "on-time",
    "flexible_window.py": "on-time",
    "schedules_pile_up.py": "cleanup",
    "no_dead_letter_queue.py": "dead-letter",
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_each_wrong_answer_fails_its_checkpoint(grade_lab_code, name):
    verdict = grade_lab_code(SLUG, source(SLUG, f"wrong/{name}"), 2)
    assert not checkpoint(verdict, WRONG[name])["passed"], checkpoint(verdict, WRONG[name])


def test_a_shared_schedule_name_names_the_conflict(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/one_schedule_name.py"))
    assert "ConflictException" in checkpoint(verdict, "schedule-config")["feedback"]
    assert "never arrived" in checkpoint(verdict, "on-time")["feedback"]


def test_a_kept_schedule_is_named_in_cleanup(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/schedules_pile_up.py"))
    feedback = checkpoint(verdict, "cleanup")["feedback"]
    assert "still there after firing (reminder-" in feedback and "ActionAfterCompletion is DELETE" in feedback
