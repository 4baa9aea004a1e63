# Misconception: a failed record succeeds on its second try, so one retry is enough.
# fails: exactly-once
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
    tries = {}
    while waiting:
        heads = [queue[0] for queue in waiting.values()]
        response = kinesis.put_records(StreamName="clicks", Records=[{"Data": json.dumps(e).encode(), "PartitionKey": e["user"]} for e in heads])
        for event, result in zip(heads, response["Records"]):
            tries[event["id"]] = tries.get(event["id"], 0) + 1
            if "ErrorCode" not in result or tries[event["id"]] >= 2:  # gives up after one retry
                waiting[event["user"]].popleft()
                if not waiting[event["user"]]:
                    del waiting[event["user"]]
