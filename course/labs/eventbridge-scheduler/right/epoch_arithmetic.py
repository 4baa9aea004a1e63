"""Order reminders, computing the due time in seconds and formatting it in the customer's zone."""

import json
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import boto3

scheduler = boto3.client("scheduler")
sqs = boto3.client("sqs")
DAY = 24 * 60 * 60


def arn(name):
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def setup():
    sqs.create_queue(QueueName="reminders-dlq")
    sqs.create_queue(QueueName="reminders")
    scheduler.create_schedule_group(Name="order-reminders")


def schedule_reminder(order):
    due_s = datetime.fromisoformat(order["placedAt"]).timestamp() + DAY
    local = datetime.fromtimestamp(due_s, ZoneInfo(order["timezone"]))
    target = {
        "Arn": arn("reminders"),
        "RoleArn": "arn:aws:iam::123456789012:role/scheduler",
        "Input": json.dumps({"orderId": order["orderId"], "kind": "review-reminder"}),
        "RetryPolicy": {"MaximumRetryAttempts": 10, "MaximumEventAgeInSeconds": 3600},
        "DeadLetterConfig": {"Arn": arn("reminders-dlq")},
    }
    assert due_s > time.time() - DAY  # an order from the past day
    scheduler.create_schedule(
        Name=f"reminder-{order['orderId']}", GroupName="order-reminders",
        ScheduleExpression="at({})".format(local.replace(tzinfo=None).isoformat(timespec="seconds")),
        ScheduleExpressionTimezone=order["timezone"], FlexibleTimeWindow={"Mode": "OFF"},
        Target=target, ActionAfterCompletion="DELETE",
    )
