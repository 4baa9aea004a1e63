"""FIFO fan-out with an SNS FIFO topic: starter.

Run & grade at any time: every checkpoint tells you what it expected.
"""

import boto3

sns = boto3.client("sns")
sqs = boto3.client("sqs")


def setup():
    # TODO: make this a FIFO topic: the name must end in .fifo and it needs the
    # attribute FifoTopic "true".
    topic_arn = sns.create_topic(Name="order-events")["TopicArn"]
    for name in ("billing.fifo", "shipping.fifo"):
        url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        # TODO: give the queue a policy letting the topic, and only it, send to it
        # (Principal sns.amazonaws.com, Action sqs:SendMessage, Resource queue_arn,
        # Condition ArnEquals aws:SourceArn = topic_arn): without one SNS drops every message.
        # TODO: subscribe the queue to the topic (protocol "sqs"), with raw message delivery.


def publish(events):
    for event in events:
        # TODO: publish event["message"] to order-events.fifo, with a MessageGroupId
        # (what must stay in order?) and a MessageDeduplicationId (what makes two
        # publishes "the same event"?).
        print("would publish", event["eventId"], event["message"])
