"""Content-based deduplication is on, but every publish names its event: an explicit id wins."""

import json

import boto3

sns = boto3.client("sns")
sqs = boto3.client("sqs")

ARN = {}


def setup():
    ARN["topic"] = sns.create_topic(
        Name="order-events.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"}
    )["TopicArn"]
    for name in ("billing.fifo", "shipping.fifo"):
        url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "TopicDelivers",
                "Effect": "Allow",
                "Principal": {"Service": ["sns.amazonaws.com"]},
                "Action": ["sqs:SendMessage"],
                "Resource": arn,
                "Condition": {"ArnLike": {"aws:SourceArn": ARN["topic"]}},
            }],
        })})
        sns.subscribe(TopicArn=ARN["topic"], Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})


def publish(events):
    for event in events:
        answer = sns.publish(
            TopicArn=ARN["topic"],
            Message=event["message"],
            MessageGroupId=f"order:{event['orderId']}",
            MessageDeduplicationId=f"event:{event['eventId']}",
        )
        print(event["eventId"], "sequence", answer.get("SequenceNumber"))
