"""SQS's size limit counts the body's UTF-8 bytes and the attributes' names, types and values."""

import pytest
from botocore.exceptions import ClientError

from tests.grader.emulator.moto_fixes.conftest import upstream_bug

LIMIT = 1_048_576
ATTRIBUTES = {"docId": {"DataType": "String", "StringValue": "d-1"}}
ROOM = LIMIT - len("docId") - len("String") - len("d-1")


def test_a_message_of_exactly_the_limit_with_its_attribute_is_accepted(aws):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="sized")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="a" * ROOM, MessageAttributes=ATTRIBUTES)
    assert len(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"]) == ROOM


@pytest.mark.parametrize("body, attributes", [("a" * (ROOM + 1), ATTRIBUTES), ("\u20ac" * 350_000, None)], ids=["attributes", "multi-byte"])
def test_one_byte_over_is_refused(aws, body, attributes):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="sized")["QueueUrl"]
    with pytest.raises(ClientError) as raised:
        sqs.send_message(QueueUrl=url, MessageBody=body, **({"MessageAttributes": attributes} if attributes else {}))
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert "Message must be shorter than 1048576 bytes" in raised.value.response["Error"]["Message"]


def test_a_batch_is_measured_in_bytes_too(aws):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="sized")["QueueUrl"]
    entries = [{"Id": str(i), "MessageBody": "\u00e9" * 200_000} for i in range(3)]  # 600,000 characters, 1.2 MB
    with pytest.raises(ClientError) as raised:
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    assert raised.value.response["Error"]["Code"].endswith("BatchRequestTooLong")


@upstream_bug
def test_canary_plain_moto_counts_characters(plain_moto):
    assert plain_moto["sqs.multibyte_over_limit"] == ["client_error", "InvalidParameterValue"]


@upstream_bug
def test_canary_plain_moto_ignores_attributes(plain_moto):
    assert plain_moto["sqs.attributes_over_limit"] == ["client_error", "InvalidParameterValue"]
