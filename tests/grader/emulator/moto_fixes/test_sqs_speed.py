"""moto's SQS builds a queue's attribute dictionary once per GetQueueAttributes
and never per message received, and makes receipt handles in one call; the
answers are moto's."""

import string
from types import SimpleNamespace

import pytest
from moto.core.utils import unix_time
from moto.moto_api._internal import mock_random
from moto.sqs.exceptions import InvalidAttributeName
from moto.sqs.models import Queue, SQSBackend, sqs_backends

from grader.emulator.moto_fixes import sqs_speed
from tests.grader.emulator.moto_fixes.conftest import upstream_bug


@pytest.fixture
def attribute_builds(monkeypatch):
    """How many times a queue's attribute dictionary has been built."""
    built = []
    original = Queue.attributes.fget
    monkeypatch.setattr(Queue, "attributes", property(lambda queue: built.append(queue.name) or original(queue)))
    return built


def test_a_receipt_handle_is_185_lowercase_letters_from_moto_s_seedable_random():
    sqs_speed.apply()
    handles = [sqs_speed.generate_receipt_handle() for _ in range(50)]
    assert all(len(h) == 185 and set(h) <= set(string.ascii_lowercase) for h in handles)
    assert len(set(handles)) == 50
    mock_random.seed(7)
    first = sqs_speed.generate_receipt_handle()
    mock_random.seed(7)
    assert sqs_speed.generate_receipt_handle() == first


def test_named_attributes_are_moto_s_answers_from_one_build(aws, attribute_builds):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="named", Attributes={"VisibilityTimeout": "45"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="one")
    backend = sqs_backends["123456789012"]["us-east-1"]  # in-process and over HTTP alike: the server runs in this process
    names = ["QueueArn", "VisibilityTimeout", "ApproximateNumberOfMessages", "RedrivePolicy", "QueueArn"]
    del attribute_builds[:]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    assert attribute_builds == ["named"]
    assert attributes["VisibilityTimeout"] == "45" and attributes["ApproximateNumberOfMessages"] == "1"
    assert attributes["QueueArn"].endswith(":named") and "RedrivePolicy" not in attributes  # unset: left out, as moto does
    for asked in (names, ["All"], [], ["DelaySeconds"]):  # moto's own method on the same queue
        assert sqs_speed.get_queue_attributes(backend, "named", asked) == sqs_speed._original_get_queue_attributes(backend, "named", asked)
    for bad in (["NoSuchAttribute"], ["QueueArn", ""]):
        with pytest.raises(InvalidAttributeName):
            sqs_speed.get_queue_attributes(backend, "named", bad)


def test_a_receive_builds_no_attribute_dictionary_and_still_honours_retention(aws, attribute_builds):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="work", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    for body in ("a", "b", "c"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    del attribute_builds[:]
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in received) == ["a", "b", "c"]
    assert attribute_builds == []
    assert all(len(m["ReceiptHandle"]) == 185 for m in received)


def test_the_retention_check_is_moto_s_answer():
    sqs_speed.apply()
    backend = SQSBackend("us-east-1", "123456789012")
    backend.create_queue("kept", MessageRetentionPeriod="60")
    for age_s, kept in ((30, True), (61, False)):
        message = SimpleNamespace(sent_timestamp=(unix_time() - age_s) * 1000)
        assert backend.is_message_valid_based_on_retention_period("kept", message) is kept


@upstream_bug
def test_canary_plain_moto_receives_without_building_queue_attributes(plain_moto):
    assert plain_moto["sqs.attribute_builds_per_receive"] == ["ok", 0]


def test_a_message_body_is_hashed_once_and_again_only_when_it_changes(monkeypatch):
    import hashlib

    from moto.sqs import models as sqs_models

    sqs_speed.apply()
    hashed = []
    real_md5 = sqs_models.md5_hash
    monkeypatch.setattr(sqs_models, "md5_hash", lambda *a: hashed.append(1) or real_md5(*a))
    message = sqs_models.Message("id-1", "€" * 1000)
    assert [message.body_md5 for _ in range(3)] == [hashlib.md5(("€" * 1000).encode()).hexdigest()] * 3
    assert len(hashed) == 1
    message.body = "changed"
    assert message.body_md5 == hashlib.md5(b"changed").hexdigest()
    assert len(hashed) == 2


def test_received_messages_carry_moto_s_md5_of_their_body(aws):
    import hashlib

    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="md5")["QueueUrl"]
    sent = sqs.send_message(QueueUrl=url, MessageBody="ü" * 5000)
    received = sqs.receive_message(QueueUrl=url)["Messages"][0]
    assert sent["MD5OfMessageBody"] == received["MD5OfBody"] == hashlib.md5(("ü" * 5000).encode()).hexdigest()
