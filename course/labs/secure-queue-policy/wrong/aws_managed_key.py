# Misconception: the AWS managed key alias/aws/sqs is the easy SSE-KMS, but SNS cannot use it, so nothing is delivered.
# fails: topic-delivers
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
                "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
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
    url = sqs.create_queue(QueueName="invoice-inbox", Attributes={"KmsMasterKeyId": "alias/aws/sqs"})["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(queue_policy(queue_arn, topic_arn))})
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
