"""A right answer: no clock at all. Before every part the job is hidden for 45 s more,
and a failed part releases the job at once before the error goes on."""

import json

import boto3

sqs = boto3.client("sqs")
parts_table = boto3.resource("dynamodb").Table("render-parts")


def setup():
    sqs.create_queue(QueueName="render-jobs")
    boto3.resource("dynamodb").create_table(
        TableName="render-parts",
        KeySchema=[{"AttributeName": "jobId", "KeyType": "HASH"}, {"AttributeName": "part", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "jobId", "AttributeType": "S"}, {"AttributeName": "part", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST",
    )


def work():
    queue_url = sqs.get_queue_url(QueueName="render-jobs")["QueueUrl"]
    received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=1)
    for message in received.get("Messages", []):
        handle = message["ReceiptHandle"]
        job = json.loads(message["Body"])
        try:
            for part in range(1, job["parts"] + 1):
                # 45 s from now covers the longest part (20 s) with room to spare.
                sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=45)
                parts_table.put_item(Item={"jobId": job["jobId"], "part": part})
        except Exception:
            sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=0)
            raise
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
        return job["jobId"]
    return None
