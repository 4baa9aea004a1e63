import json

import pytest

from grader.emulator import clock, faults
from grader.emulator.moto_fixes.target_retries import backoff_s
from tests.grader.emulator.moto_fixes.conftest import upstream_bug
from tests.grader.emulator.service_access import allow_eventbridge


@pytest.fixture
def fresh_run():
    clock.reset()
    registry = faults.install(faults.Faults())
    yield registry
    faults.install(faults.Faults())
    clock.reset()


def setup_target(aws, **policy):
    sqs, events = aws("sqs"), aws("events")
    url = sqs.create_queue(QueueName="out")["QueueUrl"]
    dlq = sqs.create_queue(QueueName="out-dlq")["QueueUrl"]
    arn, dlq_arn = allow_eventbridge(sqs, url), allow_eventbridge(sqs, dlq)
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": arn, "DeadLetterConfig": {"Arn": dlq_arn}, **policy}])
    return sqs, events, url, dlq


def put(events, order_id):
    events.put_events(Entries=[{"Source": "shop", "DetailType": "d", "Detail": json.dumps({"orderId": order_id})}])


def received(sqs, url):
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get("Messages", [])


def test_backoff_doubles_up_to_five_minutes():
    assert [backoff_s(n) for n in (1, 2, 3, 9, 10, 30)] == [1, 2, 4, 256, 300, 300]


def test_a_transient_failure_is_retried_on_the_emulator_clock(aws, fresh_run):
    sqs, events, url, dlq = setup_target(aws, RetryPolicy={"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 600})
    fresh_run.fail_delivery("out", times=3)
    put(events, "o-1")
    assert received(sqs, url) == []
    clock.advance(8)  # retries after 1, 2 and 4 seconds: the third retry succeeds
    assert [json.loads(m["Body"])["detail"] for m in received(sqs, url)] == [{"orderId": "o-1"}]
    assert received(sqs, dlq) == [] and len(fresh_run.injected) == 3


def test_retries_end_at_maximum_retry_attempts(aws, fresh_run):
    sqs, events, url, dlq = setup_target(aws, RetryPolicy={"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 600})
    fresh_run.fail_delivery("out")
    put(events, "o-2")
    clock.advance(60)
    [dead] = received(sqs, dlq)
    attributes = {k: v["StringValue"] for k, v in dead["MessageAttributes"].items()}
    assert attributes["EXHAUSTED_RETRY_CONDITION"] == "MaximumRetryAttempts" and attributes["RETRY_ATTEMPTS"] == "2"
    assert attributes["ERROR_CODE"] == "THROTTLING" and attributes["RULE_ARN"].endswith(":rule/r")
    assert attributes["TARGET_ARN"].endswith(":out") and json.loads(dead["Body"])["detail"] == {"orderId": "o-2"}


def test_retries_end_at_the_maximum_event_age(aws, fresh_run):
    sqs, events, url, dlq = setup_target(aws, RetryPolicy={"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 900})
    fresh_run.fail_delivery("out")
    put(events, "o-3")
    clock.advance(899)
    assert received(sqs, dlq) == []
    clock.advance(2)
    [dead] = received(sqs, dlq)
    attributes = {k: v["StringValue"] for k, v in dead["MessageAttributes"].items()}
    assert attributes["EXHAUSTED_RETRY_CONDITION"] == "MaximumEventAgeInSeconds" and attributes["RETRY_ATTEMPTS"] == "10"


def test_a_missing_queue_is_dead_lettered_at_once_without_retries(aws, fresh_run):
    sqs, events, url, dlq = setup_target(aws, RetryPolicy={"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 600})
    sqs.delete_queue(QueueUrl=url)
    put(events, "o-4")
    [dead] = received(sqs, dlq)
    attributes = {k: v["StringValue"] for k, v in dead["MessageAttributes"].items()}
    assert attributes["ERROR_CODE"] == "NO_RESOURCE" and attributes["RETRY_ATTEMPTS"] == "0" and "EXHAUSTED_RETRY_CONDITION" not in attributes


def test_without_a_retry_policy_aws_defaults_keep_retrying(aws, fresh_run):
    sqs, events, url, dlq = setup_target(aws)
    fresh_run.fail_delivery("out")
    put(events, "o-5")
    clock.advance(3600)
    assert received(sqs, dlq) == []


@upstream_bug
def test_plain_moto_retries_a_target_and_uses_its_dead_letter_queue(plain_moto):
    assert plain_moto["events.retry.dlq_after_failure"] == ["ok", 1]
