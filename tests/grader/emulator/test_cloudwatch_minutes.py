"""run.cloudwatch_minutes' engine: SQS metrics each minute, alarms evaluated as AWS documents, SNS notified."""

import json

import boto3
import pytest
from moto import mock_aws

from grader.emulator import clock, cloudwatch_minutes, moto_fixes
from tests.grader.emulator.moto_fixes.conftest import upstream_bug
from tests.grader.emulator.service_access import allow_topic


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    moto_fixes.apply()
    clock.reset()
    cloudwatch_minutes.reset()
    with mock_aws():
        yield lambda service: boto3.client(service, region_name="us-east-1")
    clock.reset()


def alarm(cloudwatch, name, queue, *, threshold=0, periods=1, operator="GreaterThanThreshold", treat="notBreaching", metric="ApproximateNumberOfMessagesVisible", actions=()):
    cloudwatch.put_metric_alarm(
        AlarmName=name, Namespace="AWS/SQS", MetricName=metric, Dimensions=[{"Name": "QueueName", "Value": queue}],
        Statistic="Maximum", Period=60, EvaluationPeriods=periods, Threshold=threshold, ComparisonOperator=operator,
        TreatMissingData=treat, AlarmActions=list(actions),
    )


def tick(count=1):
    changes = []
    for _ in range(count):
        clock.advance(60)
        changes.extend(t.to_dict() for t in cloudwatch_minutes.minute())
    return changes


def test_sqs_publishes_its_gauges_each_minute(aws):
    sqs, cloudwatch = aws("sqs"), aws("cloudwatch")
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="a")
    sqs.send_message(QueueUrl=url, MessageBody="b")
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=600)
    tick(2)
    values = {}
    for metric in cloudwatch_minutes.SQS_METRICS:
        stats = cloudwatch.get_metric_statistics(
            Namespace="AWS/SQS", MetricName=metric, Dimensions=[{"Name": "QueueName", "Value": "jobs"}],
            StartTime=clock.utcnow().replace(year=2000), EndTime=clock.utcnow().replace(year=2100), Period=60, Statistics=["Maximum"],
        )["Datapoints"]
        values[metric] = max(p["Maximum"] for p in stats)
    assert values["ApproximateNumberOfMessagesVisible"] == 1
    assert values["ApproximateNumberOfMessagesNotVisible"] == 1
    assert 119 <= values["ApproximateAgeOfOldestMessage"] <= 121


def test_an_alarm_starts_insufficient_then_goes_to_alarm_and_notifies_its_topic_once(aws):
    sqs, sns, cloudwatch = aws("sqs"), aws("sns"), aws("cloudwatch")
    topic = sns.create_topic(Name="pages")["TopicArn"]
    pager = sqs.create_queue(QueueName="pager")["QueueUrl"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=allow_topic(sqs, pager, topic))
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    alarm(cloudwatch, "dlq-not-empty", "dlq", actions=[topic])
    assert [(c["old"], c["new"]) for c in tick()] == [("INSUFFICIENT_DATA", "OK")]
    sqs.send_message(QueueUrl=dlq, MessageBody="dead")
    changes = tick(3)
    assert [(c["old"], c["new"], c["notified"]) for c in changes] == [("OK", "ALARM", [topic])]
    notes = [json.loads(json.loads(m["Body"])["Message"]) for m in sqs.receive_message(QueueUrl=pager, MaxNumberOfMessages=10)["Messages"]]
    assert len(notes) == 1
    assert notes[0]["NewStateValue"] == "ALARM" and notes[0]["OldStateValue"] == "OK" and notes[0]["AlarmName"] == "dlq-not-empty"
    assert notes[0]["Trigger"]["Dimensions"] == [{"value": "dlq", "name": "QueueName"}]
    assert cloudwatch.describe_alarms(AlarmNames=["dlq-not-empty"])["MetricAlarms"][0]["StateValue"] == "ALARM"


@pytest.mark.parametrize(
    "treat, expected",
    [("missing", "INSUFFICIENT_DATA"), ("notBreaching", "OK"), ("breaching", "ALARM"), ("ignore", "OK")],
)
def test_treat_missing_data_for_a_metric_nobody_publishes(aws, treat, expected):
    cloudwatch = aws("cloudwatch")
    alarm(cloudwatch, "ghost", "no-such-queue", treat=treat)
    tick(2)
    state = cloudwatch.describe_alarms(AlarmNames=["ghost"])["MetricAlarms"][0]["StateValue"]
    assert state == (expected if treat != "ignore" else "INSUFFICIENT_DATA")  # ignore keeps the first state


def test_three_periods_need_three_breaching_datapoints(aws):
    sqs, cloudwatch = aws("sqs"), aws("cloudwatch")
    url = sqs.create_queue(QueueName="work")["QueueUrl"]
    alarm(cloudwatch, "old-work", "work", metric="ApproximateAgeOfOldestMessage", threshold=120, periods=3)
    alarm(cloudwatch, "old-work-fast", "work", metric="ApproximateAgeOfOldestMessage", threshold=120, periods=1)
    clock.advance(10)
    sqs.send_message(QueueUrl=url, MessageBody="slow")
    changes = tick(4)  # ages 50, 110, 170, 230: two over 120
    assert [(c["alarm"], c["new"]) for c in changes if c["new"] == "ALARM"] == [("old-work-fast", "ALARM")]
    changes = tick(1)  # 290: the third
    assert [(c["alarm"], c["new"]) for c in changes] == [("old-work", "ALARM")]


@upstream_bug
def test_plain_moto_evaluates_alarms_on_the_metrics_sqs_should_publish():
    """If moto ever publishes SQS metrics and evaluates alarms itself, run.cloudwatch_minutes would do it twice."""
    import subprocess
    import sys

    script = (
        "import boto3, os\n"
        "os.environ.update(AWS_ACCESS_KEY_ID='t', AWS_SECRET_ACCESS_KEY='t')\n"
        "from moto import mock_aws\n"
        "with mock_aws():\n"
        "    sqs, cw = boto3.client('sqs', region_name='us-east-1'), boto3.client('cloudwatch', region_name='us-east-1')\n"
        "    url = sqs.create_queue(QueueName='dlq')['QueueUrl']\n"
        "    sqs.send_message(QueueUrl=url, MessageBody='x')\n"
        "    cw.put_metric_alarm(AlarmName='a', Namespace='AWS/SQS', MetricName='ApproximateNumberOfMessagesVisible',"
        " Dimensions=[{'Name': 'QueueName', 'Value': 'dlq'}], Statistic='Maximum', Period=60, EvaluationPeriods=1,"
        " Threshold=0, ComparisonOperator='GreaterThanThreshold')\n"
        "    metrics = cw.list_metrics(Namespace='AWS/SQS')['Metrics']\n"
        "    print(len(metrics), cw.describe_alarms()['MetricAlarms'][0]['StateValue'])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True).stdout.split()
    assert out[0] != "0" or out[1] != "OK"
