import json
from pathlib import Path

import pytest

from tests.labs.course.conftest import LABS_DIR, checkpoint, source

SLUG = "decouple-with-a-queue"
WRONG = sorted(p.name for p in (LABS_DIR / SLUG / "wrong").glob("*.py"))


@pytest.mark.parametrize("seed", [0, 4, 17])
def test_the_solution_scores_full_marks(grade_lab_code, seed):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", verdict["checkpoints"]
    assert {e["outcome"] for e in verdict["trace"]} == {"ok"}
    first = verdict["trace"][0]
    assert [h["action"] for h in first["hops"]].count("failed") >= 2  # the failing table made the queue retry it


@pytest.mark.parametrize("name", ["resource_api.py", "update_if_absent.py"])
def test_each_right_answer_scores_full_marks(grade_lab_code, name):
    verdict = grade_lab_code(SLUG, source(SLUG, f"right/{name}"), 9)
    assert verdict["status"] == "passed", verdict["checkpoints"]


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0
    assert checkpoint(verdict, "table")["passed"]


@pytest.mark.parametrize("name", WRONG)
def test_each_wrong_answer_fails_the_checkpoint_it_names(grade_lab_code, name):
    code = source(SLUG, f"wrong/{name}")
    named = code.splitlines()[1].removeprefix("# fails: ").strip()
    verdict = grade_lab_code(SLUG, code, 6)
    assert not checkpoint(verdict, named)["passed"], verdict["checkpoints"]


def test_writing_the_table_first_is_caught_even_when_it_falls_back_to_the_queue(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/write_first_queue_on_failure.py"))
    feedback = checkpoint(verdict, "accepts-during-outage")["feedback"]
    assert "place_order called the table itself (PutItem" in feedback and "raised" not in feedback
    assert [c["id"] for c in verdict["checkpoints"] if not c["passed"]] == ["accepts-during-outage"]


def test_an_unconditional_put_is_told_it_forgot_the_payment(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/plain_put.py"))
    feedback = checkpoint(verdict, "redelivery")["feedback"]
    assert feedback.startswith("ord-77013 was marked PAID by the payment service") and "now it says 'PLACED'" in feedback


def test_swallowing_the_tables_error_loses_the_orders_it_hit(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/swallow_in_worker.py"))
    feedback = checkpoint(verdict, "all-stored")["feedback"]
    assert "missing: ord-65125 (cus-949, 6165)" in feedback and "let a failed write raise" in feedback


def test_raising_on_a_duplicate_dead_letters_the_redelivered_order(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/raise_on_duplicate.py"))
    feedback = checkpoint(verdict, "dead-letters")["feedback"]
    assert "good orders are there: ord-77013" in feedback and "skip the record instead of raising" in feedback


def test_variants_keep_their_near_misses():
    namespace = {}
    exec((Path(LABS_DIR) / SLUG / "variants.py").read_text(), namespace)
    for seed in range(20):
        inputs = namespace["variants"](seed)
        assert 10 <= inputs["failed_writes"] <= 12  # 3 receives at boto3's 4 attempts a DynamoDB call, at most 5 at 3
        assert inputs["redelivered"] != 0 and inputs["redelivered"] in inputs["paid"]
        assert len({o["orderId"] for o in inputs["orders"]}) == len(inputs["orders"])
        body = inputs["broken"]["body"]
        try:
            parsed = json.loads(body)
        except ValueError:
            continue  # cut short: no worker can parse it
        assert "orderId" not in parsed
