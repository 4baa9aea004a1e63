# Misconception: PutRecords with a single record per call is the safe way to keep order.
# fails: batched
import json

import boto3

kinesis = boto3.client("kinesis")


def setup():
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName="clicks")


def publish(events):
    for event in events:
        while True:
            response = kinesis.put_records(StreamName="clicks", Records=[{"Data": json.dumps(event).encode(), "PartitionKey": event["user"]}])
            if response["FailedRecordCount"] == 0:
                break
