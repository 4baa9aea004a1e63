"""SNS and EventBridge deliver to a queue only when the queue's policy lets them
in (as on AWS; grader/emulator/moto_fixes/sqs_queue_policy.py): tests that fan
out or route events give their queues that policy."""

import json


def _allow(sqs, queue_url: str, service: str, condition: dict | None) -> str:
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    statement = {"Effect": "Allow", "Principal": {"Service": f"{service}.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": queue_arn}
    if condition:
        statement["Condition"] = condition
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})})
    return queue_arn


def allow_topic(sqs, queue_url: str, topic_arn: str) -> str:
    """Give the queue a policy letting `topic_arn` send; returns the queue's ARN."""
    return _allow(sqs, queue_url, "sns", {"ArnEquals": {"aws:SourceArn": topic_arn}})


def allow_eventbridge(sqs, queue_url: str) -> str:
    """Give the queue a policy letting EventBridge rules of this account send; returns the queue's ARN."""
    return _allow(sqs, queue_url, "events", None)
