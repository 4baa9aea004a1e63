# Misconception: a 12-hour visibility timeout on the queue replaces the heartbeat; the contract fixes it at 30 s, and a failed job would hide for hours.
# fails: setup
import json
import time

import boto3

sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")

LEASE_S = 30  # each extension hides the job this long from the moment of the call (at most 60)
LONGEST_PART_S = 20  # a part can take this long...
MARGIN_S = 5  # ...and this much more must be left before starting one


def setup():
    sqs.create_queue(QueueName="render-jobs", Attributes={"VisibilityTimeout": "43200"})
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
    hidden_until = time.time() + 30  # the queue's visibility timeout, counted from the receive
    job = json.loads(message["Body"])
    for part in range(1, job["parts"] + 1):
        # A failed write raises: the job is not deleted and comes back when the lease runs out.
        dynamodb.put_item(TableName="render-parts", Item={"jobId": {"S": job["jobId"]}, "part": {"N": str(part)}})
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return job["jobId"]
