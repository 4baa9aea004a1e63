# Misconception: payments wants everything but cancellations, so anything-but order.cancelled; it also lets order.shipped and any new event type in.
# fails: payments-messages
import json

import boto3

sns = boto3.client("sns")
sqs = boto3.client("sqs")

SUBSCRIPTIONS = {
    "payments": {
        "FilterPolicy": json.dumps(
            {"event_type": [{"anything-but": ["order.cancelled"]}], "amount": [{"numeric": [">=", 100]}]}
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
                    "Principal": {"Service": "sns.amazonaws.com"},
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
