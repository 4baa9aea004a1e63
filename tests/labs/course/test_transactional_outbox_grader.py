import pytest

from tests.labs.course.conftest import checkpoint, source

SLUG = "transactional-outbox"
SEEDS = (0, 1, 2, 3, 7, 11, 19)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_solution_scores_full_marks_on_every_variant(grade_lab_code, seed):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", (seed, verdict["checkpoints"])
    assert {e["outcome"] for e in verdict["trace"]} == {"ok"}
    # The event whose mark failed is published twice, and the trace names the second copy.
    assert sum(1 for e in verdict["trace"] if e["label"].endswith("(sent again)")) == 1


def test_the_verdict_shows_the_faults_the_grader_injected():
    from moto import mock_aws

    from grader.inprocess import grade_in_process
    from tests.labs.course.conftest import lab_dict

    with mock_aws():
        verdict = grade_in_process(lab_dict(SLUG), source(SLUG, "solution.py"))
    kinds = [(f["fault"], f["service"], f["target"]) for f in verdict.faults]
    assert [k[2] for k in kinds] == ["TransactWriteItems", "SendMessage", "UpdateItem"], kinds


@pytest.mark.parametrize("name", ["right/resource_api_delete_when_sent.py", "right/send_all_then_mark.py"])
def test_the_right_answers_pass(grade_lab_code, name):
    for seed in (0, 5):
        verdict = grade_lab_code(SLUG, source(SLUG, name), seed)
        assert verdict["status"] == "passed", (name, seed, verdict["checkpoints"])


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0
    assert checkpoint(verdict, "resources")["passed"]
    assert not checkpoint(verdict, "no-publish-in-place-order")["passed"]


def test_two_puts_leave_an_order_without_its_event(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/two_puts.py"))
    atomic = checkpoint(verdict, "atomic-commit")
    assert not atomic["passed"]
    assert "it left its order in orders. The order was written but its event was not: two separate writes are not atomic" in atomic["feedback"]


def test_marking_before_sending_loses_the_event_whose_send_failed(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/mark_before_publish.py"))
    published = checkpoint(verdict, "published-at-least-once")
    assert not published["passed"]
    assert "its outbox row says 'SENT', so it was marked before the send that failed" in published["feedback"]


def test_a_relay_that_forgets_tried_rows_leaves_them_pending(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/remembers_tried_rows.py"))
    assert "still PENDING: relay() must send every PENDING row each time it runs" in checkpoint(verdict, "published-at-least-once")["feedback"]
    assert not checkpoint(verdict, "outbox-drained")["passed"]


def test_a_new_event_id_per_send_is_named(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/new_event_id_per_send.py"))
    stable = checkpoint(verdict, "stable-event-id")
    assert not stable["passed"] and "but its outbox row's eventId is" in stable["feedback"]


def test_an_unconditional_put_overwrites_an_existing_order(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/no_condition.py"))
    refused = checkpoint(verdict, "duplicate-order-refused")
    assert not refused["passed"] and "place_order() returned normally" in refused["feedback"]
    assert "attribute_not_exists(orderId)" in refused["feedback"]


def test_publishing_in_place_order_is_the_dual_write(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/publish_then_write.py"))
    assert "Sending from place_order is the dual write" in checkpoint(verdict, "no-publish-in-place-order")["feedback"]
    assert "1 published event(s)" in checkpoint(verdict, "atomic-commit")["feedback"]


def test_sending_every_row_each_run_duplicates_events(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/relay_sends_every_row.py"))
    duplicates = checkpoint(verdict, "duplicates-only-from-crash")
    assert not duplicates["passed"] and duplicates["feedback"].startswith("Published more than once: ")


def test_a_setup_that_raises_is_reported(grade_lab_code):
    verdict = grade_lab_code(SLUG, "def setup():\n    raise RuntimeError('oops')\n")
    assert "setup() raised RuntimeError: oops" in checkpoint(verdict, "resources")["feedback"]
    assert verdict["score"] == 0.0
