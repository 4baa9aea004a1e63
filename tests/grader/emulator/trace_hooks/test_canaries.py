"""The moto internals each trace hook relies on, as moto 5.2.5 has them.

Not expected failures (the hooks fix nothing): plain checks that fail, naming
the hook, when a moto upgrade moves what the hook wraps or reads."""

import inspect

import pytest

from grader.emulator import trace_hooks


def moto_original(function):
    """Through our wrappers (the trace's set __wrapped__; moto_fixes' keep it in their closure) to moto's own function."""
    while True:
        if hasattr(function, "__wrapped__"):
            function = function.__wrapped__
            continue
        cells = [cell.cell_contents for cell in function.__closure__ or ()]
        inner = [c for c in cells if callable(c) and getattr(c, "__name__", None) == function.__name__]
        if not inner:
            return function
        function = inner[0]


def params(function) -> list[str]:
    original = moto_original(function)
    assert original.__module__.startswith(("moto.", "grader.emulator.moto_fixes")), original.__module__
    return list(inspect.signature(original).parameters)


@pytest.fixture(autouse=True)
def hooked():
    trace_hooks.apply()


def test_sqs_hook_internals():
    from moto.sqs.models import Message, Queue, SQSBackend

    from grader.emulator.moto_fixes import sqs_move_tasks

    assert params(SQSBackend.send_message)[:3] == ["self", "queue_name", "message_body"], "trace_hooks/sqs.py: send_message"
    assert params(SQSBackend.receive_message)[:2] == ["self", "queue_name"], "trace_hooks/sqs.py: receive_message"
    assert params(SQSBackend.delete_message) == ["self", "queue_name", "receipt_handle"], "trace_hooks/sqs.py: delete_message"
    assert params(SQSBackend.change_message_visibility) == ["self", "queue_name", "receipt_handle", "visibility_timeout"]
    assert params(sqs_move_tasks._move_one) == ["task", "dlq", "message", "fallback_arn"], "trace_hooks/sqs.py: _move_one"
    from grader.emulator.moto_fixes import events_delivery

    assert params(events_delivery._dead_letter) == ["rule", "target", "event", "error", "retries", "exhausted"], "trace_hooks/events.py: _dead_letter"
    assert params(events_delivery._attempt_failed) == ["rule", "target", "event", "error", "retries", "next_step"], "trace_hooks/events.py: _attempt_failed"
    assert params(events_delivery._deliver) == ["rule", "target", "payload", "event"], "trace_hooks/events.py: _deliver"
    message = Message("m-1", "body")
    assert message.id == "m-1" and message.approximate_receive_count == 0 and callable(message.had_receipt_handle)
    queue = Queue("canary", "us-east-1", "123456789012")
    assert isinstance(queue._messages, list) and queue.dead_letter_queue is None and hasattr(queue, "redrive_policy")


def test_sns_hook_internals():
    from moto.sns.models import Subscription, Topic
    from moto.sns.utils import FilterPolicyMatcher

    assert params(Topic.publish)[:4] == ["self", "message", "subject", "message_attributes"], "trace_hooks/sns.py: Topic.publish"
    assert params(Subscription.publish)[:3] == ["self", "message", "message_id"], "trace_hooks/sns.py: Subscription.publish"
    assert "message_attributes" in params(Subscription.publish)
    assert "_filter_policy_matcher" in inspect.getsource(Subscription.__init__)
    matcher = FilterPolicyMatcher({"a": ["b"]}, None)
    assert (matcher.filter_policy, matcher.filter_policy_scope) == ({"a": ["b"]}, "MessageAttributes")
    assert FilterPolicyMatcher._field_match("a", ["b"], {"a": {"Type": "String", "Value": "b"}})
    assert FilterPolicyMatcher._attributes_based_match({}, {}) is True


def test_events_hook_internals():
    from moto.events.models import UNDEFINED, EventPattern, EventsBackend, Rule

    assert params(Rule.send_to_targets)[:2] == ["self", "original_event"], "trace_hooks/events.py: Rule.send_to_targets"
    assert params(EventsBackend.put_events) == ["self", "events"], "trace_hooks/events.py: put_events"
    pattern = EventPattern.load('{"detail": {"n": [1]}}')
    flat = EventPattern._flatten_dict({"detail": {"n": 1}})
    assert flat == {"detail.n": 1} and pattern.get_pattern() == {"detail": {"n": [1]}}
    assert pattern._does_event_match(flat, pattern.get_pattern()) and pattern._does_item_match_filters(UNDEFINED, [{"exists": False}])


def test_kinesis_hook_internals():
    from moto.kinesis.models import KinesisBackend, Stream
    from moto.kinesis.utils import compose_shard_iterator, decompose_shard_iterator

    assert params(Stream.put_record) == ["self", "partition_key", "explicit_hash_key", "data"], "trace_hooks/kinesis.py: put_record"
    assert params(KinesisBackend.get_records) == ["self", "stream_arn", "shard_iterator", "limit"], "trace_hooks/kinesis.py: get_records"
    assert callable(compose_shard_iterator) and callable(decompose_shard_iterator)
