"""SNS FIFO topics as AWS documents them, where moto 5.2.5 leaves it to the queues.

AWS (SNS developer guide, "Message deduplication for FIFO topics" and
"Message delivery for FIFO topics"; API reference of Publish and PublishBatch):

- **Deduplication on the topic.** A message published with a deduplication id
  the topic accepted in the last 5 minutes is accepted and not delivered to any
  subscription; the topic keeps tracking the id after the first copy was
  delivered. The scope is the whole topic, or each message group when the
  topic's FifoThroughputScope is MessageGroup. moto only passed the id on to
  each queue: a standard queue got every copy, and moto's FIFO queue forgets
  an id once its message is deleted, so a publisher's retry a minute later
  reached every subscriber twice. A dropped publish answers with the first
  copy's MessageId and SequenceNumber, as SQS answers a duplicate send.
- **Content-based deduplication.** With ContentBasedDeduplication on and no
  MessageDeduplicationId, SNS uses a SHA-256 hash of the body (not the
  attributes) as the id, and that id is what subscribed FIFO queues get. moto
  passed no id, so Publish failed with the *queue's* error ("The queue should
  either have ContentBasedDeduplication enabled...") unless every subscribed
  queue had content-based deduplication itself.
- **Sequence numbers.** Publish and each successful PublishBatch entry answer
  with a SequenceNumber for a FIFO topic (a large, non-consecutive number that
  increases within each message group; here: across the whole topic, which
  implies it); the JSON envelope of a non-raw delivery carries it too, and a
  FIFO topic's envelope is not signed (no Signature, SignatureVersion or
  SigningCertURL). moto answered without one and signed the envelope.
- **Standard queues** may subscribe to a FIFO topic and get best-effort
  ordering without the group or deduplication id; moto passed both on.
- GetTopicAttributes reports FifoThroughputScope (Topic unless set) for a FIFO
  topic.

Hooked: Topic.publish (every publish, PublishBatch and EventBridge targets
included), Subscription.publish and get_post_data, SNSResponse.publish and
get_topic_attributes, SNSBackend.publish_batch. Time is moto's (the emulator
clock), so `run.advance(301)` ends a deduplication interval.
"""

import hashlib
import threading
from dataclasses import dataclass, field

import moto.core.utils as moto_utils
from moto.sns.models import SNSBackend, Subscription, Topic
from moto.sns.responses import SNSResponse

DEDUPLICATION_INTERVAL_S = 300
_FIRST_SEQUENCE = 10**19  # 20 digits, like AWS's
_SEQUENCE_STEP = 4096  # non-consecutive, as AWS's are
_REMEMBERED = 2000  # sequence numbers kept per topic for the API answers

_thread = threading.local()


def is_true(value) -> bool:
    return value is True or str(value).lower() == "true"


@dataclass
class _Seen:
    expires_at: float
    message_id: str
    sequence_number: str


@dataclass
class FifoState:
    """What one FIFO topic remembers: the ids it accepted, and its sequence."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    seen: dict = field(default_factory=dict)  # (group or None, deduplication id) -> _Seen
    sequence_of: dict = field(default_factory=dict)  # message id -> sequence number
    counter: int = 0

    def next_sequence(self) -> str:
        self.counter += 1
        return str(_FIRST_SEQUENCE + self.counter * _SEQUENCE_STEP)

    def forget_expired(self, now: float) -> None:
        for key in [k for k, s in self.seen.items() if s.expires_at <= now]:
            del self.seen[key]

    def remember(self, message_id: str, sequence_number: str) -> None:
        self.sequence_of[message_id] = sequence_number
        while len(self.sequence_of) > _REMEMBERED:
            del self.sequence_of[next(iter(self.sequence_of))]


def state_of(topic: Topic) -> FifoState:
    state = topic.__dict__.get("_redrive_fifo")
    if state is None:
        state = topic.__dict__.setdefault("_redrive_fifo", FifoState())
    return state


def deduplication_id_for(topic: Topic, message: str, given: str | None) -> str | None:
    if given:
        return given
    if is_true(getattr(topic, "content_based_deduplication", False)):
        return hashlib.sha256(message.encode("utf-8")).hexdigest()
    return None


def last_publish_dropped() -> str | None:
    """The deduplication id of this thread's last Topic.publish if it was dropped
    as a duplicate, else None (for the trace: the publish reached the topic only)."""
    return getattr(_thread, "dropped", None)


def _topic_publish(original):
    def publish(self: Topic, message: str, subject=None, message_attributes=None, group_id=None,
                deduplication_id=None, message_structure=None):
        deduplication = deduplication_id
        _thread.dropped = None
        if not is_true(self.fifo_topic):
            return original(self, message, subject, message_attributes, group_id, deduplication, message_structure)
        state = state_of(self)
        deduplication = deduplication_id_for(self, message, deduplication)
        scope_group = group_id if str(getattr(self, "fifo_throughput_scope", "Topic")) == "MessageGroup" else None
        with state.lock:  # one publish at a time per topic: sequence order is delivery order
            now = moto_utils.unix_time()
            state.forget_expired(now)
            key = (scope_group, deduplication)
            seen = state.seen.get(key) if deduplication else None
            if seen is not None:
                _thread.dropped = deduplication
                return seen.message_id
            sequence_number = state.next_sequence()
            _thread.sequence_number = sequence_number
            try:
                message_id = original(self, message, subject, message_attributes, group_id, deduplication, message_structure)
            finally:
                _thread.sequence_number = None
            if deduplication:
                state.seen[key] = _Seen(now + DEDUPLICATION_INTERVAL_S, message_id, sequence_number)
            state.remember(message_id, sequence_number)
            return message_id

    publish._redrive_sns_fifo = True
    return publish


def _subscription_publish(original):
    """A standard queue subscribed to a FIFO topic gets neither the group nor the deduplication id."""

    def publish(self: Subscription, *args, **kwargs):
        if self.protocol == "sqs" and not self.endpoint.endswith(".fifo"):
            kwargs["group_id"] = None
            kwargs["deduplication_id"] = None
        return original(self, *args, **kwargs)

    publish._redrive_sns_fifo = True
    return publish


def _get_post_data(original):
    def get_post_data(self: Subscription, message: str, message_id: str, subject=None, message_attributes=None):
        if not is_true(self.topic.fifo_topic):
            return original(self, message, message_id, subject, message_attributes)
        sequence_number = getattr(_thread, "sequence_number", None) or state_of(self.topic).sequence_of.get(message_id, "")
        region = self.topic.sns_backend.region_name
        post_data = {
            "Type": "Notification",
            "MessageId": message_id,
            "SequenceNumber": sequence_number,
            "TopicArn": self.topic.arn,
            "Message": message,
            "Timestamp": moto_utils.iso_8601_datetime_with_milliseconds(),
            "UnsubscribeURL": f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={self.arn}",
        }
        if subject:
            post_data["Subject"] = subject
        if message_attributes:
            post_data["MessageAttributes"] = message_attributes
        return post_data

    get_post_data._redrive_sns_fifo = True
    return get_post_data


def _fifo_topic(backend: SNSBackend, arn: str | None) -> Topic | None:
    topic = backend.topics.get(arn or "")
    return topic if topic is not None and is_true(topic.fifo_topic) else None


def _response_publish(original):
    def publish(self: SNSResponse):
        result = original(self)
        topic = _fifo_topic(self.backend, self._get_param("TopicArn") or self._get_param("TargetArn"))
        if topic is not None and isinstance(result.result, dict):
            sequence_number = state_of(topic).sequence_of.get(result.result.get("MessageId"))
            if sequence_number:
                result.result["SequenceNumber"] = sequence_number
        return result

    publish._redrive_sns_fifo = True
    return publish


def _publish_batch(original):
    def publish_batch(self: SNSBackend, topic_arn: str, publish_batch_request_entries):
        successful, failed = original(self, topic_arn, publish_batch_request_entries)
        topic = _fifo_topic(self, topic_arn)
        if topic is not None:
            sequence_of = state_of(topic).sequence_of
            for entry in successful:
                if entry.get("MessageId") in sequence_of:
                    entry["SequenceNumber"] = sequence_of[entry["MessageId"]]
        return successful, failed

    publish_batch._redrive_sns_fifo = True
    return publish_batch


def _get_topic_attributes(original):
    def get_topic_attributes(self: SNSResponse):
        result = original(self)
        topic = _fifo_topic(self.backend, self._get_param("TopicArn"))
        if topic is not None and isinstance(result.result, dict):
            result.result["Attributes"]["FifoThroughputScope"] = str(getattr(topic, "fifo_throughput_scope", "Topic"))
        return result

    get_topic_attributes._redrive_sns_fifo = True
    return get_topic_attributes


def apply() -> None:
    for owner, attribute, wrapper in (
        (Topic, "publish", _topic_publish),
        (Subscription, "publish", _subscription_publish),
        (Subscription, "get_post_data", _get_post_data),
        (SNSResponse, "publish", _response_publish),
        (SNSResponse, "get_topic_attributes", _get_topic_attributes),
        (SNSBackend, "publish_batch", _publish_batch),
    ):
        if not getattr(getattr(owner, attribute), "_redrive_sns_fifo", False):
            setattr(owner, attribute, wrapper(getattr(owner, attribute)))
