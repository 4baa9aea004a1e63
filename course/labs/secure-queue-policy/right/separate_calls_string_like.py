"""Step by step: create, subscribe, set the policy, then turn encryption on in a
separate call (the policy stays). StringLike with no wildcard is an exact
match, and the Allow is written with Resource "*" (a queue policy only ever
applies to its own queue)."""

import json

import boto3

sqs = boto3.client("sqs")
sns = boto3.client("sns")


def setup():
    url = sqs.create_queue(QueueName="invoice-inbox")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]["QueueArn"]
    topic = sns.create_topic(Name="invoice-events")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True)
    statements = [
        {
            "Sid": "TlsOnly",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sqs:*",
            "Resource": arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {
            "Sid": "InvoiceEventsOnly",
            "Effect": "Allow",
            "Principal": {"Service": ["sns.amazonaws.com"]},
            "Action": ["sqs:SendMessage"],
            "Resource": "*",
            "Condition": {"StringLike": {"aws:SourceArn": [topic]}},
        },
    ]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": statements})})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"SqsManagedSseEnabled": "true"})
