"""Visibility heartbeat for a long job: starter.

Run & grade at any time: every checkpoint tells you what it expected.
"""

import json
import time

import boto3

sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")


def setup():
    sqs.create_queue(QueueName="render-jobs")  # the default visibility timeout, 30 s: keep it
    dynamodb.create_table(
        TableName="render-parts",
        KeySchema=[{"AttributeName": "jobId", "KeyType": "HASH"}, {"AttributeName": "part", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "jobId", "AttributeType": "S"}, {"AttributeName": "part", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST",
    )


def work():
    queue_url = sqs.get_queue_url(QueueName="render-jobs")["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1).get("Messages", [])
    if not messages:
        return None
    message = messages[0]
    job = json.loads(message["Body"])
    for part in range(1, job["parts"] + 1):
        # TODO: a part can take up to 20 s, and the job is hidden for only 30 s
        #       after the receive. Before each part, if less than 20 s plus a
        #       margin is left (time.time() follows the emulator's clock), call
        #       sqs.change_message_visibility(..., VisibilityTimeout=<60 or less>).
        dynamodb.put_item(TableName="render-parts", Item={"jobId": {"S": job["jobId"]}, "part": {"N": str(part)}})
    # TODO: delete the job (with its receipt handle) now that every part is written.
    return job["jobId"]
