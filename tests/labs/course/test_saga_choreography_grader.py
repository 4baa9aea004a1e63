import pytest

from tests.labs.course.conftest import checkpoint, source

SLUG = "saga-choreography"


@pytest.mark.parametrize("seed", (0, 4, 13))
def test_the_solution_scores_full_marks_on_every_variant(grade_lab_code, seed):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", (seed, verdict["checkpoints"])
    assert {e["outcome"] for e in verdict["trace"]} == {"ok"}, [(e["label"], e.get("problems")) for e in verdict["trace"]]
    # An order that fails at inventory: its saga runs through all three queues, and the
    # trace follows it from OrderPlaced to the refund.
    [short] = [e for e in verdict["trace"] if e["label"].endswith("(out of stock)")]
    reached = [h["resource"] for h in short["hops"] if h["action"] == "delivered"]
    assert reached[:1] == ["payments-queue"] and "inventory-queue" in reached and "orders-queue" in reached


@pytest.mark.parametrize("name", ["right/wallet_sets.py", "right/resource_api_prefix_rules.py"])
def test_the_right_answers_pass(grade_lab_code, name):
    verdict = grade_lab_code(SLUG, source(SLUG, name), 3)
    assert verdict["status"] == "passed", (name, verdict["checkpoints"])


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0
    assert checkpoint(verdict, "resources")["passed"]
    assert "PaymentReserved reached no queue, not just inventory-queue" in checkpoint(verdict, "routing")["feedback"]


def test_an_unguarded_refund_pays_out_twice(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/refund_without_guard.py"))
    once = checkpoint(verdict, "refund-once")
    assert not once["passed"] and "(refunded 2 times)" in once["feedback"]
    assert checkpoint(verdict, "compensated")["passed"]


def test_look_then_refund_loses_the_race(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/check_then_refund.py"))
    once = checkpoint(verdict, "refund-once")
    assert not once["passed"] and "look-then-refund lets both invocations look before either writes" in once["feedback"]


def test_a_payments_rule_without_the_failure_event_never_compensates(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/no_compensation_route.py"))
    compensated = checkpoint(verdict, "compensated")
    assert not compensated["passed"] and "InventoryFailed never reached payments_handler" in compensated["feedback"]
    assert "InventoryFailed reached orders-queue, not just payments-queue" in checkpoint(verdict, "routing")["feedback"]


def test_releasing_stock_that_was_never_reserved_is_named(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/release_unreserved_stock.py"))
    failed = checkpoint(verdict, "payment-failed")
    assert not failed["passed"] and "Stock was never reserved for these orders, so there is nothing to release" in failed["feedback"]


def test_a_strict_balance_check_refuses_the_exact_amount(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/strict_balance.py"))
    confirmed = checkpoint(verdict, "confirmed")
    assert not confirmed["passed"] and "(costs the whole balance): status CANCELLED, not CONFIRMED" in confirmed["feedback"]


def test_a_setup_that_raises_is_reported(grade_lab_code):
    verdict = grade_lab_code(SLUG, "def setup():\n    raise RuntimeError('oops')\n")
    assert "setup() raised RuntimeError: oops" in checkpoint(verdict, "resources")["feedback"]
    assert verdict["score"] == 0.0
