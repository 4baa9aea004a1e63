# Misconception: a replay only goes to the rule that needs it, so FilterArns can be left out.
# fails: replay-rules
"""Archive, retry, dead-letter and replay."""

import json
from datetime import datetime

import boto3

events = boto3.client("events")
sqs = boto3.client("sqs")

BUS = "shop-events"
RULE = "to-invoicing"
ARCHIVE = "orders-archive"


def create_queue(name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def allow_rule(queue_url, queue_arn, rule_arn):
    """Let EventBridge send to the queue, for this rule only."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
        }],
    }
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})


def setup():
    bus_arn = events.create_event_bus(Name=BUS)["EventBusArn"]
    invoicing_url, invoicing_arn = create_queue("invoicing")
    dlq_url, dlq_arn = create_queue("invoicing-dlq")

    pattern = {"source": ["com.shop.orders"], "detail-type": ["OrderPlaced"]}
    rule_arn = events.put_rule(Name=RULE, EventBusName=BUS, EventPattern=json.dumps(pattern))["RuleArn"]
    events.put_targets(
        Rule=RULE,
        EventBusName=BUS,
        Targets=[{
            "Id": "invoicing",
            "Arn": invoicing_arn,
            # Retry a busy queue for up to 15 minutes, then park the event.
            "RetryPolicy": {"MaximumRetryAttempts": 50, "MaximumEventAgeInSeconds": 900},
            "DeadLetterConfig": {"Arn": dlq_arn},
        }],
    )
    allow_rule(invoicing_url, invoicing_arn, rule_arn)
    allow_rule(dlq_url, dlq_arn, rule_arn)

    events.create_archive(
        ArchiveName=ARCHIVE,
        EventSourceArn=bus_arn,
        EventPattern=json.dumps({"source": ["com.shop.orders"]}),
        RetentionDays=30,
    )


def replay_outage(start, end):
    """Replay the orders archived between start and end (ISO 8601) to to-invoicing only."""
    archive_arn = events.describe_archive(ArchiveName=ARCHIVE)["ArchiveArn"]
    bus_arn = events.describe_event_bus(Name=BUS)["Arn"]
    rule_arn = events.describe_rule(Name=RULE, EventBusName=BUS)["Arn"]
    first, last = datetime.fromisoformat(start), datetime.fromisoformat(end)
    events.start_replay(
        ReplayName=f"invoicing-{first:%Y%m%dT%H%M%S}-{last:%H%M%S}",
        EventSourceArn=archive_arn,
        EventStartTime=first,
        EventEndTime=last,
        Destination={"Arn": bus_arn},
    )
