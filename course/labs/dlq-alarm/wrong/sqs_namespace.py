# Misconception: the namespace is the service name, "SQS"; SQS publishes under "AWS/SQS", so this alarm sees no data.
# fails: dlq-pages
import json

import boto3

sns = boto3.client("sns")
sqs = boto3.client("sqs")
cloudwatch = boto3.client("cloudwatch")


def setup():
    topic_arn = sns.create_topic(Name="ops-pages")["TopicArn"]
    dlq_url = sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.create_queue(
        QueueName="orders",
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})},
    )

    # Any message in the DLQ is an incident: page on the first one.
    cloudwatch.put_metric_alarm(
        AlarmName="orders-dlq-not-empty",
        Namespace="SQS",
        MetricName="ApproximateNumberOfMessagesVisible",
        Dimensions=[{"Name": "QueueName", "Value": "orders-dlq"}],
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
        AlarmActions=[topic_arn],
    )
    # Work waiting longer than five minutes, three minutes running: consumers are stuck.
    cloudwatch.put_metric_alarm(
        AlarmName="orders-oldest-message-age",
        Namespace="AWS/SQS",
        MetricName="ApproximateAgeOfOldestMessage",
        Dimensions=[{"Name": "QueueName", "Value": "orders"}],
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=3,
        Threshold=300,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
        AlarmActions=[topic_arn],
    )
