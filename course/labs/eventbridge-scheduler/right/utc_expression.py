"""Order reminders, with the at() time written in UTC and the schedule's time zone UTC."""

import json
from datetime import datetime, timedelta, timezone

import boto3

scheduler = boto3.client("scheduler")
sqs = boto3.client("sqs")
arns = {}


def setup():
    for name in ("reminders", "reminders-dlq"):
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arns[name] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    scheduler.create_schedule_group(Name="order-reminders")


def schedule_reminder(order):
    due = datetime.fromisoformat(order["placedAt"]).astimezone(timezone.utc) + timedelta(days=1)
    scheduler.create_schedule(
        GroupName="order-reminders",
        Name="reminder-" + order["orderId"],
        ScheduleExpression="at(" + due.strftime("%Y-%m-%dT%H:%M:%S") + ")",
        ScheduleExpressionTimezone="UTC",
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        Target={
            "Arn": arns["reminders"],
            "RoleArn": "arn:aws:iam::123456789012:role/reminders",
            "Input": json.dumps({"kind": "review-reminder", "orderId": order["orderId"]}),
            "DeadLetterConfig": {"Arn": arns["reminders-dlq"]},
            "RetryPolicy": {"MaximumEventAgeInSeconds": 60 * 60, "MaximumRetryAttempts": 10},
        },
    )
