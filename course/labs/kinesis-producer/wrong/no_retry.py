# Misconception: put_records raises when records fail, so a call that returns means everything was written.
# fails: exactly-once
import json

import boto3

kinesis = boto3.client("kinesis")


def setup():
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName="clicks")


def publish(events):
    # One event per user per call keeps order, but failures are never looked at.
    pending = list(events)
    while pending:
        batch, users, rest = [], set(), []
        for event in pending:
            (rest if event["user"] in users else batch).append(event)
            users.add(event["user"])
        kinesis.put_records(StreamName="clicks", Records=[{"Data": json.dumps(e).encode(), "PartitionKey": e["user"]} for e in batch])
        pending = rest
