import re

from tests.labs.course.conftest import checkpoint, source

SLUG = "sqs-dlq"


def test_the_solution_scores_full_marks(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"))
    assert verdict["status"] == "passed", verdict["checkpoints"]
    assert {e["outcome"] for e in verdict["trace"]} == {"ok"}
    dead = [e["label"] for e in verdict["trace"] if any(h["action"] == "dead-lettered" for h in e["hops"])]
    assert dead and all(e["expect_reach"] == ["orders-dlq"] for e in verdict["trace"] if e["label"] in dead)


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0
    assert checkpoint(verdict, "queues")["passed"]


def test_five_receives_instead_of_three_is_named(grade_lab_code):
    code = source(SLUG, "solution.py").replace('"maxReceiveCount": 3', '"maxReceiveCount": 5')
    verdict = grade_lab_code(SLUG, code)
    assert checkpoint(verdict, "redrive-policy")["feedback"] == "maxReceiveCount should be 3; it is 5."
    dead = checkpoint(verdict, "dead-letters")
    assert not dead["passed"] and "wrong receive counts: " in dead["feedback"] and "quantity 0 after 5" in dead["feedback"]


def test_a_handler_that_accepts_string_quantities_confirms_a_poison_order(grade_lab_code):
    code = source(SLUG, "solution.py").replace(
        "if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:",
        "if int(quantity) < 1:",
    )
    verdict = grade_lab_code(SLUG, code)
    confirmations = checkpoint(verdict, "confirmations")
    assert not confirmations["passed"] and "confirmed but should have failed: " in confirmations["feedback"]
    assert re.search(r'quantity as a string \(sent \{"orderId": "[a-z]+-\d{4}"\}\)', confirmations["feedback"])
    assert "quantity as a string" in checkpoint(verdict, "dead-letters")["feedback"]


def test_swallowing_errors_keeps_poison_out_of_the_dlq(grade_lab_code):
    code = source(SLUG, "solution.py").replace(
        "        order_id = parse_order(record[\"body\"])\n",
        "        try:\n            order_id = parse_order(record[\"body\"])\n        except ValueError as error:\n            print('skipping', error)\n            continue\n",
    )
    verdict = grade_lab_code(SLUG, code)
    dead = checkpoint(verdict, "dead-letters")
    assert not dead["passed"] and dead["feedback"].startswith("orders-dlq should hold exactly the 8 broken orders, each after 3 receives; it holds 0; missing: ")
    assert "quantity 0" in dead["feedback"]
    assert checkpoint(verdict, "confirmations")["passed"]


def test_a_setup_that_raises_is_reported(grade_lab_code):
    verdict = grade_lab_code(SLUG, "def setup():\n    raise RuntimeError('oops')\n")
    assert "setup() raised RuntimeError: oops" in checkpoint(verdict, "queues")["feedback"]
    assert verdict["score"] == 0.0
