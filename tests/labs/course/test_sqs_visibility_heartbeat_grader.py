import pytest

from tests.labs.course.conftest import LABS_DIR, checkpoint, source

SLUG = "sqs-visibility-heartbeat"
WRONG = sorted(p.name for p in (LABS_DIR / SLUG / "wrong").glob("*.py"))


@pytest.mark.parametrize("seed", [0, 3, 11])
def test_the_solution_scores_full_marks_on_several_variants(grade_lab_code, seed):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", verdict["checkpoints"]
    long_job = verdict["trace"][0]
    assert long_job["outcome"] == "ok" and long_job["expect_avoid"] == ["worker-2"]
    assert [h["action"] for h in long_job["hops"] if h["by"] == "learner"][0] == "received"
    assert any(h["action"] == "visibility-changed" for h in long_job["hops"])


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0
    assert checkpoint(verdict, "setup")["passed"] and checkpoint(verdict, "all-parts")["passed"]


@pytest.mark.parametrize("name", WRONG)
def test_each_wrong_answer_fails_the_checkpoint_it_names(grade_lab_code, name):
    code = source(SLUG, f"wrong/{name}")
    named = code.splitlines()[1].removeprefix("# fails:").strip()
    verdict = grade_lab_code(SLUG, code, 6)
    assert not checkpoint(verdict, named)["passed"], verdict["checkpoints"]


def test_a_lapse_names_when_the_other_worker_took_the_job_and_the_trace_draws_it(grade_lab_code):
    # seed 0: the long job's parts take 5, 12, 20, ... s: a worker that never extends loses it during part 3, at 37 s.
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/extend_after_expiry.py"))
    feedback = checkpoint(verdict, "processed-once")["feedback"]
    assert feedback.startswith("The long job (render-e82c) was received by worker-2 37 s after it was sent while part 3 was being written (receive #2)")
    assert "extend with ChangeMessageVisibility before the timeout, not after" in feedback
    long_job = verdict["trace"][0]
    taken = [h for h in long_job["hops"] if h["resource"] == "worker-2"]
    assert long_job["outcome"] == "bad" and taken[0]["source"] == "queue:render-jobs" and taken[0]["by"] == "worker"


def test_a_failed_job_hidden_for_hours_or_deleted_is_told_apart(grade_lab_code):
    hidden = checkpoint(grade_lab_code(SLUG, source(SLUG, "wrong/huge_receive_timeout.py")), "failed-job-returns")["feedback"]
    assert hidden.startswith("Part 4 of render-729f failed, and render-729f was still hidden 60 s later")
    deleted = checkpoint(grade_lab_code(SLUG, source(SLUG, "wrong/delete_on_failure.py")), "failed-job-returns")["feedback"]
    assert deleted.startswith("Part 4 of render-729f failed, and your worker deleted render-729f anyway: the job is lost")


def test_a_queue_timeout_raised_in_setup_is_named(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/huge_queue_timeout.py"))
    assert checkpoint(verdict, "setup")["feedback"] == "The queue render-jobs should keep a VisibilityTimeout of 30 s; after setup() it was 43200 s."


def test_a_module_without_work_is_not_run(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py").split("def work():")[0])
    assert checkpoint(verdict, "setup")["passed"]
    assert checkpoint(verdict, "all-parts")["feedback"] == "Not run: your module has no work() function."
