"""A right answer: Principal "*" narrowed to the topic by aws:SourceArn (AWS's older documented form)."""

import json

import boto3

sns = boto3.client("sns")
sqs = boto3.client("sqs")

FILTERS = {
    "payments": {"event_type": ["order.created", "order.refunded"], "amount": [{"numeric": [">=", 100]}]},
    "shipping": {"event_type": ["order.created"], "region": [{"prefix": "eu-"}]},
}


def setup():
    topic_arn = sns.create_topic(Name="order-events")["TopicArn"]
    for name in ("audit", "shipping", "payments"):
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        policy = {
            "Version": "2012-10-17",
            "Id": f"{name}-from-order-events",
            "Statement": {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "SQS:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
            },
        }
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
        attributes = {"RawMessageDelivery": "true"} if name == "audit" else {"FilterPolicy": json.dumps(FILTERS[name])}
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes=attributes)
