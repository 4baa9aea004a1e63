"""A Firehose stream to S3 keeps what it receives for the grader's Firehose, and
CreateDeliveryStream refuses the prefixes and hints AWS refuses."""

import pytest
from botocore.exceptions import ClientError
from moto.firehose.models import firehose_backends

from grader.emulator import clock
from grader.emulator.moto_fixes.firehose_buffering import take_pending
from tests.grader.emulator.moto_fixes.conftest import upstream_bug

ROLE, BUCKET_ARN = "arn:aws:iam::123456789012:role/r", "arn:aws:s3:::lake-bucket"


def stream(firehose, name="to-lake", **config):
    firehose.create_delivery_stream(
        DeliveryStreamName=name,
        ExtendedS3DestinationConfiguration={"RoleARN": ROLE, "BucketARN": BUCKET_ARN, **config},
    )


def test_records_wait_in_the_stream_with_their_ids_and_arrival_time(aws):
    firehose, s3 = aws("firehose"), aws("s3")
    s3.create_bucket(Bucket="lake-bucket")
    stream(firehose, BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 120})
    one = firehose.put_record(DeliveryStreamName="to-lake", Record={"Data": b"one"})["RecordId"]
    batch = firehose.put_record_batch(DeliveryStreamName="to-lake", Records=[{"Data": b"two"}, {"Data": "three\u20ac".encode()}])
    assert batch["FailedPutCount"] == 0
    assert s3.list_objects_v2(Bucket="lake-bucket").get("KeyCount") == 0
    pending = take_pending(firehose_backends["123456789012"]["us-east-1"].delivery_streams["to-lake"])
    assert [p["data"] for p in pending] == [b"one", b"two", "three\u20ac".encode()]
    assert pending[0]["record_id"] == one and len(one) == 56
    assert [p["record_id"] for p in pending[1:]] == [r["RecordId"] for r in batch["RequestResponses"]]
    assert abs(pending[0]["arrival"] - clock.time_s()) < 5


@pytest.mark.parametrize("config, words", [
    ({"Prefix": "p/!{timestamp:yyyy}/"}, "ErrorOutputPrefix cannot be null"),
    ({"Prefix": "p/", "ErrorOutputPrefix": "e/!{timestamp:yyyy}/"}, "must contain !{firehose:error-output-type}"),
    ({"Prefix": "p/!{firehose:error-output-type}/", "ErrorOutputPrefix": "e/!{firehose:error-output-type}/"}, "Prefix cannot contain"),
    ({"BufferingHints": {"SizeInMBs": 200, "IntervalInSeconds": 60}}, "between 1 and 128"),
    ({"BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 901}}, "between 0 and 900"),
])
def test_what_aws_refuses_is_refused(aws, config, words):
    with pytest.raises(ClientError) as raised:
        stream(aws("firehose"), **config)
    assert raised.value.response["Error"]["Code"] == "InvalidArgumentException"
    assert words in raised.value.response["Error"]["Message"]


@upstream_bug
def test_canary_plain_moto_writes_one_object_per_put_at_once(plain_moto):
    assert plain_moto["firehose.objects_at_once"] == ["ok", 0]


@upstream_bug
def test_canary_plain_moto_accepts_expressions_without_an_error_prefix(plain_moto):
    assert plain_moto["firehose.expressions_without_error_prefix"] == ["client_error", "InvalidArgumentException"]
