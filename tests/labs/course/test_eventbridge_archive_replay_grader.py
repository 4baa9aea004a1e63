import pytest

from tests.labs.course.conftest import checkpoint, source

SLUG = "eventbridge-archive-replay"


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_the_solution_scores_full_marks(grade_lab_code, seed):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", verdict["checkpoints"]


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0


@pytest.mark.parametrize("name", ["strings_and_lookups.py", "module_state.py"])
def test_right_answers_pass(grade_lab_code, name):
    verdict = grade_lab_code(SLUG, source(SLUG, f"right/{name}"), 3)
    assert verdict["status"] == "passed", verdict["checkpoints"]


WRONG = {
    "replay_whole_archive.py": "replayed-window",
    "replay_to_every_rule.py": "replay-rules",
    "redrive_policy_instead.py": "dead-letter",
    "no_retries.py": "retries",
    "default_event_age.py": "dead-letter",
    "archive_everything.py": "archive",
    "archive_only_invoiced.py": "archive",
    "one_replay_name.py": "replayed-window",
    "no_dlq_policy.py": "dlq-policy",
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_each_wrong_answer_fails_its_checkpoint(grade_lab_code, name):
    verdict = grade_lab_code(SLUG, source(SLUG, f"wrong/{name}"), 2)
    assert not checkpoint(verdict, WRONG[name])["passed"], checkpoint(verdict, WRONG[name])


def test_replaying_everything_names_the_duplicates(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/replay_whole_archive.py"))
    feedback = checkpoint(verdict, "replayed-window")["feedback"]
    assert "replayed although already invoiced (duplicates): " in feedback and "30 s before a window)" in feedback


def test_no_filter_arns_says_analytics_saw_the_replay(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/replay_to_every_rule.py"))
    feedback = checkpoint(verdict, "replay-rules")["feedback"]
    assert feedback.startswith("The analytics queue received ") and "FilterArns" in feedback


def test_the_trace_follows_a_replayed_order_from_the_archive(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"))
    replayed = [e for e in verdict["trace"] if any(h["action"] == "replayed" for h in e["hops"])]
    assert replayed and all(e["outcome"] == "ok" for e in verdict["trace"])
    hop = next(h for h in replayed[0]["hops"] if h["action"] == "replayed")
    assert hop["source"] == "store:orders-archive" and hop["resource"] == "shop-events"
