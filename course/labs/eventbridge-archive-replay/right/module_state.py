"""Archive and replay, remembering ARNs from setup() and numbering the replays."""

import itertools
import json
from datetime import datetime, timezone

import boto3

events = boto3.client("events")
sqs = boto3.client("sqs")
made = {}
replays = itertools.count(1)


def queue(name, policy_for_rule):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:*", "Resource": arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": policy_for_rule}},
    }]}
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    return arn


def setup():
    made["bus"] = events.create_event_bus(Name="shop-events")["EventBusArn"]
    made["archive"] = events.create_archive(
        ArchiveName="orders-archive", EventSourceArn=made["bus"], RetentionDays=30,
        EventPattern=json.dumps({"source": [{"prefix": "com.shop.orders"}]}),
    )["ArchiveArn"]
    made["rule"] = events.put_rule(
        Name="to-invoicing", EventBusName="shop-events",
        EventPattern=json.dumps({"source": ["com.shop.orders"], "detail-type": [{"prefix": "OrderPlaced"}]}),
    )["RuleArn"]
    target = {
        "Id": "invoicing", "Arn": queue("invoicing", made["rule"]),
        "DeadLetterConfig": {"Arn": queue("invoicing-dlq", made["rule"])},
        "RetryPolicy": {"MaximumRetryAttempts": 50, "MaximumEventAgeInSeconds": 900},
    }
    events.put_targets(Rule="to-invoicing", EventBusName="shop-events", Targets=[target])


def replay_outage(start, end):
    window = [datetime.fromisoformat(t).astimezone(timezone.utc) for t in (start, end)]
    events.start_replay(
        ReplayName=f"orders-outage-{next(replays)}-{int(window[0].timestamp())}",
        EventSourceArn=made["archive"],
        EventStartTime=window[0],
        EventEndTime=window[1],
        Destination={"Arn": made["bus"], "FilterArns": [made["rule"]]},
    )
