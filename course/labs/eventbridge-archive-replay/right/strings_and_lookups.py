"""Archive and replay, with ISO strings handed to boto3 as they come and ARNs looked up by listing."""

import json
import uuid

import boto3

events = boto3.client("events")
sqs = boto3.client("sqs")


def arn_of(url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def setup():
    events.create_event_bus(Name="shop-events")
    rule_arn = events.put_rule(
        Name="to-invoicing",
        EventBusName="shop-events",
        EventPattern='{"detail-type": ["OrderPlaced"], "source": ["com.shop.orders"]}',
    )["RuleArn"]
    urls = {}
    for name in ("invoicing-dlq", "invoicing"):
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        statement = {
            "Sid": "events-to-" + name,
            "Effect": "Allow",
            "Principal": {"Service": ["events.amazonaws.com"]},
            "Action": ["sqs:SendMessage"],
            "Resource": arn_of(url),
            "Condition": {"ArnLike": {"aws:SourceArn": rule_arn}},
        }
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})})
        urls[name] = url
    events.put_targets(
        Rule="to-invoicing",
        EventBusName="shop-events",
        Targets=[{
            "Id": "1",
            "Arn": arn_of(urls["invoicing"]),
            "DeadLetterConfig": {"Arn": arn_of(urls["invoicing-dlq"])},
            "RetryPolicy": {"MaximumEventAgeInSeconds": 15 * 60, "MaximumRetryAttempts": 50},
        }],
    )
    bus = next(b for b in events.list_event_buses()["EventBuses"] if b["Name"] == "shop-events")
    events.create_archive(ArchiveName="orders-archive", EventSourceArn=bus["Arn"],
                          EventPattern='{"source": ["com.shop.orders"]}', RetentionDays=30)


def replay_outage(start, end):
    archive = next(a for a in events.list_archives(NamePrefix="orders-archive")["Archives"] if a["ArchiveName"] == "orders-archive")
    rule = next(r for r in events.list_rules(EventBusName="shop-events")["Rules"] if r["Name"] == "to-invoicing")
    events.start_replay(
        ReplayName="fix-" + uuid.uuid4().hex[:12],
        EventSourceArn=events.describe_archive(ArchiveName=archive["ArchiveName"])["ArchiveArn"],
        EventStartTime=start,  # boto3 takes ISO 8601 text as a timestamp
        EventEndTime=end,
        Destination={"Arn": archive["EventSourceArn"], "FilterArns": [rule["Arn"]]},
    )
