"""EventBridge delivery to targets, as AWS documents it, where moto 5.2.5 differs.

- InputTransformer: placeholders are filled by position. Outside a JSON string
  a value is inserted as JSON (so a string is quoted for you, which is why
  `{"orderId": <orderId>}` is valid); inside a string literal its text is
  inserted, escaped; a path that matches nothing gives null (or nothing inside
  a string). Predefined aws.events.* variables work. moto pastes raw text and
  then fails to parse its own output.
- Input (constant JSON) and InputPath (part of the event) are honoured.
- A DISABLED rule delivers nothing.
- SNS targets are delivered (AWS supports them; moto raises NotImplementedError).
- A target that cannot receive (queue or topic gone, or a kind this emulator
  cannot run: Lambda, Kinesis, Step Functions, Firehose) no longer crashes
  PutEvents. As on AWS, the event was accepted (PutEvents reports it as an
  entry, not a failure): the delivery fails, and goes to the target's
  DeadLetterConfig queue if it has one, with AWS's ERROR_CODE, ERROR_MESSAGE,
  RETRY_ATTEMPTS, RULE_ARN and TARGET_ARN message attributes.
- A delivery that fails retryably (a fault the grader injected with
  run.faults.fail_delivery) is retried per the target's RetryPolicy on the
  emulator clock before it is dead-lettered (target_retries).
- A replayed event is delivered with its `replay-name` (events_replay).
- An SQS target, and a target's dead-letter queue, take the event only when
  their queue policy lets `events.amazonaws.com` in for this rule
  (sqs_queue_policy), and an SNS target only when the topic's access policy
  lets `events.amazonaws.com` publish (a topic's default policy does not):
  otherwise the delivery fails with NO_PERMISSIONS, is not retried, and goes
  to the dead-letter queue (if that one lets it in).
Other targets (logs, archives, other buses) still go through moto's own code.
"""

import copy
import json
import logging
import re
from datetime import datetime, timezone
from typing import Any

from moto.events.models import Rule, events_backends
from moto.utilities.arns import parse_arn

from grader import policy as policy_module
from grader.emulator import faults
from grader.emulator.moto_fixes import sqs_queue_policy, target_retries
from grader.emulator.moto_fixes.target_retries import DeliveryError
from grader.trace import possessive

logger = logging.getLogger(__name__)

PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
MISSING = object()
OWN_TARGETS = {"sqs", "sns"}


def _iso(value: Any) -> Any:
    if isinstance(value, (int, float)) or (isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value)):
        return datetime.fromtimestamp(float(value), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def envelope(event: dict) -> dict:
    """The event as EventBridge delivers it (moto's internal copy has extra keys);
    a replayed event also carries the replay's name, as on AWS."""
    delivered = {
        "version": "0",
        "id": event.get("id"),
        "detail-type": event.get("detail-type"),
        "source": event.get("source"),
        "account": event.get("account"),
        "time": _iso(event.get("time")),
        "region": event.get("region"),
        "resources": event.get("resources", []),
        "detail": event.get("detail", {}),
    }
    if event.get("replay-name"):
        delivered["replay-name"] = event["replay-name"]
    return delivered


def _json_path(event: dict, path: str) -> Any:
    from jsonpath_ng.ext import parse

    matches = parse(path).find(event)
    return matches[0].value if matches else MISSING


def _variables(rule: Rule, target: dict, event: dict) -> dict[str, Any]:
    delivered = envelope(event)
    transformer = target.get("InputTransformer") or {}
    values = {name: _json_path(delivered, path) for name, path in (transformer.get("InputPathsMap") or {}).items()}
    values.update(
        {
            "aws.events.rule-arn": rule.arn,
            "aws.events.rule-name": rule.name,
            "aws.events.event.json": delivered,
            "aws.events.event": {k: v for k, v in delivered.items() if k != "detail"},
            "aws.events.event.ingestion-time": _iso(event.get("ingestion-time", event.get("time"))),
        }
    )
    return values


def render_template(template: str, values: dict[str, Any]) -> str:
    """Fill <placeholders> the way EventBridge does (see the module docstring)."""
    is_json = template.lstrip()[:1] in ("{", "[", '"')
    out: list[str] = []
    in_string = escaped = False
    index = 0
    while index < len(template):
        char = template[index]
        match = PLACEHOLDER.match(template, index) if char == "<" else None
        if match and match.group(1) in values:
            value = values[match.group(1)]
            if not is_json:
                out.append("" if value is MISSING else value if isinstance(value, str) else json.dumps(value))
            elif in_string:
                if value is not MISSING and value is not None:
                    text = value if isinstance(value, str) else json.dumps(value)
                    out.append(json.dumps(text)[1:-1])
            else:
                out.append("null" if value is MISSING else json.dumps(value))
            index = match.end()
            continue
        if is_json:
            if escaped:
                escaped = False
            elif char == "\\" and in_string:
                escaped = True
            elif char == '"':
                in_string = not in_string
        out.append(char)
        index += 1
    return "".join(out)


def target_payload(rule: Rule, target: dict, event: dict) -> str:
    if target.get("Input") is not None:
        return target["Input"]
    if target.get("InputPath"):
        value = _json_path(envelope(event), target["InputPath"])
        return json.dumps(None if value is MISSING else value)
    transformer = target.get("InputTransformer")
    if transformer and transformer.get("InputTemplate"):
        return render_template(transformer["InputTemplate"], _variables(rule, target, event))
    return json.dumps(envelope(event))


def target_name(arn: str) -> str:
    return parse_arn(arn).resource_id.rsplit(":", 1)[-1]


def _as_delivery_error(error: Exception) -> DeliveryError:
    """What AWS would report for a failure the emulator met: a missing queue or
    topic is NO_RESOURCE, which is never retried."""
    if isinstance(error, DeliveryError):
        return error
    name = getattr(error, "code", None) or type(error).__name__
    message = str(getattr(error, "message", None) or error) or name
    if "NotFound" in name or "NonExistent" in name or "DoesNotExist" in name:
        return DeliveryError("NO_RESOURCE", message, retryable=False)
    return DeliveryError("SDK_CLIENT_ERROR", f"{name}: {message}", retryable=False)


def send_to_target(target_arn: str, payload: str, *, group_id: str | None = None, deduplication_id: str | None = None) -> None:
    """Deliver `payload` to an SQS queue or SNS topic as AWS's own services do
    (a rule's target, a schedule's target); a fault the grader injected on that
    resource fails it first. Raises DeliveryError."""
    arn = parse_arn(target_arn)
    fault = faults.current().target_fault(target_name(target_arn), payload)
    if fault is not None:
        faults.current().record("fail_delivery", arn.service, target_name(target_arn), fault.code)
        raise DeliveryError(fault.code, fault.message, retryable=fault.retryable)
    try:
        if arn.service == "sqs":
            from moto.sqs import sqs_backends

            backend = sqs_backends[arn.account][arn.region]
            queue = backend.get_queue(arn.resource_id)
            backend.send_message(
                arn.resource_id,
                payload,
                group_id=group_id,
                deduplication_id=deduplication_id if queue.fifo_queue else None,
                validate_group_id=False,
            )
        elif arn.service == "sns":
            from moto.sns import sns_backends

            sns_backends[arn.account][arn.region].publish(message=payload, arn=target_arn)
        else:
            raise DeliveryError("SDK_CLIENT_ERROR", f"this emulator cannot deliver to {arn.service} targets", retryable=False)
    except Exception as error:
        raise _as_delivery_error(error) from None


def topic_refusal(topic_arn: str, *, rule_arn: str) -> str | None:
    """Why EventBridge may not publish to this topic for this rule: its access
    policy must let `events.amazonaws.com` call sns:Publish (a topic's default
    policy lets only the owner account's principals in). None when it may, or
    when the topic does not exist (that is NO_RESOURCE)."""
    from moto.sns import sns_backends

    arn = parse_arn(topic_arn)
    topic = sns_backends[arn.account][arn.region].topics.get(topic_arn)
    if topic is None:
        return None
    request = policy_module.service_request(service="events", action="sns:Publish", resource=topic_arn, source_arn=rule_arn)
    decision = policy_module.decide(topic.policy, request)
    if decision.allowed:
        return None
    return f"{possessive(topic.name)} access policy does not let rule {rule_arn.rsplit('/', 1)[-1]} publish (sns:Publish as events.amazonaws.com): {decision.reason}"


def _deliver(rule: Rule, target: dict, payload: str, event: dict) -> None:
    service = parse_arn(target["Arn"]).service
    if service == "sqs":
        refusal = sqs_queue_policy.queue_refusal(target["Arn"], service="events", source_arn=rule.arn)
    else:
        refusal = topic_refusal(target["Arn"], rule_arn=rule.arn) if service == "sns" else None
    if refusal:
        raise DeliveryError("NO_PERMISSIONS", refusal, retryable=False)
    send_to_target(
        target["Arn"], payload,
        group_id=(target.get("SqsParameters") or {}).get("MessageGroupId"), deduplication_id=event.get("id"),
    )


def dead_letter_attributes(error: DeliveryError, retries: int, exhausted: str, **arns: str) -> dict:
    attributes = {"ERROR_CODE": error.code, "ERROR_MESSAGE": (error.message or error.code)[:256]}
    if exhausted:
        attributes["EXHAUSTED_RETRY_CONDITION"] = exhausted
    attributes["RETRY_ATTEMPTS"] = str(retries)
    attributes.update(arns)
    return {k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()}


def send_to_dead_letter_queue(dlq_arn: str | None, body: str, attributes: dict, *, rule_arn: str | None = None) -> None:
    """Send a failed event to its dead-letter queue. A rule's DLQ must let
    EventBridge in (its queue policy, as for the target); a schedule's is reached
    with the schedule's role, which the emulator does not judge (rule_arn None)."""
    if not dlq_arn:
        return
    refusal = rule_arn and sqs_queue_policy.queue_refusal(dlq_arn, service="events", source_arn=rule_arn)
    if refusal:
        logger.info("dead-letter queue %s refused the event: %s", dlq_arn, refusal)
        return
    from moto.sqs import sqs_backends

    arn = parse_arn(dlq_arn)
    try:
        sqs_backends[arn.account][arn.region].send_message(arn.resource_id, body, message_attributes=attributes)
    except Exception as dlq_error:  # a missing DLQ is dropped too, as on AWS
        logger.info("dead-letter queue %s could not receive: %r", dlq_arn, dlq_error)


def _dead_letter(rule: Rule, target: dict, event: dict, error: DeliveryError, retries: int = 0, exhausted: str = "") -> None:
    logger.info("EventBridge target %s of rule %s could not receive: %s", target.get("Arn"), rule.name, error.code)
    send_to_dead_letter_queue(
        (target.get("DeadLetterConfig") or {}).get("Arn"), json.dumps(envelope(event)),
        dead_letter_attributes(error, retries, exhausted, RULE_ARN=rule.arn, TARGET_ARN=target["Arn"]),
        rule_arn=rule.arn,
    )


def _attempt_failed(rule: Rule, target: dict, event: dict, error: DeliveryError, retries: int, next_step: str) -> None:
    """One delivery attempt failed (the trace hooks this)."""


def _send_to_targets(original):
    def send_to_targets(self: Rule, original_event: dict, transform_input: bool = True) -> None:
        if self.state == "DISABLED" or not self.event_pattern.matches_event(original_event):
            return
        for target in self.targets:
            event = copy.deepcopy(original_event)
            try:
                service = parse_arn(target["Arn"]).service
                if service in OWN_TARGETS:
                    payload = target_payload(self, target, event) if transform_input else json.dumps(envelope(event))
                else:
                    single = copy.copy(self)
                    single.targets = [target]
                    original(single, event, transform_input)
                    continue
            except Exception as error:  # delivery failures never reach the PutEvents caller
                _dead_letter(self, target, event, _as_delivery_error(error))
                continue
            delivery = target_retries.Delivery(
                deliver=lambda rule=self, target=target, payload=payload, event=event: _deliver(rule, target, payload, event),
                dead_letter=lambda error, retries, exhausted, rule=self, target=target, event=event: _dead_letter(rule, target, event, error, retries, exhausted),
                failed=lambda error, retries, next_step, rule=self, target=target, event=event: _attempt_failed(rule, target, event, error, retries, next_step),
            )
            target_retries.start(events_backends[self.account_id][self.region_name], delivery, target.get("RetryPolicy"))

    send_to_targets._redrive_fix = True
    return send_to_targets


def apply() -> None:
    if not getattr(Rule.send_to_targets, "_redrive_fix", False):
        Rule.send_to_targets = _send_to_targets(Rule.send_to_targets)
    target_retries.register(lambda: target_retries.all_backends(events_backends))
