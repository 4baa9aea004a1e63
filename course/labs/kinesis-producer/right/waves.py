"""A right answer: wave k holds every user's k-th event; a wave is retried
(its failed records only) until it is all written, before the next wave goes."""

import json
import time
from collections import defaultdict

import boto3

kinesis = boto3.client("kinesis")


def setup():
    kinesis.create_stream(StreamName="clicks", ShardCount=2, StreamModeDetails={"StreamMode": "PROVISIONED"})
    kinesis.get_waiter("stream_exists").wait(StreamName="clicks")


def publish(events):
    per_user = defaultdict(list)
    for event in sorted(events, key=lambda e: e["seq"]):
        per_user[event["user"]].append(event)
    waves = defaultdict(list)
    for user_events in per_user.values():
        for k, event in enumerate(user_events):
            waves[k].append(event)
    for k in sorted(waves):
        wave = [{"Data": json.dumps(e).encode(), "PartitionKey": e["user"]} for e in waves[k]]
        for attempt in range(10):
            response = kinesis.put_records(StreamName="clicks", Records=wave)
            if response["FailedRecordCount"] == 0:
                break
            wave = [entry for entry, result in zip(wave, response["Records"]) if "ErrorCode" in result]
            time.sleep(0.01 * 2**attempt)  # a short backoff; a real producer would jitter it
        else:
            raise RuntimeError(f"{len(wave)} records still failing")
