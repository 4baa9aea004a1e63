"""Messages past the queue's retention period are deleted; newer ones are received."""

import pytest

from grader.emulator import clock
from tests.grader.emulator.moto_fixes.conftest import upstream_bug


@pytest.fixture(autouse=True)
def fresh_clock():
    clock.reset()
    yield
    clock.reset()


def bodies(sqs, url):
    return [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])]


def test_an_expired_message_is_gone_and_newer_ones_are_received(aws):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="short", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    clock.advance(61)
    sqs.send_message(QueueUrl=url, MessageBody="new")
    assert bodies(sqs, url) == ["new"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "1"


def test_a_message_within_retention_stays(aws):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="short", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="kept")
    clock.advance(59)
    assert bodies(sqs, url) == ["kept"]


@upstream_bug
def test_canary_plain_moto_lets_an_expired_message_hide_newer_ones(plain_moto):
    assert plain_moto["sqs.retention.bodies"] == ["ok", ["new"]]
