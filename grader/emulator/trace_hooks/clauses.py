"""SNS filter policies and EventBridge patterns, and which part of one a
message failed, in words: ("amount >= 100", "99.99").

The decision itself is always moto's (the hooks ask moto's own matcher, one
key at a time); this only finds the first key that fails and says it.
"""

import json
from typing import Any

MISSING = object()


def _scalar(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _numeric(path: str, terms: list) -> str:
    pairs = [f"{op} {_scalar(value)}" for op, value in zip(terms[::2], terms[1::2])]
    return f"{path} {' and '.join(pairs)}" if pairs else f"{path} is a number"


def _one(path: str, rule: dict) -> str:
    if not rule:
        return f"{path} matches {{}}"
    name, value = next(iter(rule.items()))
    if name == "numeric" and isinstance(value, list):
        return _numeric(path, value)
    if name == "prefix":
        if isinstance(value, dict) and "equals-ignore-case" in value:
            return f'{path} starts with "{value["equals-ignore-case"]}" in any case'
        return f'{path} starts with "{value}"'
    if name == "suffix":
        if isinstance(value, dict) and "equals-ignore-case" in value:
            return f'{path} ends with "{value["equals-ignore-case"]}" in any case'
        return f'{path} ends with "{value}"'
    if name == "anything-but":
        if isinstance(value, dict):
            inner = _one("", value).strip()
            return f"{path} is anything but values that {inner}"
        values = value if isinstance(value, list) else [value]
        return f"{path} is anything but {' or '.join(_scalar(v) for v in values)}"
    if name == "exists":
        return f"{path} is present" if value else f"{path} is absent"
    if name == "equals-ignore-case":
        return f'{path} equals "{value}" in any case'
    if name == "wildcard":
        return f'{path} matches "{value}"'
    if name == "cidr":
        return f"{path} is in {value}"
    return f"{path} matches {json.dumps(rule)}"


def describe(path: str, rules: Any) -> str:
    """A list of filters for one key, as a phrase: "region starts with \"eu-\"" or "tier is gold or platinum"."""
    if not isinstance(rules, list):
        return f"{path} matches {json.dumps(rules)}"
    scalars = [r for r in rules if not isinstance(r, dict)]
    parts = []
    if len(scalars) == 1:
        parts.append(f"{path} = {_scalar(scalars[0])}")
    elif scalars:
        parts.append(f"{path} is {' or '.join(_scalar(s) for s in scalars)}")
    parts += [_one(path, r) for r in rules if isinstance(r, dict)]
    return " or ".join(parts) or f"{path} matches nothing"


def seen(path: str, value: Any, *, what: str = "") -> str:
    if value is MISSING or value is None:
        return f"no {path}" + (f" {what}" if what else "")
    return _scalar(value)


# --- SNS ---------------------------------------------------------------------------
def explain_sns(policy: dict, scope: str | None, message_attributes: dict | None, message: str) -> tuple[str, str]:
    """(clause, seen) for a message the subscription's filter policy turned away."""
    from moto.sns.utils import FilterPolicyMatcher

    if (scope or "MessageAttributes") == "MessageBody":
        try:
            body = json.loads(message)
        except ValueError:
            return "a JSON message body", "a body that is not JSON"

        def walk(node: dict, value: Any, prefix: str) -> tuple[str, str] | None:
            for key, rules in node.items():
                if key == "$or":
                    if not FilterPolicyMatcher({key: rules}, "MessageBody").matches(None, json.dumps(value)):
                        return "one of its $or alternatives", "none of them"
                    continue
                path = f"{prefix}.{key}" if prefix else key
                inner = value.get(key, MISSING) if isinstance(value, dict) else MISSING
                if FilterPolicyMatcher({key: rules}, "MessageBody").matches(None, json.dumps(value)):
                    continue
                if isinstance(rules, dict) and isinstance(inner, dict):
                    found = walk(rules, inner, path)
                    if found:
                        return found
                return describe(path, rules), seen(path, inner)
            return None

        return walk(policy, body, "") or ("its filter policy", "a body it does not match")

    attributes = message_attributes or {}
    for key, rules in policy.items():
        if key == "$or":
            alternatives = rules if isinstance(rules, list) else []
            if not any(isinstance(a, dict) and FilterPolicyMatcher._attributes_based_match(attributes, a) for a in alternatives):
                return "one of its $or alternatives", "none of them"
            continue
        if not FilterPolicyMatcher._field_match(key, rules, attributes):
            value = attributes.get(key, {}).get("Value", MISSING) if isinstance(attributes.get(key), dict) else MISSING
            return describe(key, rules), seen(key, value, what="attribute")
    return "its filter policy", "attributes it does not match"


# --- EventBridge ----------------------------------------------------------------------
def explain_pattern(event_pattern, event: dict) -> tuple[str, str]:
    """(clause, seen) for an event a rule's pattern did not match (event_pattern: moto's EventPattern)."""
    from moto.events.models import UNDEFINED, EventPattern

    flat = EventPattern._flatten_dict(json.loads(json.dumps(event, default=str)))

    def walk(node: dict, prefix: str) -> tuple[str, str] | None:
        for key, rules in node.items():
            if key == "$or":
                if not any(event_pattern._does_event_match(flat, alternative, prefix) for alternative in rules):
                    return "one of its $or alternatives", "none of them"
                continue
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(rules, dict):
                found = walk(rules, path)
                if found:
                    return found
            elif isinstance(rules, list):
                item = flat.get(path, UNDEFINED)
                if not event_pattern._does_item_match_filters(item, rules):
                    return describe(path, rules), seen(path, MISSING if item is UNDEFINED else item)
            else:
                return f"{path} (a pattern value must be a list)", seen(path, flat.get(path, MISSING))
        return None

    return walk(event_pattern.get_pattern() or {}, "") or ("its event pattern", "an event it does not match")
