import re

import pytest

from tests.labs.course.conftest import checkpoint, lab_inputs, source

SLUG = "sqs-fifo-ordering"
GROUP_LINE = 'MessageGroupId=event["accountId"],'
DEDUP_LINE = "MessageDeduplicationId=f\"{event['accountId']}-{event['seq']}\","


def _label(event):
    return f"{event['accountId']} #{event['seq']} {event['type']} {event['amount']}"


def _balances(events, *, decline=True):
    """Each account's balance after `events` in this order: the lab's rule, restated."""
    balances = {}
    for event in events:
        balance = balances.get(event["accountId"], 0)
        if event["type"] == "deposit":
            balance += event["amount"]
        elif event["amount"] <= balance or not decline:
            balance -= event["amount"]
        balances[event["accountId"]] = balance
    return balances


def _wrong_balances(expected, actual):
    return [f"{a} should be {expected[a]}, it is {actual[a]}" for a in expected if actual[a] != expected[a]]


@pytest.mark.parametrize("seed", [0, 1])
def test_the_solution_scores_full_marks(grade_lab_code, seed):
    inputs = lab_inputs(SLUG, seed)
    events = inputs["events"]
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", verdict["checkpoints"]
    assert [e["outcome"] for e in verdict["trace"]] == ["ok"] * (len(events) + len(inputs["republish"]))
    retries = [e for e in verdict["trace"] if e["label"].startswith("retry of")]
    assert len(retries) == 2 and all(any(h["action"] == "deduplicated" for h in e["hops"]) for e in retries)
    others = sum(1 for e in events if e["accountId"] != events[0]["accountId"])
    assert f"while {_label(events[0])} was held, {others} events of the other accounts went through" in checkpoint(verdict, "groups")["feedback"]


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0
    assert checkpoint(verdict, "fifo-queue")["passed"] and checkpoint(verdict, "balances-table")["passed"]
    assert "Every message used MessageGroupId 'payments'" in checkpoint(verdict, "groups")["feedback"]


@pytest.mark.parametrize("seed", [0, 1])
def test_one_group_per_message_lets_a_later_event_overtake_the_held_one(grade_lab_code, seed):
    events = lab_inputs(SLUG, seed)["events"]
    held = events[0]
    account = [e for e in events if e["accountId"] == held["accountId"]]
    code = source(SLUG, "solution.py").replace(GROUP_LINE, "MessageGroupId=f\"{event['accountId']}-{event['seq']}\",")
    verdict = grade_lab_code(SLUG, code, seed)
    groups = checkpoint(verdict, "groups")
    assert not groups["passed"] and f"{len(events)} of {len(events)} messages had another: " in groups["feedback"]
    assert re.search(r"acct-[0-9a-f]{3} #(\d) \w+ \d+ had 'acct-[0-9a-f]{3}-\1'", groups["feedback"])
    order = checkpoint(verdict, "order")
    overtaken = ", ".join(f"#{e['seq']}" for e in account[1:] + account[:1])
    assert not order["passed"] and order["feedback"] == (
        f"Each account's events should arrive in seq order; {held['accountId']} got {overtaken}. {_label(held)} was held in flight "
        "and the account's later events overtook it: only a message group per account stops that."
    )
    # The withdrawal that overtook its deposit was declined.
    expected, actual = _balances(events), _balances(account[1:] + account[:1])
    assert actual[held["accountId"]] > expected[held["accountId"]]
    assert f"{held['accountId']} should be {expected[held['accountId']]}, it is {actual[held['accountId']]}" in checkpoint(verdict, "balances")["feedback"]
    assert checkpoint(verdict, "exactly-once")["passed"]


@pytest.mark.parametrize("seed", [0, 1])
def test_a_fresh_deduplication_id_per_send_lets_the_retry_through(grade_lab_code, seed):
    inputs = lab_inputs(SLUG, seed)
    events = inputs["events"]
    retried = [events[i] for i in inputs["republish"]]
    code = "import uuid\n" + source(SLUG, "solution.py").replace(DEDUP_LINE, "MessageDeduplicationId=str(uuid.uuid4()),")
    verdict = grade_lab_code(SLUG, code, seed)
    once = checkpoint(verdict, "exactly-once")
    assert not once["passed"]
    assert "handled more than once: " + ", ".join(f"{_label(e)} 2 times" for e in retried) in once["feedback"]
    # Each retry arrives after everything its account published before: a retried deposit is counted twice.
    wrong = _wrong_balances(_balances(events), _balances(events + retried))
    assert wrong and checkpoint(verdict, "balances")["feedback"].startswith("Final balances (in cents; a withdrawal the balance does not cover is declined): " + "; ".join(wrong) + ".")
    assert checkpoint(verdict, "groups")["passed"] and checkpoint(verdict, "order")["passed"]


@pytest.mark.parametrize("seed", [0, 1])
def test_a_deduplication_id_of_the_seq_alone_drops_other_accounts_events(grade_lab_code, seed):
    events = lab_inputs(SLUG, seed)["events"]
    code = source(SLUG, "solution.py").replace(DEDUP_LINE, "MessageDeduplicationId=str(event['seq']),")
    verdict = grade_lab_code(SLUG, code, seed)
    once = checkpoint(verdict, "exactly-once")
    # Only the first event of each seq gets through; the other accounts' events with that seq are dropped.
    first_of_seq = {}
    for e in events:
        first_of_seq.setdefault(e["seq"], e)
    dropped = [_label(e) for e in events if first_of_seq[e["seq"]] is not e]
    assert not once["passed"] and f"never handled: {', '.join(dropped[:4])}" in once["feedback"]
    assert "the second is dropped as a duplicate" in once["feedback"]


def test_content_based_deduplication_is_named(grade_lab_code):
    code = source(SLUG, "solution.py").replace('"ContentBasedDeduplication": "false"', '"ContentBasedDeduplication": "true"')
    verdict = grade_lab_code(SLUG, code)
    queue = checkpoint(verdict, "fifo-queue")
    assert not queue["passed"] and 'ContentBasedDeduplication "false"; it is true' in queue["feedback"]
    assert verdict["score"] < 1.0


@pytest.mark.parametrize("seed", [0, 1])
def test_a_withdrawal_that_goes_negative_is_caught_by_the_balances(grade_lab_code, seed):
    events = lab_inputs(SLUG, seed)["events"]
    code = source(SLUG, "solution.py").replace(
        'if event["type"] == "withdrawal" and event["amount"] <= balance:', 'if event["type"] == "withdrawal":'
    )
    verdict = grade_lab_code(SLUG, code, seed)
    # One account withdraws more than it holds: applied anyway, its balance drops by the whole withdrawal.
    [wrong] = _wrong_balances(_balances(events), _balances(events, decline=False))
    assert wrong in checkpoint(verdict, "balances")["feedback"]


def test_a_setup_that_raises_is_reported(grade_lab_code):
    verdict = grade_lab_code(SLUG, "def setup():\n    raise RuntimeError('oops')\n")
    assert "setup() raised RuntimeError: oops" in checkpoint(verdict, "fifo-queue")["feedback"]
    assert verdict["score"] == 0.0
