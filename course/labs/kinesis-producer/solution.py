"""Partition keys, and partial failures that keep order: a reference solution."""

import json
from collections import deque

import boto3

kinesis = boto3.client("kinesis")
STREAM = "clicks"


def setup():
    kinesis.create_stream(StreamName=STREAM, ShardCount=2, StreamModeDetails={"StreamMode": "PROVISIONED"})
    kinesis.get_waiter("stream_exists").wait(StreamName=STREAM)


def publish(events):
    """Write every event with PutRecords, keyed by user, keeping each user's order.

    Each call carries at most one event per user: the oldest one not yet
    written. A user's next event waits until that one succeeded, so a retry can
    never land behind a later event of the same user.
    """
    waiting = {}
    for event in events:
        waiting.setdefault(event["user"], deque()).append(event)
    while waiting:
        heads = [queue[0] for queue in waiting.values()]
        response = kinesis.put_records(
            StreamName=STREAM,
            Records=[{"Data": json.dumps(e).encode("utf-8"), "PartitionKey": e["user"]} for e in heads],
        )
        # Results line up with the request; a failed one has an ErrorCode.
        for event, result in zip(heads, response["Records"]):
            if "ErrorCode" not in result:
                waiting[event["user"]].popleft()
                if not waiting[event["user"]]:
                    del waiting[event["user"]]
