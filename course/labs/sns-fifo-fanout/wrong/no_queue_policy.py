# Misconception: subscribing the queue is permission enough: a subscription lets the topic write to the queue.
# fails: queue-policy
import boto3

sns = boto3.client("sns")
sqs = boto3.client("sqs")

TOPIC = "order-events.fifo"
QUEUES = ("billing.fifo", "shipping.fifo")


def topic_arn():
    return sns.create_topic(Name=TOPIC, Attributes={"FifoTopic": "true"})["TopicArn"]  # idempotent: returns the ARN


def setup():
    arn = topic_arn()
    for name in QUEUES:
        url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
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
