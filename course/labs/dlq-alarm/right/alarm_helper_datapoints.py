"""One helper for both alarms, the queue ARN from the URL's attributes, and
DatapointsToAlarm spelled out (equal to EvaluationPeriods, AWS's default)."""

import json

import boto3

cloudwatch = boto3.client("cloudwatch")
sns = boto3.client("sns")
sqs = boto3.client("sqs")


def page_when(name, metric, queue, *, above, minutes, topic_arn):
    cloudwatch.put_metric_alarm(
        AlarmName=name,
        AlarmDescription=f"{metric} of {queue} above {above} for {minutes} minute(s)",
        ActionsEnabled=True,
        AlarmActions=[topic_arn],
        Namespace="AWS/SQS",
        MetricName=metric,
        Dimensions=[{"Name": "QueueName", "Value": queue}],
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=minutes,
        DatapointsToAlarm=minutes,
        Threshold=above,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
    )


def setup():
    topic_arn = sns.create_topic(Name="ops-pages")["TopicArn"]
    dlq = sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["All"])["Attributes"]["QueueArn"]
    orders = sqs.create_queue(QueueName="orders")["QueueUrl"]
    sqs.set_queue_attributes(
        QueueUrl=orders,
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"})},
    )
    page_when("orders-oldest-message-age", "ApproximateAgeOfOldestMessage", "orders", above=300, minutes=3, topic_arn=topic_arn)
    page_when("orders-dlq-not-empty", "ApproximateNumberOfMessagesVisible", "orders-dlq", above=0, minutes=1, topic_arn=topic_arn)
