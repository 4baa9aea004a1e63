"""grader.policy: the resource-policy evaluation the emulator and graders share."""

import json

import pytest

from grader.policy import ALLOW, DENY, IMPLICIT_DENY, PolicyRequest, decide, service_request

QUEUE = "arn:aws:sqs:us-east-1:123456789012:inbox"
TOPIC = "arn:aws:sns:us-east-1:123456789012:orders"
STRANGER = {"AWS": "arn:aws:iam::999988887777:root"}


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def statement(effect="Allow", principal="*", action="sqs:SendMessage", condition=None, **extra):
    body = {"Effect": effect, "Principal": principal, "Action": action, "Resource": QUEUE, **extra}
    if condition:
        body["Condition"] = condition
    return body


def request(principal=STRANGER, action="sqs:SendMessage", **context):
    return PolicyRequest(principal=principal, action=action, resource=QUEUE, context=context)


def test_no_policy_and_unreadable_policies_deny_implicitly():
    assert decide(None, request()).effect == IMPLICIT_DENY
    assert "no policy" in decide(None, request()).reason
    assert decide("{'a': 1}", request()).reason.startswith("the policy is not valid JSON")
    assert decide("[]", request()).reason == "the policy is not a JSON object"


def test_a_dict_policy_is_read_like_its_json():
    document = {"Statement": [statement()]}
    assert decide(document, request()).effect == ALLOW


def test_explicit_deny_wins_whatever_the_order():
    deny = statement("Deny", action="sqs:*", Sid="NoStrangers", condition={"StringNotEquals": {"aws:SourceAccount": "123456789012"}})
    decision = decide(policy(statement(), deny), request(**{"aws:SourceAccount": "999988887777"}))
    assert (decision.effect, decision.statement) == (DENY, 'statement "NoStrangers"')
    assert decide(policy(statement(), deny), request(**{"aws:SourceAccount": "123456789012"})).effect == ALLOW


def test_a_missing_key_fails_positive_operators_and_passes_negated_and_if_exists():
    assert decide(policy(statement(condition={"ArnEquals": {"aws:SourceArn": TOPIC}})), request()).effect == IMPLICIT_DENY
    assert decide(policy(statement(condition={"ArnNotEquals": {"aws:SourceArn": TOPIC}})), request()).effect == ALLOW
    assert decide(policy(statement(condition={"ArnEqualsIfExists": {"aws:SourceArn": TOPIC}})), request()).effect == ALLOW
    assert decide(policy(statement(condition={"Null": {"aws:SourceArn": "true"}})), request()).effect == ALLOW
    assert decide(policy(statement(condition={"Null": {"aws:SourceArn": "false"}})), request()).effect == IMPLICIT_DENY


@pytest.mark.parametrize(
    "operator, value, matches",
    [
        ("ArnEquals", TOPIC, True),
        ("ArnLike", "arn:aws:sns:*:123456789012:ord?rs", True),
        ("ArnLike", "arn:aws:sns:us-east-1:123456789012:*", True),
        ("ArnLike", "arn:aws:sns:us-east-1:*", False),  # fewer than six parts matches nothing
        ("StringEquals", "arn:aws:sns:us-east-1:123456789012:*", False),
        ("StringLike", "arn:aws:sns:us-east-1:*", True),
        ("StringEqualsIgnoreCase", TOPIC.upper(), True),
        ("StringEquals", TOPIC.upper(), False),
    ],
)
def test_source_arn_operators(operator, value, matches):
    decision = decide(policy(statement(condition={operator: {"aws:SourceArn": value}})), service_request(service="sns", action="sqs:SendMessage", resource=QUEUE, source_arn=TOPIC))
    assert decision.allowed is matches


def test_sns_delivery_is_over_tls_so_a_tls_only_deny_does_not_apply():
    tls_only = statement("Deny", action="sqs:*", condition={"Bool": {"aws:SecureTransport": "false"}})
    allow_topic = statement(principal={"Service": "sns.amazonaws.com"}, condition={"ArnEquals": {"aws:SourceArn": TOPIC}})
    assert decide(policy(allow_topic, tls_only), service_request(service="sns", action="sqs:SendMessage", resource=QUEUE, source_arn=TOPIC)).effect == ALLOW
    plain_http = request({"AWS": "arn:aws:iam::123456789012:user/ops"}, "sqs:ReceiveMessage", **{"aws:SecureTransport": "false"})
    assert decide(policy(allow_topic, tls_only), plain_http).effect == DENY


def test_principals():
    sns_only = policy(statement(principal={"Service": "sns.amazonaws.com"}))
    assert decide(sns_only, request({"Service": "SNS.amazonaws.com"})).allowed
    assert not decide(sns_only, request({"Service": "events.amazonaws.com"})).allowed
    account = policy(statement(principal={"AWS": "123456789012"}))
    assert decide(account, request({"AWS": "arn:aws:iam::123456789012:role/worker"})).allowed
    assert not decide(account, request(STRANGER)).allowed
    assert not decide(account, request({"Service": "sns.amazonaws.com"})).allowed
    not_stranger = policy({"Effect": "Allow", "NotPrincipal": STRANGER, "Action": "sqs:*", "Resource": QUEUE})
    assert not decide(not_stranger, request(STRANGER)).allowed
    assert decide(not_stranger, request({"Service": "sns.amazonaws.com"})).allowed


def test_actions_and_resources():
    assert decide(policy(statement(action="sqs:*")), request(action="sqs:PurgeQueue")).allowed
    assert decide(policy(statement(action="*")), request(action="sqs:PurgeQueue")).allowed
    assert not decide(policy(statement(action=["sqs:SendMessage"])), request(action="sqs:PurgeQueue")).allowed
    not_action = policy({"Effect": "Allow", "Principal": "*", "NotAction": "sqs:Purge*", "Resource": QUEUE})
    assert not decide(not_action, request(action="sqs:PurgeQueue")).allowed
    assert decide(not_action, request(action="sqs:SendMessage")).allowed
    elsewhere = policy({**statement(), "Resource": "arn:aws:sqs:us-east-1:123456789012:other"})
    assert not decide(elsewhere, request()).allowed


def test_an_unknown_operator_grants_nothing_and_is_named():
    decision = decide(policy(statement(condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})), request(**{"aws:SourceIp": "10.1.1.1"}))
    assert decision.effect == IMPLICIT_DENY and "IpAddress" in decision.reason
