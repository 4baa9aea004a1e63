import datetime
import json
import zoneinfo

import pytest

from grader.emulator import clock, faults
from tests.grader.emulator.moto_fixes.conftest import upstream_bug

ROLE = "arn:aws:iam::123456789012:role/scheduler"


@pytest.fixture
def fresh_run():
    clock.reset()
    registry = faults.install(faults.Faults())
    yield registry
    faults.install(faults.Faults())
    clock.reset()


def queue(sqs, name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def local_at(seconds_from_now, zone):
    when = datetime.datetime.fromtimestamp(clock.time_s() + seconds_from_now, zoneinfo.ZoneInfo(zone))
    return f"at({when.replace(tzinfo=None).isoformat(timespec='seconds')})"


def bodies(sqs, url):
    return [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=43200).get("Messages", [])]


def test_an_at_schedule_fires_in_its_time_zone_and_deletes_itself(aws, fresh_run):
    sqs, scheduler = aws("sqs"), aws("scheduler")
    url, arn = queue(sqs, "reminders")
    scheduler.create_schedule(Name="in-berlin", ScheduleExpression=local_at(3600, "Asia/Kolkata"), ScheduleExpressionTimezone="Asia/Kolkata",
                              FlexibleTimeWindow={"Mode": "OFF"}, Target={"Arn": arn, "RoleArn": ROLE, "Input": '{"n": 1}'},
                              ActionAfterCompletion="DELETE")
    scheduler.create_schedule(Name="read-as-utc", ScheduleExpression=local_at(3600, "Asia/Kolkata"),
                              FlexibleTimeWindow={"Mode": "OFF"}, Target={"Arn": arn, "RoleArn": ROLE, "Input": '{"n": 2}'})
    clock.advance(3590)
    assert bodies(sqs, url) == []
    clock.advance(11)
    assert bodies(sqs, url) == ['{"n": 1}']
    assert [s["Name"] for s in scheduler.list_schedules()["Schedules"]] == ["read-as-utc"]
    clock.advance(5.5 * 3600)
    assert bodies(sqs, url) == ['{"n": 2}']
    clock.advance(3600)
    assert bodies(sqs, url) == [] and [s["Name"] for s in scheduler.list_schedules()["Schedules"]] == ["read-as-utc"]


def test_a_flexible_window_fires_late_within_the_window(aws, fresh_run):
    sqs, scheduler = aws("sqs"), aws("scheduler")
    url, arn = queue(sqs, "reminders")
    scheduler.create_schedule(Name="flex", ScheduleExpression=local_at(600, "UTC"), FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 10},
                              Target={"Arn": arn, "RoleArn": ROLE, "Input": "x"})
    clock.advance(601)
    assert bodies(sqs, url) == []
    clock.advance(600)
    assert bodies(sqs, url) == ["x"]


def test_a_rate_schedule_fires_every_period(aws, fresh_run):
    sqs, scheduler = aws("sqs"), aws("scheduler")
    url, arn = queue(sqs, "ticks")
    scheduler.create_schedule(Name="tick", ScheduleExpression="rate(5 minutes)", FlexibleTimeWindow={"Mode": "OFF"},
                              Target={"Arn": arn, "RoleArn": ROLE, "Input": "tick"})
    clock.advance(16 * 60)
    assert bodies(sqs, url) == ["tick"] * 3


def test_a_failed_invocation_is_retried_then_dead_lettered(aws, fresh_run):
    sqs, scheduler = aws("sqs"), aws("scheduler")
    url, arn = queue(sqs, "reminders")
    dlq, dlq_arn = queue(sqs, "reminders-dlq")
    fresh_run.fail_delivery("reminders")
    schedule_arn = scheduler.create_schedule(
        Name="doomed", ScheduleExpression=local_at(60, "UTC"), FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": arn, "RoleArn": ROLE, "Input": '{"orderId": "o-9"}', "DeadLetterConfig": {"Arn": dlq_arn},
                "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600}},
    )["ScheduleArn"]
    clock.advance(3600)
    [dead] = sqs.receive_message(QueueUrl=dlq, MessageAttributeNames=["All"])["Messages"]
    attributes = {k: v["StringValue"] for k, v in dead["MessageAttributes"].items()}
    assert dead["Body"] == '{"orderId": "o-9"}' and attributes["SCHEDULE_ARN"] == schedule_arn
    assert attributes["RETRY_ATTEMPTS"] == "3" and attributes["EXHAUSTED_RETRY_CONDITION"] == "MaximumRetryAttempts"
    assert attributes["EXECUTION_ID"] and attributes["TARGET_ARN"] == arn


@upstream_bug
def test_plain_moto_fires_a_due_schedule(plain_moto):
    assert plain_moto["scheduler.fired"] == ["ok", 1]


def test_a_cron_schedule_fires_at_each_wall_clock_time_it_names(aws, fresh_run):
    sqs, scheduler = aws("sqs"), aws("scheduler")
    url, arn = queue(sqs, "quarter-hours")
    scheduler.create_schedule(Name="quarters", ScheduleExpression="cron(0/15 * * * ? *)", FlexibleTimeWindow={"Mode": "OFF"},
                              Target={"Arn": arn, "RoleArn": ROLE, "Input": "q"})
    now = datetime.datetime.fromtimestamp(clock.time_s(), datetime.UTC)
    to_next_quarter = (15 - now.minute % 15) * 60 - now.second - now.microsecond / 1e6
    clock.advance(to_next_quarter - 1)
    assert bodies(sqs, url) == []
    clock.advance(2 + 30 * 60)
    assert bodies(sqs, url) == ["q"] * 3


@pytest.mark.parametrize("expression", ["cron(0 9 * * * *)", "rate(0 minutes)", "every day at nine"])
def test_an_expression_scheduler_cannot_read_is_a_validation_error(aws, fresh_run, expression):
    sqs, scheduler = aws("sqs"), aws("scheduler")
    _, arn = queue(sqs, "q")
    with pytest.raises(scheduler.exceptions.ValidationException, match="Invalid Schedule Expression"):
        scheduler.create_schedule(Name="bad", ScheduleExpression=expression, FlexibleTimeWindow={"Mode": "OFF"},
                                  Target={"Arn": arn, "RoleArn": ROLE})


@upstream_bug
def test_plain_moto_refuses_a_cron_with_two_day_fields(plain_moto):
    assert plain_moto["scheduler.bad_expression"] == ["client_error", "ValidationException"]
