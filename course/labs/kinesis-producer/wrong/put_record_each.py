# Misconception: PutRecord, one event at a time, is the simple way to keep order, and batching does not matter.
# fails: batched
import json

import boto3

kinesis = boto3.client("kinesis")


def setup():
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName="clicks")


def publish(events):
    last = {}
    for event in events:
        args = {"StreamName": "clicks", "Data": json.dumps(event).encode(), "PartitionKey": event["user"]}
        if event["user"] in last:
            args["SequenceNumberForOrdering"] = last[event["user"]]
        last[event["user"]] = kinesis.put_record(**args)["SequenceNumber"]
