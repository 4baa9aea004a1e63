"""A queue only its topic can write to: starter.

Run & grade at any time: every checkpoint tells you what it expected.
"""

import json

import boto3

sns = boto3.client("sns")
sqs = boto3.client("sqs")


def queue_policy(queue_arn, topic_arn):
    return {
        "Version": "2012-10-17",
        "Statement": [
            # TODO: allow SNS ({"Service": "sns.amazonaws.com"}) to call sqs:SendMessage
            #       on this queue, but only when aws:SourceArn is exactly topic_arn.
            # TODO: deny every principal every sqs:* action when aws:SecureTransport is "false".
        ],
    }


def setup():
    topic_arn = sns.create_topic(Name="invoice-events")["TopicArn"]
    # TODO: make sure the queue is encrypted with SSE-SQS.
    url = sqs.create_queue(QueueName="invoice-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = queue_policy(queue_arn, topic_arn)
    if policy["Statement"]:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
