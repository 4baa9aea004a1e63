"""SNS delivers to a queue only when the queue's policy lets the topic in (as on
AWS; grader/emulator/moto_fixes/sqs_queue_policy.py): tests that fan out give
their queues that policy."""

import json


def allow_topic(sqs, queue_url: str, topic_arn: str) -> str:
    """Give the queue a policy letting `topic_arn` send; returns the queue's ARN."""
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
            "Resource": queue_arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
        }],
    }
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})
    return queue_arn
