# Misconception: allowing your own account lets SNS deliver, but SNS sends as the service sns.amazonaws.com, not as the account.
# fails: queue-policies
import json

import boto3

sns = boto3.client("sns")
sqs = boto3.client("sqs")

SUBSCRIPTIONS = {
    "payments": {
        "FilterPolicy": json.dumps(
            {"event_type": ["order.created", "order.refunded"], "amount": [{"numeric": [">=", 100]}]}
        )
    },
    "shipping": {"FilterPolicy": json.dumps({"event_type": ["order.created"], "region": [{"prefix": "eu-"}]})},
    "audit": {"RawMessageDelivery": "true"},
}


def allow_topic(queue_arn, topic_arn):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AllowOrderEventsTopic",
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
                }
            ],
        }
    )


def setup():
    topic_arn = sns.create_topic(Name="order-events")["TopicArn"]
    for name, attributes in SUBSCRIPTIONS.items():
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": allow_topic(arn, topic_arn)})
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn, Attributes=attributes)
