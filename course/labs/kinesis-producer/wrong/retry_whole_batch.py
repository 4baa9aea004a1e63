# Misconception: when FailedRecordCount is above zero, send the whole batch again (the records that succeeded are written twice).
# fails: exactly-once
import json

import boto3

kinesis = boto3.client("kinesis")


def setup():
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName="clicks")


def publish(events):
    records = [{"Data": json.dumps(e).encode(), "PartitionKey": e["user"]} for e in events]
    for _ in range(10):
        if kinesis.put_records(StreamName="clicks", Records=records)["FailedRecordCount"] == 0:
            return
