"""A traced message's journey in words, for the list under the flow drawing.

Steps are said once each in the order they first happened, with a count when
they repeat ("delivered to handler 3 times"); the grader's own end-of-run
receives and stream reads are left out (they are how it checks, not where the message went).
Refusals (a filter policy, an event pattern, a duplicate) are reasons, said
in full: "payments' filter policy wanted amount >= 100; this message had 99.99".
"""

from dataclasses import dataclass, field

from grader.trace import (
    DEAD_LETTERED, DEDUPLICATED, DELETED, DELIVERED, DROPPED, FAILED, FAULT, FILTERED_OUT, FIRED, GRADER, INVOKED,
    LAMBDA, LEARNER, MATCHED, MATCHED_NO_RULE, MOVED, NO_MATCH, PUBLISHED, PUT, PUT_RECORD, READ, RECEIVED,
    REPLAYED, SENT, TRANSFORMED, UNDELIVERABLE, VISIBILITY, WORKER, possessive,
)

OUTCOME_LABELS = {"ok": "as expected", "bad": "wrong", "": "what happened"}


@dataclass
class MessageStory:
    label: str
    outcome: str  # "ok", "bad" or ""
    outcome_label: str
    tone: str  # "ok", "bad", "dlq" (dead-lettered as expected), "dropped" (turned away as expected), "info"
    steps: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _step(hop: dict) -> str | None:
    action, resource, by, detail = hop.get("action"), hop.get("resource", ""), hop.get("by", ""), hop.get("detail", "")
    if by == GRADER and action in (RECEIVED, DELETED, VISIBILITY, READ):
        return None
    if action == SENT:
        if by == LEARNER and hop.get("source", "").startswith("function:"):
            return f"your {hop['source'].split(':', 1)[1]} sent {detail} to {resource}"
        return f"your code sent it to {resource}" if by == LEARNER else f"sent to {resource}"
    if action == PUBLISHED:
        return f"published to {resource}" + (" by your code" if by == LEARNER else "")
    if action == PUT:
        return f"put on {resource}" + (" by your code" if by == LEARNER else "")
    if action == DELIVERED:
        return f"delivered to {resource}"
    if action == MATCHED:
        return f"matched rule {resource}"
    if action == TRANSFORMED:
        return f"{resource} transformed it into {detail}"
    if action == RECEIVED:
        if by == WORKER:
            return None  # told by the worker's own step, below
        return f"received from {resource}" + (" by Lambda" if by == LAMBDA else " by your code" if by == LEARNER else "")
    if action == INVOKED:
        return f"taken by {resource}, another worker ({detail})" if by == WORKER else f"{resource} invoked"
    if action == FAILED:
        return f"{resource} failed: {detail}"
    if action == DROPPED:
        return f"{resource} dropped it on purpose"
    if action == VISIBILITY:
        return None if by == LAMBDA else f"visibility changed ({detail})"
    if action == DELETED:
        return f"deleted from {resource}" + (" after success" if by == LAMBDA else "")
    if action == DEAD_LETTERED:
        return f"dead-lettered to {resource} {detail}".strip()
    if action == MOVED:
        return f"moved to {resource} by a move task"
    if action == PUT_RECORD:
        return f"put to {resource} ({detail})"
    if action == READ:
        if hop.get("kind") == "function":
            return f"read by your {resource} ({detail})" if detail else f"read by your {resource}"
        return f"read from {resource}"
    if action == UNDELIVERABLE:
        return f"could not be delivered to {resource}: {detail}"
    if action == FAULT:
        return f"⚡ {detail}"
    if action == FIRED:
        return f"schedule {resource} fired" + (f" ({detail})" if detail else "")
    if action == REPLAYED:
        return f"replayed onto {resource}" + (f" ({detail})" if detail else "")
    return None


def _reason(hop: dict) -> str | None:
    action, resource = hop.get("action"), hop.get("resource", "")
    clause, seen = hop.get("clause", ""), hop.get("seen", "")
    if action == FILTERED_OUT:
        return f"filtered out of {resource}: {possessive(resource)} filter policy wanted {clause}; this message had {seen}"
    if action == NO_MATCH:
        if clause:
            return f"not matched by {resource}: its event pattern wanted {clause}; this event had {seen}"
        return f"not matched by {resource}: {hop.get('detail', '')}"
    if action == MATCHED_NO_RULE:
        return f"matched no rule on {resource}"
    if action == DEDUPLICATED:
        return f"dropped by {resource} as a duplicate: {hop.get('detail', '')}"
    return None


def story(entry: dict) -> MessageStory:
    steps: list[str] = []
    counts: dict[str, int] = {}
    reasons: list[str] = []
    for hop in entry.get("hops") or []:
        reason = _reason(hop)
        if reason:
            if reason not in reasons:
                reasons.append(reason)
            continue
        text = _step(hop)
        if text is None:
            continue
        if text not in counts:
            steps.append(text)
        counts[text] = counts.get(text, 0) + 1
    said = [f"{text} ({counts[text]} times)" if counts[text] > 1 else text for text in steps]
    outcome = entry.get("outcome") or ""
    actions = {hop.get("action") for hop in entry.get("hops") or []}
    if outcome == "bad":
        tone = "bad"
    elif outcome == "ok" and DEAD_LETTERED in actions:
        tone = "dlq"
    elif outcome == "ok" and not (set(entry.get("expect_reach") or [])) and actions & {FILTERED_OUT, MATCHED_NO_RULE, DEDUPLICATED}:
        tone = "dropped"
    else:
        tone = outcome or "info"
    label = entry.get("label") or (entry.get("body") or "")[:80]
    return MessageStory(
        label=label, outcome=outcome, outcome_label=OUTCOME_LABELS.get(outcome, "what happened"), tone=tone,
        steps=said, reasons=reasons, problems=list(entry.get("problems") or []),
    )

