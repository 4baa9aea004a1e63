"""A right answer: a small Lease object on datetime, 60-second leases renewed when
less than 25 s are left, and a receive that asks for 60 s at once."""

import json
from datetime import datetime, timedelta, timezone

import boto3

sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")
LEASE = timedelta(seconds=60)
RENEW_BELOW = timedelta(seconds=25)


class Lease:
    def __init__(self, queue_url, receipt_handle, until):
        self.queue_url, self.receipt_handle, self.until = queue_url, receipt_handle, until

    def keep(self):
        """Extend before the next step if the time left might not cover it."""
        now = datetime.now(timezone.utc)
        if self.until - now < RENEW_BELOW:
            sqs.change_message_visibility(
                QueueUrl=self.queue_url, ReceiptHandle=self.receipt_handle, VisibilityTimeout=int(LEASE.total_seconds()),
            )
            self.until = now + LEASE

    def finish(self):
        sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=self.receipt_handle)


def setup():
    sqs.create_queue(QueueName="render-jobs")
    dynamodb.create_table(
        TableName="render-parts",
        AttributeDefinitions=[{"AttributeName": "part", "AttributeType": "N"}, {"AttributeName": "jobId", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "jobId", "KeyType": "HASH"}, {"AttributeName": "part", "KeyType": "RANGE"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )


def work():
    queue_url = sqs.get_queue_url(QueueName="render-jobs")["QueueUrl"]
    asked_at = datetime.now(timezone.utc)
    response = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1, VisibilityTimeout=int(LEASE.total_seconds()))
    if "Messages" not in response:
        return None
    message = response["Messages"][0]
    lease = Lease(queue_url, message["ReceiptHandle"], asked_at + LEASE)
    job = json.loads(message["Body"])
    for part in range(1, job["parts"] + 1):
        lease.keep()
        dynamodb.put_item(TableName="render-parts", Item={"jobId": {"S": job["jobId"]}, "part": {"N": str(part)}})
    lease.finish()
    return job["jobId"]
