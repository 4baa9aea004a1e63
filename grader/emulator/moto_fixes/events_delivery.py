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
  RULE_ARN and TARGET_ARN message attributes.
Other targets (logs, archives, other buses) still go through moto's own code.
"""

import copy
import json
import logging
import re
from datetime import datetime, timezone
from typing import Any

from moto.events.models import Rule
from moto.utilities.arns import parse_arn

logger = logging.getLogger(__name__)

PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
MISSING = object()
OWN_TARGETS = {"sqs", "sns"}


def _iso(value: Any) -> Any:
    if isinstance(value, (int, float)) or (isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value)):
        return datetime.fromtimestamp(float(value), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def envelope(event: dict) -> dict:
    """The event as EventBridge delivers it (moto's internal copy has extra keys)."""
    return {
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


def _deliver(rule: Rule, target: dict, payload: str, event: dict) -> None:
    arn = parse_arn(target["Arn"])
    if arn.service == "sqs":
        from moto.sqs import sqs_backends

        backend = sqs_backends[arn.account][arn.region]
        queue = backend.get_queue(arn.resource_id)
        group_id = (target.get("SqsParameters") or {}).get("MessageGroupId")
        backend.send_message(
            arn.resource_id,
            payload,
            group_id=group_id,
            deduplication_id=event.get("id") if queue.fifo_queue else None,
            validate_group_id=False,
        )
    elif arn.service == "sns":
        from moto.sns import sns_backends

        sns_backends[arn.account][arn.region].publish(message=payload, arn=target["Arn"])


def _dead_letter(rule: Rule, target: dict, event: dict, error: Exception) -> None:
    dlq_arn = (target.get("DeadLetterConfig") or {}).get("Arn")
    logger.info("EventBridge target %s of rule %s could not receive: %r", target.get("Arn"), rule.name, error)
    if not dlq_arn:
        return
    from moto.sqs import sqs_backends

    arn = parse_arn(dlq_arn)
    code = getattr(error, "code", None) or type(error).__name__
    attributes = {
        "ERROR_CODE": code,
        "ERROR_MESSAGE": str(getattr(error, "message", None) or error)[:256] or code,
        "RULE_ARN": rule.arn,
        "TARGET_ARN": target["Arn"],
    }
    try:
        sqs_backends[arn.account][arn.region].send_message(
            arn.resource_id,
            json.dumps(envelope(event)),
            message_attributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
        )
    except Exception as dlq_error:  # a missing DLQ is dropped too, as on AWS
        logger.info("EventBridge dead-letter queue %s could not receive: %r", dlq_arn, dlq_error)


def _send_to_targets(original):
    def send_to_targets(self: Rule, original_event: dict, transform_input: bool = True) -> None:
        if self.state == "DISABLED" or not self.event_pattern.matches_event(original_event):
            return
        for target in self.targets:
            try:
                service = parse_arn(target["Arn"]).service
                if service in OWN_TARGETS:
                    payload = target_payload(self, target, original_event) if transform_input else json.dumps(envelope(original_event))
                    _deliver(self, target, payload, original_event)
                else:
                    single = copy.copy(self)
                    single.targets = [target]
                    original(single, copy.deepcopy(original_event), transform_input)
            except Exception as error:  # delivery failures never reach the PutEvents caller
                _dead_letter(self, target, original_event, error)

    send_to_targets._redrive_fix = True
    return send_to_targets


def apply() -> None:
    if not getattr(Rule.send_to_targets, "_redrive_fix", False):
        Rule.send_to_targets = _send_to_targets(Rule.send_to_targets)
