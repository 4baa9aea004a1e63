"""SNS: published to a topic, then per subscription delivered (the copy it
makes in a queue joins the published message) or filtered out, with the
clause of the filter policy that failed and the value the message had.

Hooked: Topic.publish (every publish: the API, PublishBatch, EventBridge
targets; a FIFO topic's duplicate is recorded as deduplicated at the topic,
see moto_fixes/sns_fifo) and Subscription.publish (one subscription's delivery, which moto
decides with `_filter_policy_matcher`), refused by the queue's policy or key
(moto_fixes.sqs_queue_policy's reason) or delivered.
"""

import uuid

from moto.sns.models import Subscription, Topic

from grader import trace
from grader.emulator.moto_fixes import sns_fifo
from grader.emulator.trace_hooks._util import recorder, recording, wrap
from grader.emulator.trace_hooks.clauses import explain_sns
from grader.trace import DEDUPLICATED, DELIVERED, FILTERED_OUT, PUBLISHED, UNDELIVERABLE, Hop


def _attributes_text(message_attributes: dict | None) -> str:
    parts = []
    for name, value in (message_attributes or {}).items():
        shown = value.get("Value") if isinstance(value, dict) else value
        parts.append(f"{name}={shown}")
    return ", ".join(parts)


@recording("sns publish")
def _published(rec, topic: Topic, message: str, message_attributes: dict | None):
    placeholder = f"sns-pending-{uuid.uuid4()}"
    attributes = _attributes_text(message_attributes)
    entry = rec.arrived(placeholder, action=PUBLISHED, resource=topic.name, kind="topic", body=message,
                        detail=f"attributes {attributes}" if attributes else "")
    return placeholder, entry


@recording("sns deduplicated")
def _deduplicated(rec, entry, topic: Topic, deduplication_id: str) -> None:
    if entry is None:
        return
    shown = deduplication_id if len(deduplication_id) <= 24 else deduplication_id[:12] + "\u2026 (a hash of the body: content-based deduplication)"
    rec.hop_on(entry, Hop(DEDUPLICATED, topic.name, kind="topic", by=trace.AWS,
                          detail=f"a message with deduplication id {shown} was published less than 5 minutes before"))


def _topic_publish(original):
    def publish(self: Topic, message: str, subject=None, message_attributes=None, *args, **kwargs):
        rec = recorder()
        if rec is None:
            return original(self, message, subject, message_attributes, *args, **kwargs)
        placeholder, entry = _published(rec, self, message, message_attributes) or (None, None)
        with rec.caused_by(None, DELIVERED, f"topic:{self.name}", entry=entry):
            message_id = original(self, message, subject, message_attributes, *args, **kwargs)
        dropped = sns_fifo.last_publish_dropped()
        if dropped is not None:
            # The id names the first copy's entry: this publish keeps its own.
            _deduplicated(rec, entry, self, dropped)
        elif placeholder:
            rec.alias(placeholder, message_id)
        return message_id

    return publish


def _endpoint_name(subscription: Subscription) -> tuple[str, str]:
    name = subscription.endpoint.rsplit(":", 1)[-1]
    kind = {"sqs": "queue", "lambda": "function"}.get(subscription.protocol, "service")
    return name, kind


@recording("sns filter")
def _filtered_out(rec, subscription: Subscription, cause, message: str, message_attributes: dict | None) -> bool:
    """Record and return True when the subscription's filter policy turns the message away."""
    matcher = subscription._filter_policy_matcher
    if matcher is None or matcher.matches(message_attributes, message):
        return False
    clause, value = explain_sns(matcher.filter_policy, matcher.filter_policy_scope, message_attributes, message)
    name, kind = _endpoint_name(subscription)
    rec.hop_on(cause.entry, Hop(FILTERED_OUT, name, kind=kind, source=f"topic:{subscription.topic.name}", by=trace.AWS,
                                clause=clause, seen=value, detail=f"{trace.possessive(name)} filter policy wanted {clause}; this message had {value}"))
    return True


@recording("sns undeliverable")
def _undeliverable(rec, subscription: Subscription, cause) -> None:
    """A queue that is gone cannot take the message (AWS retries, then drops it; the publisher never knows)."""
    if subscription.protocol != "sqs":
        return
    from moto.sqs import sqs_backends

    parts = subscription.endpoint.split(":")
    if len(parts) == 6 and parts[5] not in sqs_backends[parts[4]][parts[3]].queues:
        rec.hop_on(cause.entry, Hop(UNDELIVERABLE, parts[5], kind="queue", source=f"topic:{subscription.topic.name}",
                                    by=trace.AWS, detail="the subscribed queue does not exist"))


@recording("sns refused by queue policy")
def _refused(rec, subscription: Subscription, cause) -> bool:
    """Record and return True when the queue's policy or key keeps SNS out (moto_fixes.sqs_queue_policy drops it)."""
    from grader.emulator.moto_fixes.sqs_queue_policy import delivery_refusal

    reason = delivery_refusal(subscription)
    if not reason:
        return False
    name, kind = _endpoint_name(subscription)
    rec.hop_on(cause.entry, Hop(UNDELIVERABLE, name, kind=kind, source=f"topic:{subscription.topic.name}", by=trace.AWS, detail=reason))
    return True


def _subscription_publish(original):
    def publish(self: Subscription, message: str, message_id: str, *args, **kwargs):
        rec = recorder()
        cause = rec.cause() if rec is not None else None
        if cause is None:
            return original(self, message, message_id, *args, **kwargs)
        message_attributes = kwargs.get("message_attributes", args[1] if len(args) > 1 else None)
        if _filtered_out(rec, self, cause, message, message_attributes):
            return original(self, message, message_id, *args, **kwargs)
        _undeliverable(rec, self, cause)
        if _refused(rec, self, cause):
            return original(self, message, message_id, *args, **kwargs)
        raw = str(self.attributes.get("RawMessageDelivery", "")).lower() == "true"
        with rec.caused_by(None, DELIVERED, cause.source, entry=cause.entry,
                           detail="the raw message" if raw or self.protocol != "sqs" else "wrapped in SNS's JSON envelope"):
            return original(self, message, message_id, *args, **kwargs)

    return publish


def apply() -> None:
    wrap(Topic, "publish", _topic_publish)
    wrap(Subscription, "publish", _subscription_publish)
