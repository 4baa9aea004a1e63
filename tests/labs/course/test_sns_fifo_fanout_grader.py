from pathlib import Path

import pytest

from tests.labs.course.conftest import LABS_DIR, checkpoint, source

SLUG = "sns-fifo-fanout"
WRONG = sorted(p.name for p in (LABS_DIR / SLUG / "wrong").glob("*.py"))


@pytest.mark.parametrize("seed", [0, 7, 19])
def test_the_solution_scores_full_marks_and_the_retries_stop_at_the_topic(grade_lab_code, seed):
    verdict = grade_lab_code(SLUG, source(SLUG, "solution.py"), seed)
    assert verdict["status"] == "passed", verdict["checkpoints"]
    assert {e["outcome"] for e in verdict["trace"]} == {"ok"}
    retries = [e for e in verdict["trace"] if e["label"].startswith("retry of ")]
    assert retries and all([h["action"] for h in e["hops"]] == ["published", "deduplicated"] for e in retries)


@pytest.mark.parametrize("name", ["publish_batch.py", "content_based_on_with_explicit_ids.py"])
def test_each_right_answer_scores_full_marks(grade_lab_code, name):
    verdict = grade_lab_code(SLUG, source(SLUG, f"right/{name}"), 3)
    assert verdict["status"] == "passed", verdict["checkpoints"]


def test_the_starter_runs_and_scores_below_full(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "starter.py"))
    assert verdict["status"] == "failed" and verdict["score"] < 1.0
    assert "There is a standard topic order-events" in checkpoint(verdict, "topic")["feedback"]


@pytest.mark.parametrize("name", WRONG)
def test_each_wrong_answer_fails_the_checkpoint_it_names(grade_lab_code, name):
    code = source(SLUG, f"wrong/{name}")
    named = code.splitlines()[1].removeprefix("# fails: ").strip()
    verdict = grade_lab_code(SLUG, code, 5)
    assert not checkpoint(verdict, named)["passed"], verdict["checkpoints"]


def test_one_group_for_everything_is_told_it_serialises_every_order(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/one_group.py"))
    parallel = checkpoint(verdict, "parallel")
    assert "9 of 9 waited" in parallel["feedback"] and "Every message had MessageGroupId 'orders'" in parallel["feedback"]
    assert checkpoint(verdict, "order")["passed"] and checkpoint(verdict, "exactly-once")["passed"]


def test_grouping_by_customer_names_the_order_that_waited_for_its_sibling(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/group_by_customer.py"))
    assert "o-7890 belongs to the same customer (c-75) as o-7311, and shared its group 'c-75'" in checkpoint(verdict, "parallel")["feedback"]


def test_content_based_deduplication_loses_the_second_of_two_identical_events(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/content_based.py"))
    feedback = checkpoint(verdict, "exactly-once")["feedback"]
    assert "billing.fifo got only one of the two events o-1663 item-added beans-250 (different events, the same body)" in feedback
    assert "Use eventId." in feedback


def test_a_random_deduplication_id_lets_the_retry_through_to_both_queues(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/random_dedup.py"))
    feedback = checkpoint(verdict, "exactly-once")["feedback"]
    assert "billing.fifo got o-7311 paid twice" in feedback and "shipping.fifo got o-7311 paid twice" in feedback
    bad = [e for e in verdict["trace"] if e["label"] == "retry of o-7311 paid"]
    assert bad and bad[0]["outcome"] == "bad"


def test_a_group_per_event_lets_later_events_overtake_the_held_one(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/group_per_event.py"))
    assert "in billing.fifo, o-7311 went item-added \u2192 paid \u2192 created" in checkpoint(verdict, "order")["feedback"]


def test_wrapped_deliveries_fail_only_raw(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/raw_off.py"))
    assert [c["id"] for c in verdict["checkpoints"] if not c["passed"]] == ["raw"]


def test_variants_keep_their_near_misses():
    namespace = {}
    exec((Path(LABS_DIR) / SLUG / "variants.py").read_text(), namespace)
    for seed in range(20):
        inputs = namespace["variants"](seed)
        events = inputs["events"]
        assert events[0]["orderId"] == inputs["held_order"]
        held = [e for e in events if e["orderId"] == inputs["held_order"]]
        assert len(held) >= 2 and events.index(held[-1]) in inputs["retried"]
        sibling = [e for e in events if e["orderId"] == inputs["sibling_order"]]
        assert sibling and sibling[0]["customerId"] == held[0]["customerId"]
        messages = [e["message"] for e in events]
        twins = [m for m in messages if messages.count(m) == 2]
        assert len(twins) == 2 and any(events[i]["message"] == twins[0] for i in inputs["retried"])
        assert len({e["eventId"] for e in events}) == len(events)


def test_queues_without_a_policy_get_nothing_and_are_told_why(grade_lab_code):
    verdict = grade_lab_code(SLUG, source(SLUG, "wrong/no_queue_policy.py"))
    feedback = checkpoint(verdict, "queue-policy")["feedback"]
    assert "billing.fifo has no queue policy letting order-events.fifo send, so SNS dropped every message" in feedback
    assert "shipping.fifo has no queue policy letting order-events.fifo send" in feedback
    assert checkpoint(verdict, "subscriptions")["passed"]
    assert "billing.fifo got none of them (its queue policy does not let the topic send)" in checkpoint(verdict, "exactly-once")["feedback"]
    hops = {h["action"] for e in verdict["trace"] for h in e["hops"]}
    assert "undeliverable" in hops


def test_a_policy_without_a_source_arn_condition_is_told_it_lets_any_topic_in(grade_lab_code):
    code = source(SLUG, "solution.py").replace(
        '"Condition": {"ArnEquals": {"aws:SourceArn": topic}},', ""
    )
    assert code != source(SLUG, "solution.py")
    verdict = grade_lab_code(SLUG, code)
    assert [c["id"] for c in verdict["checkpoints"] if not c["passed"]] == ["queue-policy"]
    assert "billing.fifo's policy lets any topic send, not only order-events.fifo" in checkpoint(verdict, "queue-policy")["feedback"]
