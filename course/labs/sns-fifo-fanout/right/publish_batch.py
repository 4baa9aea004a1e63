"""Publishes in batches of ten with PublishBatch; finds the topic by listing; each queue is created with its policy."""

import json

import boto3

sns = boto3.client("sns")
sqs = boto3.client("sqs")


def find_topic():
    for page in sns.get_paginator("list_topics").paginate():
        for topic in page["Topics"]:
            if topic["TopicArn"].endswith(":order-events.fifo"):
                return topic["TopicArn"]
    raise RuntimeError("order-events.fifo does not exist")


def setup():
    topic = sns.create_topic(Name="order-events.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "false"})["TopicArn"]
    _, partition, _, region, account, _ = topic.split(":")
    for name in ("shipping.fifo", "billing.fifo"):
        arn = f"arn:{partition}:sqs:{region}:{account}:{name}"  # the queue is in the topic's account and region
        policy = {
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic}},
            }],
        }
        sqs.create_queue(QueueName=name, Attributes={
            "FifoQueue": "true", "ContentBasedDeduplication": "false", "Policy": json.dumps(policy),
        })
        subscription = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True)["SubscriptionArn"]
        sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="RawMessageDelivery", AttributeValue="true")


def publish(events):
    topic = find_topic()
    for start in range(0, len(events), 10):
        chunk = events[start:start + 10]
        answer = sns.publish_batch(
            TopicArn=topic,
            PublishBatchRequestEntries=[
                {"Id": str(i), "Message": e["message"], "MessageGroupId": e["orderId"], "MessageDeduplicationId": e["eventId"]}
                for i, e in enumerate(chunk)
            ],
        )
        if answer.get("Failed"):
            # Stop rather than publish a later event of an order ahead of a failed one.
            raise RuntimeError(f"PublishBatch failed for {answer['Failed']}")
