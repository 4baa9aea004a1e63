"""EventBridge: an event put on a bus, then per rule matched or not (with the
clause of the event pattern that failed and the value the event had, or that
the rule is disabled), transformed (with the output), and delivered to each
target (the copy it makes in a queue or topic joins the event). An event no
rule matched says so.

A replayed event (same id) steps from the archive back onto its bus, then
through the rules the replay reaches, as live events do.

Hooked: Rule.send_to_targets (moto calls it once per rule on the bus, with
the event; grader/emulator/moto_fixes/events_delivery rewrote its delivery)
and EventsBackend.put_events (for its EventIds, and buses without rules).
"""

import json

from moto.events.models import EventsBackend, Rule
from moto.utilities.arns import parse_arn

from grader import trace
from grader.emulator.moto_fixes import events_delivery, events_replay
from grader.emulator.moto_fixes.events_delivery import target_payload
from grader.emulator.trace_hooks._util import recorder, recording, wrap
from grader.emulator.trace_hooks.clauses import explain_pattern
from grader.trace import REPLAYED, DEAD_LETTERED, DELIVERED, MATCHED, MATCHED_NO_RULE, NO_MATCH, PUT, TRANSFORMED, UNDELIVERABLE, Hop


def _bus_name(name_or_arn: str | None) -> str:
    name = name_or_arn or "default"
    return name.rsplit("/", 1)[-1] if name.startswith("arn:") else name


@recording("events put")
def _put(rec, event_id: str, bus: str, source, detail_type, detail) -> None:
    if rec.knows(event_id):
        return
    rec.arrived(event_id, action=PUT, resource=bus, kind="bus",
                body=detail if isinstance(detail, str) else json.dumps(detail),
                detail=f"source {source}, detail-type {detail_type}")


@recording("events rule")
def _judge(rec, rule: Rule, event: dict) -> bool:
    """Record whether `rule` takes the event; True when it delivers it."""
    event_id, bus = event.get("id"), _bus_name(rule.event_bus_name)
    _put(rec, event_id, bus, event.get("source"), event.get("detail-type"), event.get("detail", {}))
    source = f"bus:{bus}"
    if rule.state == "DISABLED":
        rec.step(event_id, Hop(NO_MATCH, rule.name, kind="rule", source=source, by=trace.AWS, detail="the rule is disabled"))
        return False
    if not rule.event_pattern.matches_event(event):
        clause, value = explain_pattern(rule.event_pattern, event)
        rec.step(event_id, Hop(NO_MATCH, rule.name, kind="rule", source=source, by=trace.AWS, clause=clause, seen=value,
                               detail=f"{trace.possessive(rule.name)} event pattern wanted {clause}; this event had {value}"))
        return False
    rec.step(event_id, Hop(MATCHED, rule.name, kind="rule", source=source, by=trace.AWS))
    for target in rule.targets:
        if any(target.get(key) is not None for key in ("Input", "InputPath", "InputTransformer")):
            try:
                output = target_payload(rule, target, event)
            except Exception as error:  # the delivery itself will fail the same way and be reported there
                output = f"(the transformer failed: {error})"
            target_name = parse_arn(target["Arn"]).resource_id.rsplit(":", 1)[-1]
            rec.step(event_id, Hop(TRANSFORMED, rule.name, kind="rule", by=trace.AWS, detail=output,
                                   clause=f"for target {target_name}"))
    return True


def _send_to_targets(original):
    def send_to_targets(self: Rule, original_event: dict, *args, **kwargs):
        rec = recorder()
        if rec is None:
            return original(self, original_event, *args, **kwargs)
        _judge(rec, self, original_event)
        with rec.caused_by(original_event.get("id"), DELIVERED, f"rule:{self.name}"):
            return original(self, original_event, *args, **kwargs)

    return send_to_targets


@recording("events unmatched")
def _no_rule(rec, backend: EventsBackend, events: list, results: list) -> None:
    for event, result in zip(events, results):
        event_id = result.get("EventId")
        if not event_id:
            continue
        bus = _bus_name(event.get("EventBusName"))
        _put(rec, event_id, bus, event.get("Source"), event.get("DetailType"), event.get("Detail"))
        if not any(hop.action == MATCHED for hop in rec.hops_of(event_id)):
            rec.step(event_id, Hop(MATCHED_NO_RULE, bus, kind="bus", by=trace.AWS, detail=f"no enabled rule on {bus} matched"))


def _put_events(original):
    def put_events(self: EventsBackend, events: list, *args, **kwargs):
        results = original(self, events, *args, **kwargs)
        rec = recorder()
        if rec is not None:
            _no_rule(rec, self, events, results)
        return results

    return put_events


def _deliver(original):
    """A delivery to a queue or topic target, now or as a retry on the emulator
    clock: the copy it makes joins the event, as delivered by the rule."""

    def deliver(rule: Rule, target: dict, payload: str, event: dict):
        rec = recorder()
        if rec is None:
            return original(rule, target, payload, event)
        with rec.caused_by(event.get("id"), DELIVERED, f"rule:{rule.name}"):
            return original(rule, target, payload, event)

    return deliver


def _dead_letter(original):
    """A target that could not receive (moto_fixes.events_delivery), after its
    retries if it had any: trace the copy that goes to the target's dead-letter
    queue as dead-lettered, saying why."""

    def dead_letter(rule: Rule, target: dict, event: dict, error, retries: int = 0, exhausted: str = ""):
        rec = recorder()
        if rec is None:
            return original(rule, target, event, error, retries, exhausted)
        if not retries and not exhausted:
            _failed_target(rec, rule, target, event, error, "")
        why = f"{error.code} after {retries} retries ({exhausted} reached)" if exhausted else f"{error.code}, not retried"
        with rec.caused_by(event.get("id"), DEAD_LETTERED, f"rule:{rule.name}", detail=why):
            return original(rule, target, event, error, retries, exhausted)

    return dead_letter


def _attempt_failed(original):
    def attempt_failed(rule: Rule, target: dict, event: dict, error, retries: int, next_step: str):
        rec = recorder()
        if rec is not None and (retries or next_step.startswith(("retry", "giving up"))):
            _failed_target(rec, rule, target, event, error, f"attempt {retries + 1}; {next_step}")
        return original(rule, target, event, error, retries, next_step)

    return attempt_failed


@recording("events undeliverable")
def _failed_target(rec, rule: Rule, target: dict, event: dict, error, note: str) -> None:
    arn = parse_arn(target["Arn"])
    name = arn.resource_id.rsplit(":", 1)[-1]
    kind = {"sqs": "queue", "sns": "topic", "lambda": "function", "kinesis": "stream"}.get(arn.service, "service")
    reason = getattr(error, "message", None) or str(error) or type(error).__name__
    code = getattr(error, "code", "")
    detail = f"{code}: {reason}" if code and code not in str(reason) else str(reason)
    rec.step(event.get("id"), Hop(UNDELIVERABLE, name, kind=kind, source=f"rule:{rule.name}", by=trace.AWS,
                                  detail=(f"{detail} ({note})" if note else detail)[:300]))


@recording("events replayed")
def _replay_step(rec, replay, archive, bus_name: str, event: dict) -> None:
    hop = Hop(REPLAYED, bus_name, kind="bus", source=f"store:{archive.name}", by=trace.AWS, detail=f"replay {replay.name}")
    if not rec.step(event.get("id"), hop):
        detail = event.get("detail", {})
        rec.arrived(event.get("id"), action=REPLAYED, resource=bus_name, kind="bus",
                    body=detail if isinstance(detail, str) else json.dumps(detail), detail=f"replay {replay.name}")


def _replayed(original):
    def replayed(replay, archive, bus_name: str, event: dict):
        rec = recorder()
        if rec is not None:
            _replay_step(rec, replay, archive, bus_name, event)
        return original(replay, archive, bus_name, event)

    return replayed


def apply() -> None:
    wrap(events_replay, "_replayed", _replayed)
    wrap(events_delivery, "_dead_letter", _dead_letter)
    wrap(events_delivery, "_attempt_failed", _attempt_failed)
    wrap(events_delivery, "_deliver", _deliver)
    wrap(Rule, "send_to_targets", _send_to_targets)
    wrap(EventsBackend, "put_events", _put_events)
