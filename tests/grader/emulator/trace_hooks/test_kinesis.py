from tests.grader.emulator.trace_hooks.conftest import actions, entries


def test_a_record_is_traced_with_its_shard_and_sequence_number_and_each_read(aws, recorder):
    kinesis = aws("kinesis")
    kinesis.create_stream(StreamName="clicks", ShardCount=1)
    put = kinesis.put_record(StreamName="clicks", Data=b'{"page": "/"}', PartitionKey="user-1")
    kinesis.put_records(StreamName="clicks", Records=[{"Data": b"second", "PartitionKey": "user-2"}])
    shard = kinesis.describe_stream(StreamName="clicks")["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamName="clicks", ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    kinesis.get_records(ShardIterator=iterator)
    first, second = entries(recorder)
    assert first["body"] == '{"page": "/"}' and second["body"] == "second"
    assert actions(first) == [("put-record", "clicks"), ("read", "clicks")]
    assert f"sequence number {put['SequenceNumber']}" in first["hops"][0]["detail"] and put["ShardId"] in first["hops"][0]["detail"]
    assert first["hops"][0]["kind"] == "stream"
