# Misconception: retrying exactly the failed records is enough, though a later event of the same user in that call was already written.
# fails: order
import json

import boto3

kinesis = boto3.client("kinesis")


def setup():
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName="clicks")


def publish(events):
    pending = [{"Data": json.dumps(e).encode(), "PartitionKey": e["user"]} for e in events]
    while pending:
        response = kinesis.put_records(StreamName="clicks", Records=pending)
        pending = [entry for entry, result in zip(pending, response["Records"]) if "ErrorCode" in result]
