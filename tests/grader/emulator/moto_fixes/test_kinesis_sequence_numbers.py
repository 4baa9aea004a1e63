"""Kinesis sequence numbers are long, with gaps, and belong to one shard;
GetShardIterator refuses a number from another shard or from nowhere."""

import pytest
from botocore.exceptions import ClientError

from tests.grader.emulator.moto_fixes.conftest import upstream_bug

KEYS = {"shardId-000000000000": "a", "shardId-000000000001": "b"}  # MD5("a") is in the lower half, MD5("b") in the upper


@pytest.fixture
def stream(aws):
    kinesis = aws("kinesis")
    kinesis.create_stream(StreamName="orders", ShardCount=2)
    return kinesis


def put(kinesis, key, data=b"x"):
    return kinesis.put_record(StreamName="orders", Data=data, PartitionKey=key)


def iterator(kinesis, shard, kind, number=None):
    args = {"StreamName": "orders", "ShardId": shard, "ShardIteratorType": kind}
    if number is not None:
        args["StartingSequenceNumber"] = number
    return kinesis.get_shard_iterator(**args)["ShardIterator"]


def read(kinesis, shard, kind, number=None):
    return [r["Data"].decode() for r in kinesis.get_records(ShardIterator=iterator(kinesis, shard, kind, number))["Records"]]


def test_sequence_numbers_are_56_digits_increasing_within_a_shard_and_never_shared(stream):
    numbers = {shard: [put(stream, key)["SequenceNumber"] for _ in range(3)] for shard, key in KEYS.items()}
    for shard, own in numbers.items():
        assert all(len(n) == 56 and n.isdigit() for n in own)
        assert [int(n) for n in own] == sorted(int(n) for n in own) and int(own[1]) - int(own[0]) > 1
    assert not set(numbers["shardId-000000000000"]) & set(numbers["shardId-000000000001"])


def test_at_and_after_a_sequence_number_still_read_from_there(stream):
    first, second = (put(stream, "a", data)["SequenceNumber"] for data in (b"1", b"2"))
    put(stream, "a", b"3")
    shard = "shardId-000000000000"
    assert read(stream, shard, "AT_SEQUENCE_NUMBER", second) == ["2", "3"]
    assert read(stream, shard, "AFTER_SEQUENCE_NUMBER", second) == ["3"]
    assert read(stream, shard, "AFTER_SEQUENCE_NUMBER", first) == ["2", "3"]
    assert read(stream, shard, "TRIM_HORIZON") == ["1", "2", "3"]


def test_the_shards_starting_sequence_number_reads_from_its_start(stream):
    shard = stream.describe_stream(StreamName="orders")["StreamDescription"]["Shards"][0]
    start = shard["SequenceNumberRange"]["StartingSequenceNumber"]
    put(stream, "a", b"1")
    assert read(stream, shard["ShardId"], "AT_SEQUENCE_NUMBER", start) == ["1"]
    assert read(stream, shard["ShardId"], "AFTER_SEQUENCE_NUMBER", start) == ["1"]


def test_another_shards_sequence_number_is_refused(stream):
    other = put(stream, "b")["SequenceNumber"]
    with pytest.raises(ClientError) as caught:
        iterator(stream, "shardId-000000000000", "AFTER_SEQUENCE_NUMBER", other)
    assert caught.value.response["Error"]["Code"] == "InvalidArgumentException"
    assert caught.value.response["Error"]["Message"] == (
        "Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000"
    )


@pytest.mark.parametrize("number", ["1", "4" * 56, "49" + "0" * 53 + "7"])
def test_a_number_that_never_came_from_the_stream_is_refused(stream, number):
    with pytest.raises(ClientError) as caught:
        iterator(stream, "shardId-000000000000", "AT_SEQUENCE_NUMBER", number)
    assert caught.value.response["Error"]["Code"] == "InvalidArgumentException"
    assert "is invalid because it did not come from this stream" in caught.value.response["Error"]["Message"]


def test_a_sequence_iterator_without_a_number_is_refused(stream):
    with pytest.raises(ClientError) as caught:
        iterator(stream, "shardId-000000000000", "AFTER_SEQUENCE_NUMBER")
    assert caught.value.response["Error"]["Code"] == "InvalidArgumentException"


@upstream_bug
def test_canary_plain_moto_numbers_every_shard_from_one_and_takes_any_shards_number(plain_moto):
    first = plain_moto["kinesis.sequence_numbers.first_per_shard"][1]
    assert len(set(first)) == 2 and all(len(n) == 56 for n in first)
    assert plain_moto["kinesis.sequence_numbers.other_shard"][0] == "client_error"
