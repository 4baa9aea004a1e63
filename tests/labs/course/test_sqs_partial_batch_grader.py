import pytest

from tests.labs.course.conftest import LABS_DIR, checkpoint, source

SLUG = "sqs-partial-batch"
WRONG = sorted(p.name for p in (LABS_DIR / SLUG / "wrong").glob("*.py"))


@pytest.mark.parametrize("seed", [0, 7, 13])
def test_the_solution_scores_full_marks_on_several_variants(grade_lab_code, seed):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", verdict["checkpoints"]
    assert {e["outcome"] for e in verdict["trace"]} == {"ok"}
    failed = [e for e in verdict["trace"] if any(h["action"] == "failed" for h in e["hops"])]
    assert failed and all(e["expect_reach"] == ["payments-dlq"] for e in failed)


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0
    assert checkpoint(verdict, "queues")["passed"]


@pytest.mark.parametrize("name", WRONG)
def test_each_wrong_answer_fails_the_checkpoint_it_names(grade_lab_code, name):
    code = source(SLUG, f"wrong/{name}")
    named = code.splitlines()[1].removeprefix("# fails:").strip()
    verdict = grade_lab_code(SLUG, code, 4)
    assert not checkpoint(verdict, named)["passed"], verdict["checkpoints"]


def test_raising_on_a_bad_record_is_told_as_a_whole_batch_retry(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/raise_on_first_bad.py"))
    identifiers = checkpoint(verdict, "item-identifiers")["feedback"]
    assert identifiers.startswith("In invocation 1 (a batch of 10) the handler raised ValueError: bad amount: True.")
    assert "Lambda then retries the whole batch" in identifiers
    ledger = checkpoint(verdict, "ledger-once")["feedback"]
    assert "recorded more than once: pay-5242, amount 2542 (3 times)" in ledger and "retried with its batch" in ledger


def test_a_receipt_handle_as_identifier_is_named(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/receipt_handle_identifiers.py"))
    feedback = checkpoint(verdict, "item-identifiers")["feedback"]
    assert "itemIdentifier must be the messageId of a record of that batch" in feedback
    assert "Lambda rejects the response and retries the whole batch" in feedback


def test_swallowed_errors_leave_the_dlq_empty(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/swallow_errors.py"))
    dead = checkpoint(verdict, "dead-letters")["feedback"]
    assert dead.startswith("payments-dlq should hold exactly the 7 invalid payments, each after 3 receives; it holds 0; missing: ")
    assert checkpoint(verdict, "ledger-once")["passed"] and checkpoint(verdict, "item-identifiers")["passed"]


def test_a_setup_that_raises_is_reported(grade_lab_code):
    verdict = grade_lab_code(SLUG, "def setup():\n    raise RuntimeError('oops')\n")
    assert "setup() raised RuntimeError: oops" in checkpoint(verdict, "queues")["feedback"]
    assert verdict["score"] == 0.0
