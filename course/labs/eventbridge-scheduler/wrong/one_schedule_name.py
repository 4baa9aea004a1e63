# Misconception: one schedule name is enough, like one queue name; the second order's create_schedule fails with ConflictException.
# fails: on-time
"""Order reminders with EventBridge Scheduler."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import boto3

scheduler = boto3.client("scheduler")
sqs = boto3.client("sqs")

GROUP = "order-reminders"
ROLE_ARN = "arn:aws:iam::123456789012:role/scheduler-reminders"


def queue_arn(name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def setup():
    queue_arn("reminders")
    queue_arn("reminders-dlq")
    scheduler.create_schedule_group(Name=GROUP)


def schedule_reminder(order):
    zone = ZoneInfo(order["timezone"])
    placed = datetime.fromisoformat(order["placedAt"])
    # 24 hours after the order, written as the customer's wall-clock time.
    due = (placed + timedelta(hours=24)).astimezone(zone)
    scheduler.create_schedule(
        Name="order-reminder",
        GroupName=GROUP,
        ScheduleExpression=f"at({due:%Y-%m-%dT%H:%M:%S})",
        ScheduleExpressionTimezone=order["timezone"],
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": queue_arn("reminders"),
            "RoleArn": ROLE_ARN,
            "Input": json.dumps({"orderId": order["orderId"], "kind": "review-reminder"}),
            "RetryPolicy": {"MaximumRetryAttempts": 10, "MaximumEventAgeInSeconds": 3600},
            "DeadLetterConfig": {"Arn": queue_arn("reminders-dlq")},
        },
        ActionAfterCompletion="DELETE",
    )
