# Misconception: aws:SourceAccount scopes SNS to the one topic, but it admits every topic of the account.
# fails: rogue-blocked
import json

import boto3

sns = boto3.client("sns")
sqs = boto3.client("sqs")


def queue_policy(queue_arn, topic_arn):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OnlyInvoiceEventsMaySend",
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": topic_arn.split(":")[4]}},
            },
            {
                "Sid": "DenyWithoutTls",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sqs:*",
                "Resource": queue_arn,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }


def setup():
    topic_arn = sns.create_topic(Name="invoice-events")["TopicArn"]
    url = sqs.create_queue(QueueName="invoice-inbox", Attributes={"SqsManagedSseEnabled": "true"})["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(queue_policy(queue_arn, topic_arn))})
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
