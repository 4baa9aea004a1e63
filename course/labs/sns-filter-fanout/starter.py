"""Fan-out with filter policies: starter."""

import json

import boto3

sns = boto3.client("sns")
sqs = boto3.client("sqs")


def queue_arn(url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def setup():
    topic_arn = sns.create_topic(Name="order-events")["TopicArn"]
    for name in ("payments", "shipping", "audit"):
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        # TODO: set a queue policy that lets only this topic send (sqs:SendMessage).
        # TODO: add a filter policy for payments and shipping, and raw message
        #       delivery for audit, through the Attributes of subscribe().
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn(url))
