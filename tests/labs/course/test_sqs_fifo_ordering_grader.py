from tests.labs.course.conftest import checkpoint, source

SLUG = "sqs-fifo-ordering"
GROUP_LINE = 'MessageGroupId=event["accountId"],'
DEDUP_LINE = "MessageDeduplicationId=f\"{event['accountId']}-{event['seq']}\","


def test_the_solution_scores_full_marks(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"))
    assert verdict["status"] == "passed", verdict["checkpoints"]
    assert [e["outcome"] for e in verdict["trace"]] == ["ok"] * 12
    retries = [e for e in verdict["trace"] if e["label"].startswith("retry of")]
    assert len(retries) == 2 and all(any(h["action"] == "deduplicated" for h in e["hops"]) for e in retries)
    assert "7 events of the other accounts went through" in checkpoint(verdict, "groups")["feedback"]


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0
    assert checkpoint(verdict, "fifo-queue")["passed"] and checkpoint(verdict, "balances-table")["passed"]
    assert "Every message used MessageGroupId 'payments'" in checkpoint(verdict, "groups")["feedback"]


def test_one_group_per_message_lets_a_later_event_overtake_the_held_one(grade_lab_code):
    code = source(SLUG, "solution.py").replace(GROUP_LINE, "MessageGroupId=f\"{event['accountId']}-{event['seq']}\",")
    verdict = grade_lab_code(SLUG, code)
    assert "acct-3f1 #2 withdrawal 9000 had 'acct-3f1-2'" in checkpoint(verdict, "groups")["feedback"]
    order = checkpoint(verdict, "order")
    assert not order["passed"] and "acct-3f1 got #2, #3, #1" in order["feedback"]
    assert "acct-3f1 should be 3450, it is 12450" in checkpoint(verdict, "balances")["feedback"]
    assert checkpoint(verdict, "exactly-once")["passed"]


def test_a_fresh_deduplication_id_per_send_lets_the_retry_through(grade_lab_code):
    code = "import uuid\n" + source(SLUG, "solution.py").replace(DEDUP_LINE, "MessageDeduplicationId=str(uuid.uuid4()),")
    verdict = grade_lab_code(SLUG, code)
    once = checkpoint(verdict, "exactly-once")
    assert not once["passed"]
    assert "handled more than once: acct-3f1 #2 withdrawal 9000 2 times, acct-7c2 #3 deposit 2500 2 times" in once["feedback"]
    assert "acct-7c2 should be 7500, it is 10000" in checkpoint(verdict, "balances")["feedback"]
    assert checkpoint(verdict, "groups")["passed"] and checkpoint(verdict, "order")["passed"]


def test_a_deduplication_id_of_the_seq_alone_drops_other_accounts_events(grade_lab_code):
    code = source(SLUG, "solution.py").replace(DEDUP_LINE, "MessageDeduplicationId=str(event['seq']),")
    verdict = grade_lab_code(SLUG, code)
    once = checkpoint(verdict, "exactly-once")
    assert not once["passed"] and "never handled: acct-7c2 #1 deposit 5000" in once["feedback"]
    assert "the second is dropped as a duplicate" in once["feedback"]


def test_content_based_deduplication_is_named(grade_lab_code):
    code = source(SLUG, "solution.py").replace('"ContentBasedDeduplication": "false"', '"ContentBasedDeduplication": "true"')
    verdict = grade_lab_code(SLUG, code)
    queue = checkpoint(verdict, "fifo-queue")
    assert not queue["passed"] and 'ContentBasedDeduplication "false"; it is true' in queue["feedback"]
    assert verdict["score"] < 1.0


def test_a_withdrawal_that_goes_negative_is_caught_by_the_balances(grade_lab_code):
    code = source(SLUG, "solution.py").replace(
        'if event["type"] == "withdrawal" and event["amount"] <= balance:', 'if event["type"] == "withdrawal":'
    )
    verdict = grade_lab_code(SLUG, code)
    assert "acct-7c2 should be 7500, it is 500" in checkpoint(verdict, "balances")["feedback"]


def test_a_setup_that_raises_is_reported(grade_lab_code):
    verdict = grade_lab_code(SLUG, "def setup():\n    raise RuntimeError('oops')\n")
    assert "setup() raised RuntimeError: oops" in checkpoint(verdict, "fifo-queue")["feedback"]
    assert verdict["score"] == 0.0
