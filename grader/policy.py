"""Resource policy evaluation: the subset of IAM's logic a queue policy needs.

Used by the emulator (moto_fixes.sqs_queue_policy decides whether SNS may
deliver to a queue) and by graders (run.policy_decision asks "would this
request be allowed?" of a learner's policy), so both judge a policy by one
implementation. Imports nothing from moto.

What is evaluated, following the IAM policy evaluation logic for a resource
policy on its own:
- an explicit Deny in any matching statement wins; else a matching Allow
  allows; else the request is implicitly denied (no policy at all: denied);
- Principal / NotPrincipal: "*", {"AWS": "*" | account id | ARN}, {"Service": name};
  "*" (and {"AWS": "*"}) covers every principal, service principals included;
- Action / NotAction: case-insensitive, `*` and `?` wildcards ("sqs:*", "*");
- Resource / NotResource: ARNs with wildcards; a statement without one applies;
- Condition: the operators below, keys case-insensitive, several values of one
  key OR-ed, keys and operators AND-ed; `...IfExists` is true when the key is
  absent; a missing key makes a positive operator false and a negated one true;
  an operator this module does not know never matches (so an Allow using it
  grants nothing and a Deny using it denies nothing), and the decision says so.

Condition operators: StringEquals, StringNotEquals, StringEqualsIgnoreCase,
StringNotEqualsIgnoreCase, StringLike, StringNotLike, ArnEquals, ArnLike,
ArnNotEquals, ArnNotLike (ARNs compared component by component, wildcards
allowed in each), Bool, Null.
"""

import json
import re
from dataclasses import dataclass, field
from typing import Any

DENY, ALLOW, IMPLICIT_DENY = "deny", "allow", "implicit-deny"
_ANY = "*"


@dataclass(frozen=True)
class PolicyRequest:
    """A request as the policy sees it.

    principal: {"Service": "sns.amazonaws.com"}, {"AWS": "arn:aws:iam::111122223333:root"}
    or "*" for an anonymous caller. context: condition keys (aws:SourceArn,
    aws:SourceAccount, aws:SecureTransport as "true"/"false", ...).
    """

    principal: Any
    action: str
    resource: str
    context: dict = field(default_factory=dict)


@dataclass
class Decision:
    effect: str  # allow | deny | implicit-deny
    statement: str = ""  # the deciding statement: its Sid, or "statement N" (1-based)
    reason: str = ""  # one sentence, for a trace hop or a checkpoint's feedback
    unknown_operators: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return self.effect == ALLOW


class PolicyError(ValueError):
    """The policy is not a JSON object with statements."""


def parse(policy: str | dict | None) -> dict | None:
    """A policy document as a dict; None for no policy. Raises PolicyError if it cannot be read."""
    if policy is None or policy == "":
        return None
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError as exc:
            raise PolicyError(f"the policy is not valid JSON ({exc})") from None
    if not isinstance(policy, dict):
        raise PolicyError("the policy is not a JSON object")
    return policy


def _list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _wildcard(pattern: str, value: str, *, case_sensitive: bool = True) -> bool:
    """IAM's `*` (any run of characters) and `?` (one character); nothing else is special."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, 0 if case_sensitive else re.IGNORECASE) is not None


def _arn_match(pattern: str, value: str) -> bool:
    """ArnEquals/ArnLike: each of the six colon-separated parts matched on its own, wildcards allowed."""
    if pattern == _ANY:
        return True
    pattern_parts, value_parts = pattern.split(":", 5), value.split(":", 5)
    if len(pattern_parts) != 6 or len(value_parts) != 6:
        return False
    return all(_wildcard(p, v) for p, v in zip(pattern_parts, value_parts))


def _principal_values(principal: Any) -> list[tuple[str, str]]:
    """("*", "*") for everyone, else (kind, value) pairs: ("AWS", "1234..."), ("Service", "sns.amazonaws.com")."""
    if principal == _ANY:
        return [(_ANY, _ANY)]
    if isinstance(principal, dict):
        return [(kind, str(value)) for kind, values in principal.items() for value in _list(values)]
    return []


def _account_of(aws_principal: str) -> str:
    if re.fullmatch(r"\d{12}", aws_principal):
        return aws_principal
    parts = aws_principal.split(":")
    return parts[4] if len(parts) > 4 and aws_principal.startswith("arn:") else ""


def _principal_matches(statement_principal: Any, request_principal: Any) -> bool:
    wanted = _principal_values(statement_principal)
    if (_ANY, _ANY) in wanted or ("AWS", _ANY) in wanted:
        return True
    for kind, value in _principal_values(request_principal):
        for wanted_kind, wanted_value in wanted:
            if kind != wanted_kind:
                continue
            if kind == "Service" and wanted_value.lower() == value.lower():
                return True
            if kind == "AWS":
                # An account (id or :root ARN) in a policy stands for every principal of that account.
                wanted_is_account = re.fullmatch(r"\d{12}", wanted_value) or wanted_value.endswith(":root")
                if wanted_value == value or (wanted_is_account and _account_of(wanted_value) == _account_of(value)):
                    return True
    return False


def _action_matches(patterns: list, action: str) -> bool:
    return any(_wildcard(str(p), action, case_sensitive=False) for p in patterns)


def _resource_matches(patterns: list, resource: str) -> bool:
    return any(_arn_match(str(p), resource) for p in patterns)


_STRING_OPS = {
    "stringequals": lambda want, got: want == got,
    "stringequalsignorecase": lambda want, got: want.lower() == got.lower(),
    "stringlike": lambda want, got: _wildcard(want, got),
    "arnequals": _arn_match,
    "arnlike": _arn_match,
    "bool": lambda want, got: want.lower() == got.lower(),
}
_NEGATED = {
    "stringnotequals": "stringequals",
    "stringnotequalsignorecase": "stringequalsignorecase",
    "stringnotlike": "stringlike",
    "arnnotequals": "arnequals",
    "arnnotlike": "arnlike",
}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _condition_holds(operator: str, key: str, wanted: list, context: dict) -> bool | None:
    """True/False, or None for an operator this module does not evaluate."""
    name = operator.lower()
    if_exists = name.endswith("ifexists")
    if if_exists:
        name = name[: -len("ifexists")]
    present = {k.lower(): v for k, v in context.items()}
    got = present.get(key.lower())
    if name == "null":
        is_null = got is None
        return any(_text(w).lower() == ("true" if is_null else "false") for w in wanted)
    if got is None:
        if if_exists:
            return True
        if name in _NEGATED:
            return True
        return False if name in _STRING_OPS else None
    got_values = [_text(g) for g in _list(got)]
    if name in _STRING_OPS:
        compare = _STRING_OPS[name]
        return any(compare(_text(w), g) for w in wanted for g in got_values)
    if name in _NEGATED:
        compare = _STRING_OPS[_NEGATED[name]]
        return not any(compare(_text(w), g) for w in wanted for g in got_values)
    return None


def _conditions_hold(condition: Any, context: dict, unknown: list[str]) -> bool:
    if not condition:
        return True
    if not isinstance(condition, dict):
        return False
    for operator, pairs in condition.items():
        if not isinstance(pairs, dict):
            return False
        for key, wanted in pairs.items():
            holds = _condition_holds(str(operator), str(key), _list(wanted), context)
            if holds is None:
                unknown.append(str(operator))
                return False
            if not holds:
                return False
    return True


def _statement_applies(statement: dict, request: PolicyRequest, unknown: list[str]) -> bool:
    if "NotPrincipal" in statement:
        if _principal_matches(statement["NotPrincipal"], request.principal):
            return False
    elif not _principal_matches(statement.get("Principal"), request.principal):
        return False
    if "NotAction" in statement:
        if _action_matches(_list(statement["NotAction"]), request.action):
            return False
    elif not _action_matches(_list(statement.get("Action")), request.action):
        return False
    if "NotResource" in statement:
        if _resource_matches(_list(statement["NotResource"]), request.resource):
            return False
    elif "Resource" in statement and not _resource_matches(_list(statement["Resource"]), request.resource):
        return False
    return _conditions_hold(statement.get("Condition"), request.context, unknown)


def _name(statement: dict, index: int) -> str:
    sid = statement.get("Sid")
    return f'statement "{sid}"' if sid else f"statement {index + 1}"


def decide(policy: str | dict | None, request: PolicyRequest) -> Decision:
    """Whether `policy` (a resource policy: JSON text, a dict, or None) lets `request` through.

    A policy that cannot be read decides nothing: implicit deny, with the reason.
    """
    try:
        document = parse(policy)
    except PolicyError as exc:
        return Decision(IMPLICIT_DENY, reason=str(exc))
    if document is None:
        return Decision(IMPLICIT_DENY, reason="there is no policy, so nothing is allowed")
    statements = [s for s in _list(document.get("Statement")) if isinstance(s, dict)]
    unknown: list[str] = []
    allowing = None
    for index, statement in enumerate(statements):
        effect = statement.get("Effect")
        if effect not in ("Allow", "Deny"):
            continue
        if not _statement_applies(statement, request, unknown):
            continue
        if effect == "Deny":
            return Decision(DENY, _name(statement, index), f"{_name(statement, index)} denies it explicitly", unknown)
        if allowing is None:
            allowing = _name(statement, index)
    if allowing:
        return Decision(ALLOW, allowing, f"{allowing} allows it", unknown)
    note = f" (operators not evaluated: {', '.join(sorted(set(unknown)))})" if unknown else ""
    return Decision(IMPLICIT_DENY, reason=f"no statement allows it{note}", unknown_operators=unknown)


def service_request(*, service: str, action: str, resource: str, source_arn: str) -> PolicyRequest:
    """The request an AWS service makes on behalf of one of the learner's
    resources (SNS delivering a topic's message to a queue, EventBridge a
    rule's event to a queue or topic, either using a queue's KMS key): as the
    service principal, over TLS, naming that resource as its source."""
    return PolicyRequest(
        principal={"Service": f"{service}.amazonaws.com"},
        action=action,
        resource=resource,
        context={"aws:SourceArn": source_arn, "aws:SourceAccount": source_arn.split(":")[4], "aws:SecureTransport": "true"},
    )


__all__ = ["ALLOW", "DENY", "IMPLICIT_DENY", "Decision", "PolicyError", "PolicyRequest", "decide", "parse", "service_request"]
