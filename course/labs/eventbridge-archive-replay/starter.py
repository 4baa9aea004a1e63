"""Archive, retry, dead-letter and replay: starter."""

import json

import boto3

events = boto3.client("events")
sqs = boto3.client("sqs")


def queue_arn(name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def setup():
    events.create_event_bus(Name="shop-events")
    invoicing_arn = queue_arn("invoicing")
    dlq_arn = queue_arn("invoicing-dlq")

    pattern = {"source": ["com.shop.orders"], "detail-type": ["OrderPlaced"]}
    events.put_rule(Name="to-invoicing", EventBusName="shop-events", EventPattern=json.dumps(pattern))
    # TODO: give this target a RetryPolicy (50 attempts, 15 minutes) and a
    #       DeadLetterConfig pointing at invoicing-dlq (dlq_arn).
    events.put_targets(Rule="to-invoicing", EventBusName="shop-events", Targets=[{"Id": "invoicing", "Arn": invoicing_arn}])

    # TODO: a queue policy on invoicing-dlq letting events.amazonaws.com send,
    #       for the to-invoicing rule's ARN only.
    # TODO: archive orders-archive: every com.shop.orders event on shop-events, kept 30 days.


def replay_outage(start, end):
    """start and end are ISO 8601 times: the window in which orders were dropped."""
    # TODO: start_replay from orders-archive, only this window, back onto
    #       shop-events and only to the to-invoicing rule (a new name each time).
    pass
