from tests.labs.course.conftest import checkpoint, source

SLUG = "idempotent-consumer"
CATCH = '''        except dynamodb.exceptions.ConditionalCheckFailedException:
            print(f"{order_id} already handled, skipping")
            continue
'''


def test_the_solution_scores_full_marks(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"))
    assert verdict["status"] == "passed", verdict["checkpoints"]
    trace = {e["label"]: e for e in verdict["trace"]}
    assert len(trace) == 12 and {e["outcome"] for e in trace.values()} == {"ok"}
    shipped = lambda label: [h for h in trace[label]["hops"] if h["action"] == "sent" and h["resource"] == "shipments"]  # noqa: E731
    assert len(shipped("ord-5502")) == 1 and shipped("ord-5502 (sent again)") == []
    assert [h["resource"] for h in trace["broken order (no orderId)"]["hops"] if h["action"] == "dead-lettered"] == ["orders-dlq"]
    assert "2 redeliveries after the crash" in checkpoint(verdict, "quiet-duplicates")["feedback"]


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0
    assert checkpoint(verdict, "queues")["passed"] and checkpoint(verdict, "table")["passed"]
    assert "ord-5502 shipped 2 times" in checkpoint(verdict, "shipped-once")["feedback"]


def test_a_duplicate_that_raises_is_named_and_dead_letters_good_orders(grade_lab_code):
    code = source(SLUG, "solution.py").replace(CATCH, "        finally:\n            pass\n")
    verdict = grade_lab_code(SLUG, code)
    quiet = checkpoint(verdict, "quiet-duplicates")
    assert not quiet["passed"]
    assert "the first: the batch of ord-5501, ord-5502, ord-5502, ord-5503 raised ConditionalCheckFailedException" in quiet["feedback"]
    dead = checkpoint(verdict, "dead-letter")
    assert not dead["passed"] and "Good orders dead-lettered because their batch kept failing: ord-5501" in dead["feedback"]


def test_shipping_before_recording_ships_redeliveries_again(grade_lab_code):
    solution = source(SLUG, "solution.py")
    send = '        sqs.send_message(QueueUrl=shipments, MessageBody=json.dumps({"orderId": order_id}))\n'
    code = solution.replace(send, "").replace("        try:\n", send + "        try:\n")
    assert code != solution
    verdict = grade_lab_code(SLUG, code)
    shipped = checkpoint(verdict, "shipped-once")
    assert not shipped["passed"]
    assert "ord-5502 shipped 2 times; ord-5503 shipped 2 times; ord-5506 shipped 2 times; ord-5507 shipped 2 times" in shipped["feedback"]
    assert checkpoint(verdict, "table-contents")["passed"]


def test_keying_on_the_message_id_misses_a_re_sent_order(grade_lab_code):
    code = source(SLUG, "solution.py").replace('Item={"orderId": {"S": order_id}}', 'Item={"orderId": {"S": record["messageId"]}}')
    verdict = grade_lab_code(SLUG, code)
    assert "ord-5502 shipped 2 times; ord-5503 shipped 2 times." in checkpoint(verdict, "shipped-once")["feedback"]
    contents = checkpoint(verdict, "table-contents")
    assert not contents["passed"] and "these look like message ids" in contents["feedback"]
    assert checkpoint(verdict, "quiet-duplicates")["passed"]


def test_swallowing_every_exception_keeps_the_broken_order_out_of_the_dlq(grade_lab_code):
    code = (
        source(SLUG, "solution.py")
        .replace('        order_id = order_id_of(record["body"])\n        try:\n', '        try:\n            order_id = order_id_of(record["body"])\n')
        .replace("except dynamodb.exceptions.ConditionalCheckFailedException:", "except Exception:")
    )
    verdict = grade_lab_code(SLUG, code)
    dead = checkpoint(verdict, "dead-letter")
    assert not dead["passed"] and "missing: broken order (no orderId), broken order (orderId a number), broken order (empty orderId)" in dead["feedback"]
    assert "so they were deleted: raise for an order whose orderId is not a non-empty string" in dead["feedback"]
    assert checkpoint(verdict, "shipped-once")["passed"]


def test_a_setup_that_raises_is_reported(grade_lab_code):
    verdict = grade_lab_code(SLUG, "def setup():\n    raise RuntimeError('oops')\n")
    assert "setup() raised RuntimeError: oops" in checkpoint(verdict, "queues")["feedback"]
    assert verdict["score"] == 0.0
