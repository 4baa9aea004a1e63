"""Policy and encryption in CreateQueue itself: the queue ARN built from the
account id, Principal "*" narrowed by the source ARN (AWS's older examples),
and ArnLike with the exact ARN (no wildcard, so it matches only that topic)."""

import json

import boto3

sns = boto3.client("sns")
sqs = boto3.client("sqs")
sts = boto3.client("sts")

REGION = "us-east-1"


def setup():
    account = sts.get_caller_identity()["Account"]
    queue_arn = f"arn:aws:sqs:{REGION}:{account}:invoice-inbox"
    topic_arn = sns.create_topic(Name="invoice-events")["TopicArn"]
    policy = {
        "Version": "2012-10-17",
        "Id": "invoice-inbox-policy",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "*",
                "Resource": queue_arn,
                "Condition": {"Bool": {"aws:SecureTransport": False}},
            },
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["sqs:SendMessage"],
                "Resource": queue_arn,
                "Condition": {
                    "ArnLike": {"aws:SourceArn": topic_arn},
                    "StringEquals": {"aws:SourceAccount": account},
                },
            },
        ],
    }
    sqs.create_queue(
        QueueName="invoice-inbox",
        Attributes={"Policy": json.dumps(policy), "SqsManagedSseEnabled": "true"},
    )
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
