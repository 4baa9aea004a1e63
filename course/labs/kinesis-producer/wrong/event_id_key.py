# Misconception: the event id is the natural partition key because it is unique.
# fails: key-shard
import json
from collections import deque

import boto3

kinesis = boto3.client("kinesis")


def setup():
    kinesis.create_stream(StreamName="clicks", ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName="clicks")


def publish(events):
    waiting = {}
    for event in events:
        waiting.setdefault(event["user"], deque()).append(event)
    while waiting:
        heads = [queue[0] for queue in waiting.values()]
        response = kinesis.put_records(StreamName="clicks", Records=[{"Data": json.dumps(e).encode(), "PartitionKey": e["id"]} for e in heads])
        for event, result in zip(heads, response["Records"]):
            if "ErrorCode" not in result:
                waiting[event["user"]].popleft()
                if not waiting[event["user"]]:
                    del waiting[event["user"]]
