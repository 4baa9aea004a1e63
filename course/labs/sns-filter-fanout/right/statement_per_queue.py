"""A right answer: one subscription at a time, filter policies as dicts."""

import json

import boto3

sns = boto3.client("sns")
sqs = boto3.client("sqs")


def queue(name, topic_arn):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": ["sns.amazonaws.com"]},
        "Action": ["sqs:SendMessage"],
        "Resource": arn,
        "Condition": {"ArnLike": {"aws:SourceArn": topic_arn}},
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})})
    return arn


def setup():
    topic = sns.create_topic(Name="order-events")["TopicArn"]

    payments = queue("payments", topic)
    policy = {"amount": [{"numeric": [">=", 100]}], "event_type": ["order.refunded", "order.created"]}
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=payments, Attributes={"FilterPolicy": json.dumps(policy)})

    shipping = queue("shipping", topic)
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=shipping, ReturnSubscriptionArn=True)["SubscriptionArn"]
    policy = {"event_type": ["order.created"], "region": [{"prefix": "eu-"}]}
    sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicy", AttributeValue=json.dumps(policy))

    audit = queue("audit", topic)
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=audit, ReturnSubscriptionArn=True)["SubscriptionArn"]
    sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="RawMessageDelivery", AttributeValue="true")
