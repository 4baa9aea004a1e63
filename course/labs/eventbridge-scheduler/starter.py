"""Order reminders with EventBridge Scheduler: starter."""

import json
from datetime import datetime, timedelta

import boto3

scheduler = boto3.client("scheduler")
sqs = boto3.client("sqs")


def queue_arn(name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def setup():
    queue_arn("reminders")
    queue_arn("reminders-dlq")
    scheduler.create_schedule_group(Name="order-reminders")


def schedule_reminder(order):
    # TODO: 24 hours after order["placedAt"], not after now; write the at() time
    #       in the zone you give as ScheduleExpressionTimezone.
    due = datetime.now() + timedelta(hours=24)
    scheduler.create_schedule(
        Name=f"reminder-{order['orderId']}",
        GroupName="order-reminders",
        ScheduleExpression=f"at({due:%Y-%m-%dT%H:%M:%S})",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": queue_arn("reminders"),
            "RoleArn": "arn:aws:iam::123456789012:role/scheduler-reminders",
            "Input": json.dumps({"orderId": order["orderId"], "kind": "review-reminder"}),
            # TODO: RetryPolicy (10 attempts, 1 hour) and reminders-dlq as DeadLetterConfig.
        },
        # TODO: delete the schedule once it has run.
    )
