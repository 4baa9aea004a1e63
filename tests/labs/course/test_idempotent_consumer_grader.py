import json

import pytest

from tests.labs.course.conftest import checkpoint, lab_inputs, source

SLUG = "idempotent-consumer"


def _id(message):
    return json.loads(message["body"]).get("orderId")


class Variant:
    """The hidden orders of one variant, by the role each plays."""

    def __init__(self, seed):
        inputs = lab_inputs(SLUG, seed)
        self.first, self.crash_batch, self.concurrent = inputs["first"], inputs["crash_batch"], inputs["concurrent"]
        self.crash_order, self.late = inputs["crash_order"], inputs["late_duplicate"]
        batch_one, batch_two = self.first[:4], self.first[4:]
        [self.inside] = {_id(m) for m in batch_one if sum(_id(n) == _id(m) for n in batch_one) == 2}
        [self.across] = {_id(m) for m in batch_two if any(_id(n) == _id(m) for n in batch_one)}
        self.broken = [m for m in self.crash_batch if m.get("broken")]

    def sends(self, order_id):
        """How many messages carry this order: each is a new message id."""
        return sum(_id(m) == order_id for m in self.first + self.crash_batch + self.concurrent + [self.crash_order, self.late])


@pytest.mark.parametrize("seed", [0, 1])
def test_the_solution_scores_full_marks(grade_lab_code, seed):
    variant = Variant(seed)
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", verdict["checkpoints"]
    trace = {e["label"]: e for e in verdict["trace"]}
    assert len(trace) == 16 and {e["outcome"] for e in trace.values()} == {"ok"}, {k: e["outcome"] for k, e in trace.items()}
    shipped = lambda label: [h for h in trace[label]["hops"] if h["action"] == "sent" and h["resource"] == "shipments"]  # noqa: E731
    assert len(shipped(variant.inside)) == 1 and shipped(f"{variant.inside} (sent again)") == []
    assert len(shipped(variant.across)) == 1 and shipped(f"{variant.across} (sent again)") == []
    # Delivered to two invocations at once: one of them shipped it, and the trace says which message that answered.
    assert len(shipped(variant.concurrent[0]["label"])) == 1 and len(shipped(variant.crash_order["label"])) == 1
    assert variant.late["label"] == f"{_id(variant.late)} (sent again 16 minutes later)" and shipped(variant.late["label"]) == []
    assert [h["resource"] for h in trace["broken order (no orderId)"]["hops"] if h["action"] == "dead-lettered"] == ["orders-dlq"]
    assert "2 redeliveries after the crash" in checkpoint(verdict, "quiet-duplicates")["feedback"]
    assert "the claim had lapsed and the redelivery shipped it once" in checkpoint(verdict, "crash-recovered")["feedback"]


def test_the_verdict_shows_the_faults_the_grader_injected():
    from moto import mock_aws

    from grader.inprocess import grade_in_process
    from tests.labs.course.conftest import lab_dict

    with mock_aws():
        verdict = grade_in_process(lab_dict(SLUG), source(SLUG, "solution.py"))
    kinds = [(f["fault"], f["service"], f["target"]) for f in verdict.faults]
    assert ("fail", "sqs", "SendMessage") in kinds
    assert kinds.count(("fail", "sqs", "SendMessage")) == 1
    assert ("delay", "dynamodb", "GetItem") in kinds  # the loser of each race reads the claim slowly


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0
    assert checkpoint(verdict, "queues")["passed"] and checkpoint(verdict, "table")["passed"]
    inside = Variant(0).inside
    assert f"{inside} shipped {Variant(0).sends(inside)} times" in checkpoint(verdict, "shipped-once")["feedback"]


def test_look_then_act_ships_an_order_delivered_twice_at_once_twice(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/check_then_act.py"))
    race = checkpoint(verdict, "concurrent-once")
    assert not race["passed"]
    first, second = (m["label"] for m in Variant(0).concurrent)
    assert f"{first} shipped 2 times; {second} shipped 2 times" in race["feedback"]
    assert "both can look before either writes" in race["feedback"]
    assert checkpoint(verdict, "crash-recovered")["passed"] and checkpoint(verdict, "quiet-duplicates")["passed"]


def test_record_first_ship_second_loses_the_order_whose_handler_died(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/record_then_ship.py"))
    crash = checkpoint(verdict, "crash-recovered")
    assert not crash["passed"] and "it shipped never" in crash["feedback"]
    assert "Record first, ship second loses the order if the process dies between the two" in crash["feedback"]
    assert checkpoint(verdict, "concurrent-once")["passed"]


def test_skipping_a_live_claim_lets_sqs_delete_the_crashed_order(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/skip_live_claim.py"))
    crash = checkpoint(verdict, "crash-recovered")
    assert not crash["passed"]
    assert "The other invocation returned normally while the claim's holder had not shipped" in crash["feedback"]


def test_a_claim_that_never_lapses_dead_letters_the_crashed_order(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/claim_without_expiry.py"))
    crash = checkpoint(verdict, "crash-recovered")
    assert not crash["passed"] and "It was retried until it reached orders-dlq: the claim never lapsed" in crash["feedback"]
    assert f"Good orders dead-lettered because their batch kept failing: {Variant(0).crash_order['label']}." in checkpoint(verdict, "dead-letter")["feedback"]


@pytest.mark.parametrize("seed", [0, 1])
def test_never_marking_done_ships_a_late_duplicate_again(grade_lab_code, seed):
    late = _id(Variant(seed).late)
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/never_mark_done.py"), seed)
    shipped = checkpoint(verdict, "shipped-once")
    assert not shipped["passed"] and f"{late} shipped 2 times" in shipped["feedback"]
    assert f"{late} arrived again 16 minutes later, after its claim had lapsed" in shipped["feedback"]
    first_id = _id(Variant(seed).first[0])
    assert f"not marked DONE: {first_id} (CLAIMED)" in checkpoint(verdict, "table-contents")["feedback"]


@pytest.mark.parametrize("seed", [0, 1])
def test_a_duplicate_that_raises_is_named_and_dead_letters_good_orders(grade_lab_code, seed):
    variant = Variant(seed)
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/raise_on_duplicate.py"), seed)
    quiet = checkpoint(verdict, "quiet-duplicates")
    assert not quiet["passed"]
    batch_one = ", ".join(_id(m) for m in variant.first[:4])
    assert f"the first: the batch of {batch_one} raised RuntimeError: {variant.inside} was already claimed" in quiet["feedback"]
    dead = checkpoint(verdict, "dead-letter")
    # The first batch fails on every receive, so all of it is dead-lettered, good orders included.
    assert not dead["passed"] and f"Good orders dead-lettered because their batch kept failing: {_id(variant.first[0])}" in dead["feedback"]


@pytest.mark.parametrize("seed", [0, 1])
def test_keying_on_the_message_id_misses_a_re_sent_order(grade_lab_code, seed):
    variant = Variant(seed)
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/dedupe_on_message_id.py"), seed)
    shipped = checkpoint(verdict, "shipped-once")["feedback"]
    # Every message that carries an order ships it, re-sent copies included; a redelivered message does not.
    for order_id in (variant.inside, variant.across, _id(variant.late)):
        assert f"{order_id} shipped {variant.sends(order_id)} times" in shipped
    contents = checkpoint(verdict, "table-contents")
    assert not contents["passed"] and "these look like message ids" in contents["feedback"]


def test_swallowing_every_exception_keeps_the_broken_order_out_of_the_dlq(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/catch_everything.py"))
    dead = checkpoint(verdict, "dead-letter")
    broken = ", ".join(m["label"] for m in Variant(0).broken)
    assert not dead["passed"] and f"missing: {broken}; your handler returned normally for {broken}" in dead["feedback"]
    assert "so they were deleted: raise for an order whose orderId is not a non-empty string" in dead["feedback"]
    assert checkpoint(verdict, "shipped-once")["passed"]


def test_the_right_answers_pass_with_datetime_and_the_resource_api(grade_lab_code):
    # return_old_item.py reads the clock with datetime.now(): it must follow the emulator's clock too.
    for name in ("right/return_old_item.py", "right/table_resource.py"):
        verdict = grade_lab_code(SLUG, source(SLUG, name))
        assert verdict["status"] == "passed", (name, verdict["checkpoints"])


def test_a_setup_that_raises_is_reported(grade_lab_code):
    verdict = grade_lab_code(SLUG, "def setup():\n    raise RuntimeError('oops')\n")
    assert "setup() raised RuntimeError: oops" in checkpoint(verdict, "queues")["feedback"]
    assert verdict["score"] == 0.0
