"""Page on dead letters and on old work: starter.

Run & grade at any time: every checkpoint tells you what it expected.
"""

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

    # TODO: alarm "orders-dlq-not-empty": page ops-pages as soon as orders-dlq holds
    #       any visible message (AWS/SQS, ApproximateNumberOfMessagesVisible, Maximum,
    #       60 s, 1 period, more than 0, missing data not breaching).
    cloudwatch.put_metric_alarm(
        AlarmName="orders-dlq-not-empty",
        Namespace="AWS/SQS",
        MetricName="ApproximateNumberOfMessagesVisible",
        Dimensions=[{"Name": "QueueName", "Value": "orders-dlq"}],
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
        # TODO: who gets paged?
    )
    # TODO: alarm "orders-oldest-message-age": page ops-pages when the oldest message in
    #       orders has been older than 300 seconds for 3 minutes in a row.
