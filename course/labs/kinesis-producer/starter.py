"""Partition keys, and partial failures that keep order: starter.

Run & grade at any time: every checkpoint tells you what it expected.
"""

import json

import boto3

kinesis = boto3.client("kinesis")


def setup():
    # TODO: a provisioned stream with exactly 2 shards.
    kinesis.create_stream(StreamName="clicks", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="clicks")


def publish(events):
    # TODO: PartitionKey must be the event's user, so all of a user's events share a shard.
    # TODO: PutRecords answers 200 even when some records fail. Look at each result:
    #       one with an ErrorCode was not written and must be sent again (only that one).
    # TODO: keep each user's events in seq order on the stream, even when a record fails.
    records = [{"Data": json.dumps(event).encode("utf-8"), "PartitionKey": event["id"]} for event in events]
    kinesis.put_records(StreamName="clicks", Records=records)
