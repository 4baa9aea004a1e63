# Misconception: any topic will do: the FIFO queues keep the order and drop duplicates on their own.
# fails: topic
import json

import boto3

sns = boto3.client("sns")
sqs = boto3.client("sqs")

TOPIC = "order-events"
QUEUES = ("billing.fifo", "shipping.fifo")


def topic_arn():
    return sns.create_topic(Name=TOPIC, Attributes={})["TopicArn"]  # idempotent: returns the ARN


def allow_only(topic, queue_url, queue_arn):
    """The topic, and only it, may send to the queue."""
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": queue_arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic}},
    }]}
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})


def setup():
    arn = topic_arn()
    for name in QUEUES:
        url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        allow_only(arn, url, queue_arn)
        sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})


def publish(events):
    arn = topic_arn()
    for event in events:
        sns.publish(
            TopicArn=arn,
            Message=event["message"],
            MessageGroupId=event["orderId"],  # one order's events stay in order; orders flow in parallel
            MessageDeduplicationId=event["eventId"],  # the same event published again is dropped
        )
