"""SNS and EventBridge deliver to an SQS queue only when the queue lets them, as on AWS.

moto 5.2.5 writes every SNS message into every subscribed queue, whatever the
queue's policy says. On AWS, SNS sends to the queue as the service principal
`sns.amazonaws.com`, over HTTPS, with the topic as `aws:SourceArn`, and SQS
judges that request by the queue's policy: an explicit Deny wins, then an
Allow is needed; a queue without a policy lets no topic in. A refused
delivery is dropped (SNS retries it, then gives up; the publisher is never
told). The same holds for the queue's encryption: a queue encrypted with the
AWS managed key `alias/aws/sqs` cannot take SNS deliveries (that key's
policy only trusts principals of the account, and cannot be edited), and a
customer managed key must let `sns.amazonaws.com` call
`kms:GenerateDataKey` and `kms:Decrypt`.

Also, for the Policy attribute itself: one that is not a JSON object is
refused with InvalidAttributeValue, as AWS does (moto raised a
JSONDecodeError, an HTTP 500); and SetQueueAttributes without a Policy keeps
the queue's policy (moto wiped it: setting SqsManagedSseEnabled after the
policy left the queue with none).

EventBridge is judged the same way, as `events.amazonaws.com` with the rule as
`aws:SourceArn`, for a rule's SQS target and for the target's dead-letter
queue (events_delivery asks `queue_refusal`): a refused target delivery is
NO_PERMISSIONS, not retried, and goes to the dead-letter queue if that queue
lets EventBridge in; otherwise the event is dropped. (EventBridge Scheduler
sends with the schedule's execution role instead, which this emulator does not
judge.)

The policy is judged by grader.policy (the grader's run.policy_decision uses
the same code). `delivery_refusal(subscription)` says why a delivery would be
dropped; the trace hook (trace_hooks/sns.py) asks it too, to record the
refusal with its reason.

Not emulated: the learner's own calls are never checked against the queue
policy (within one account, an identity with IAM permission needs no resource
policy; and this emulator is reached over plain HTTP, so a TLS-only Deny
would refuse every call).
"""

import json
import logging

from moto.sns.models import Subscription
from moto.sqs.exceptions import InvalidAttributeValue
from moto.sqs.models import SQSBackend

from grader import policy as policy_module
from grader.trace import possessive

logger = logging.getLogger(__name__)

AWS_MANAGED_SQS_KEY = "alias/aws/sqs"


def _queue_at(arn: str):
    """The moto queue at this ARN, or None when it does not exist."""
    from moto.sqs.models import sqs_backends

    parts = arn.split(":")
    if len(parts) != 6:
        return None
    try:
        return sqs_backends[parts[4]][parts[3]].queues.get(parts[5])
    except KeyError:
        return None


def _source_label(source_arn: str) -> str:
    """"topic orders" or "rule eu-orders", for messages."""
    parts = source_arn.split(":")
    if parts[2:3] == ["events"]:
        return "rule " + parts[-1].rsplit("/", 1)[-1]
    return "topic " + parts[-1]


def _key_refusal(queue, *, service: str, source_arn: str) -> str | None:
    key_id = getattr(queue, "kms_master_key_id", None)
    if not key_id:
        return None
    principal = f"{service}.amazonaws.com"
    if key_id == AWS_MANAGED_SQS_KEY or key_id.endswith(":" + AWS_MANAGED_SQS_KEY):
        return (
            f"{queue.name} is encrypted with the AWS managed key {AWS_MANAGED_SQS_KEY}, whose key policy cannot "
            f"let {principal} use it: use SSE-SQS or a customer managed key that allows {principal}"
        )
    from moto.kms.models import kms_backends

    try:
        backend = kms_backends[queue.account_id][queue.region]
        key = backend.keys[backend.any_id_to_key_id(key_id)]
    except Exception:  # noqa: BLE001 - any failure to find the key is "no such key"
        return f"{possessive(queue.name)} KMS key {key_id} does not exist, so {principal} cannot encrypt the message for it"
    if getattr(key, "key_state", "Enabled") != "Enabled":
        return f"{possessive(queue.name)} KMS key {key_id} is {str(key.key_state).lower()}"
    for action in ("kms:GenerateDataKey", "kms:Decrypt"):
        request = policy_module.service_request(service=service, action=action, resource=key.arn, source_arn=source_arn)
        decision = policy_module.decide(key.policy, request)
        if not decision.allowed:
            return f"{possessive(queue.name)} KMS key policy does not let {principal} call {action}: {decision.reason}"
    return None


def queue_refusal(queue_arn: str, *, service: str, source_arn: str) -> str | None:
    """Why the AWS service `service` ("sns", "events") may not send to this queue
    on behalf of `source_arn` (a topic, a rule), or None when it may (or when the
    queue does not exist: the caller reports that its own way)."""
    queue = _queue_at(queue_arn)
    if queue is None:
        return None
    request = policy_module.service_request(service=service, action="sqs:SendMessage", resource=queue_arn, source_arn=source_arn)
    decision = policy_module.decide(queue.policy, request)
    if not decision.allowed:
        source = _source_label(source_arn)
        if decision.effect != policy_module.DENY and queue.policy is None:
            why = f"it has no queue policy, and without one no {source.split()[0]} may send to it"
        else:
            why = decision.reason
        return f"{possessive(queue.name)} queue policy does not let {source} send (sqs:SendMessage as {service}.amazonaws.com): {why}"
    return _key_refusal(queue, service=service, source_arn=source_arn)


def delivery_refusal(subscription: Subscription) -> str | None:
    """Why SNS may not deliver to this subscription's queue, or None when it may
    (or when the subscription is not an existing SQS queue: moto decides those)."""
    if subscription.protocol != "sqs":
        return None
    return queue_refusal(subscription.endpoint, service="sns", source_arn=subscription.topic.arn)


def _gated_publish(original):
    def publish(self: Subscription, message: str, message_id: str, *args, **kwargs):
        matcher = self._filter_policy_matcher
        message_attributes = kwargs.get("message_attributes", args[1] if len(args) > 1 else None)
        if matcher is not None and not matcher.matches(message_attributes, message):
            return original(self, message, message_id, *args, **kwargs)  # filtered out: moto drops it
        refusal = delivery_refusal(self)
        if refusal:
            logger.info("SNS delivery to %s refused: %s", self.endpoint, refusal)
            return None
        return original(self, message, message_id, *args, **kwargs)

    publish._redrive_queue_policy = True
    return publish


def _check_policy_attribute(raw) -> None:
    """A Policy must be a JSON object (AWS: InvalidAttributeValue)."""
    if not raw:
        return
    try:
        document = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise InvalidAttributeValue("Policy") from None
    if not isinstance(document, dict):
        raise InvalidAttributeValue("Policy")


def _validated_set(original):
    def set_queue_attributes(self: SQSBackend, queue_name: str, attributes: dict, *args, **kwargs):
        _check_policy_attribute((attributes or {}).get("Policy"))
        if "Policy" in (attributes or {}):
            return original(self, queue_name, attributes, *args, **kwargs)
        # moto rewrites the policy from the attributes given, wiping it when Policy is not among them.
        kept = self.get_queue(queue_name)._policy_json
        queue = original(self, queue_name, attributes, *args, **kwargs)
        queue._policy_json = kept
        return queue

    set_queue_attributes._redrive_queue_policy = True
    return set_queue_attributes


def _validated_create(original):
    def create_queue(self: SQSBackend, name: str, *args, **kwargs):
        _check_policy_attribute(kwargs.get("Policy"))
        return original(self, name, *args, **kwargs)

    create_queue._redrive_queue_policy = True
    return create_queue


def apply() -> None:
    for owner, attribute, wrapper in (
        (Subscription, "publish", _gated_publish),
        (SQSBackend, "set_queue_attributes", _validated_set),
        (SQSBackend, "create_queue", _validated_create),
    ):
        if not getattr(getattr(owner, attribute), "_redrive_queue_policy", False):
            setattr(owner, attribute, wrapper(getattr(owner, attribute)))
