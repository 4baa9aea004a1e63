# Misconception: one PutRecords call per user keeps that user's events in order, even when the first of them fails.
# fails: order
import json
from collections import defaultdict

import boto3

kinesis = boto3.client("kinesis")


def setup():
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName="clicks")


def publish(events):
    per_user = defaultdict(list)
    for event in events:
        per_user[event["user"]].append({"Data": json.dumps(event).encode(), "PartitionKey": event["user"]})
    for records in per_user.values():
        while records:
            response = kinesis.put_records(StreamName="clicks", Records=records)
            records = [r for r, result in zip(records, response["Records"]) if "ErrorCode" in result]
