from tests.labs.course.conftest import checkpoint, source

SLUG = "idempotent-consumer"


def test_the_solution_scores_full_marks(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"))
    assert verdict["status"] == "passed", verdict["checkpoints"]
    outcomes = [e["outcome"] for e in verdict["flow"]["events"]]
    assert outcomes.count("ok") == 10 and outcomes.count("dlq") == 3 and "bad" not in outcomes
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
    assert "ord-5502 shipped 2 times" in checkpoint(verdict, "shipped-once")["feedback"]


def test_look_then_act_ships_an_order_delivered_twice_at_once_twice(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/check_then_act.py"))
    race = checkpoint(verdict, "concurrent-once")
    assert not race["passed"]
    assert "ord-5509 shipped 2 times; ord-5510 shipped 2 times" in race["feedback"]
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
    assert "Good orders dead-lettered because their batch kept failing: ord-5511" in checkpoint(verdict, "dead-letter")["feedback"]


def test_never_marking_done_ships_a_late_duplicate_again(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/never_mark_done.py"))
    shipped = checkpoint(verdict, "shipped-once")
    assert not shipped["passed"] and "ord-5501 shipped 2 times" in shipped["feedback"]
    assert "ord-5501 arrived again 16 minutes later, after its claim had lapsed" in shipped["feedback"]
    assert "not marked DONE: ord-5501 (CLAIMED)" in checkpoint(verdict, "table-contents")["feedback"]


def test_a_duplicate_that_raises_is_named_and_dead_letters_good_orders(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/raise_on_duplicate.py"))
    quiet = checkpoint(verdict, "quiet-duplicates")
    assert not quiet["passed"]
    assert "the first: the batch of ord-5501, ord-5502, ord-5502, ord-5503 raised RuntimeError: ord-5502 was already claimed" in quiet["feedback"]
    dead = checkpoint(verdict, "dead-letter")
    assert not dead["passed"] and "Good orders dead-lettered because their batch kept failing: ord-5501" in dead["feedback"]


def test_keying_on_the_message_id_misses_a_re_sent_order(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/dedupe_on_message_id.py"))
    assert "ord-5502 shipped 2 times; ord-5503 shipped 2 times" in checkpoint(verdict, "shipped-once")["feedback"]
    contents = checkpoint(verdict, "table-contents")
    assert not contents["passed"] and "these look like message ids" in contents["feedback"]


def test_swallowing_every_exception_keeps_the_broken_order_out_of_the_dlq(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/catch_everything.py"))
    dead = checkpoint(verdict, "dead-letter")
    assert not dead["passed"] and "missing: broken order (no orderId), broken order (orderId a number), broken order (empty orderId)" in dead["feedback"]
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
