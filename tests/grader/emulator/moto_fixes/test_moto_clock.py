"""moto's time follows the emulator clock: advancing it expires visibility
timeouts, delays, retention and paces move tasks, without waiting."""

import datetime
import time

import moto.core.utils as moto_utils
import moto.kinesis.models
import moto.scheduler.models
import moto.sqs.models
import pytest

from grader.emulator import clock
from tests.grader.emulator.moto_fixes.conftest import upstream_bug


@pytest.fixture(autouse=True)
def fresh_clock():
    clock.reset()
    yield
    clock.reset()


def queue(sqs, name, **attributes):
    url = sqs.create_queue(QueueName=name, Attributes={k: str(v) for k, v in attributes.items()})["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def received(sqs, url, **kwargs):
    return [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **kwargs).get("Messages", [])]


def test_a_visibility_timeout_expires_when_the_clock_is_advanced_past_it(aws):
    sqs = aws("sqs")
    url, _ = queue(sqs, "work")
    sqs.send_message(QueueUrl=url, MessageBody="job")
    assert received(sqs, url, VisibilityTimeout=30) == ["job"]
    clock.advance(29)
    assert received(sqs, url) == []
    clock.advance(2)
    assert received(sqs, url) == ["job"]


def test_a_message_delay_overrides_the_queue_delay(aws):
    sqs = aws("sqs")
    url, _ = queue(sqs, "later", DelaySeconds=900)
    sqs.send_message(QueueUrl=url, MessageBody="message delay", DelaySeconds=60)
    sqs.send_message(QueueUrl=url, MessageBody="queue delay")
    clock.advance(61)
    assert received(sqs, url, VisibilityTimeout=43200) == ["message delay"]
    clock.advance(900)
    assert received(sqs, url) == ["queue delay"]


def test_retention_drops_messages_older_than_the_period(aws):
    sqs = aws("sqs")
    url, _ = queue(sqs, "short", MessageRetentionPeriod=60)
    sqs.send_message(QueueUrl=url, MessageBody="old")
    clock.advance(61)
    sqs.send_message(QueueUrl=url, MessageBody="new")
    assert received(sqs, url) == ["new"]


def test_timestamps_are_emulator_time(aws):
    sqs = aws("sqs")
    url, _ = queue(sqs, "stamped")
    clock.advance(3600)
    sqs.send_message(QueueUrl=url, MessageBody="m")
    [message] = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["SentTimestamp"])["Messages"]
    sent = int(message["Attributes"]["SentTimestamp"]) / 1000
    assert abs(sent - (time.time() + 3600)) < 5


def test_a_move_task_at_one_message_a_second_finishes_when_the_clock_is_advanced(aws):
    sqs = aws("sqs")
    dlq, dlq_arn = queue(sqs, "orders-dlq")
    import json

    url, _ = queue(sqs, "orders", RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "1"}))
    for i in range(5):
        sqs.send_message(QueueUrl=dlq, MessageBody=f"m{i}")
    started = time.monotonic()
    sqs.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=1)
    [task] = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert task["Status"] == "RUNNING" and task["ApproximateNumberOfMessagesMoved"] == 1  # the first moves at once
    clock.advance(2)
    [task] = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert (task["Status"], task["ApproximateNumberOfMessagesMoved"]) == ("RUNNING", 3)
    clock.advance(2)
    [task] = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert (task["Status"], task["ApproximateNumberOfMessagesMoved"]) == ("COMPLETED", 5)
    assert time.monotonic() - started < 2  # four emulator seconds, not four wall-clock ones
    assert sorted(received(sqs, url)) == [f"m{i}" for i in range(5)]


def test_the_clock_only_moves_forward():
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_wait_until_wakes_on_advance_not_on_the_wall_clock():
    import threading

    woke = threading.Event()
    target = clock.time_s() + 3600
    threading.Thread(target=lambda: clock.wait_until(target) and woke.set(), daemon=True).start()
    assert not woke.wait(0.1)
    clock.advance(3600)
    assert woke.wait(1)


def test_every_service_reads_moto_s_one_time_function():
    # The patch swaps this one function's code: a moto whose services read time
    # some other way would slip past it, so the version check is not enough alone.
    assert moto.sqs.models.unix_time is moto_utils.unix_time
    assert moto.sqs.models.unix_time_millis is moto_utils.unix_time_millis
    assert moto.kinesis.models.utcnow is moto_utils.utcnow
    assert moto.scheduler.models.utcnow is moto_utils.utcnow
    clock.advance(86400)
    assert abs(moto_utils.unix_time() - (time.time() + 86400)) < 5


def test_unix_time_reads_the_clock_directly_with_the_datetimes_answer():
    clock.advance(7200.0000004)
    before = clock.time_s()
    now = moto_utils.unix_time()
    assert before - 1e-6 <= now <= clock.time_s() + 1e-6
    assert now == round(now, 6)  # microseconds, like the datetime it replaced
    when = moto_utils.utcnow()
    via_datetimes = (when - datetime.datetime(1970, 1, 1)).total_seconds()
    assert moto_utils.unix_time(when) == pytest.approx(via_datetimes, abs=1e-6)  # a given datetime: moto's arithmetic
    assert moto_utils.unix_time_millis(datetime.datetime(1970, 1, 2)) == 86_400_000


@upstream_bug
def test_canary_moto_offers_a_clock_graders_can_move(plain_moto):
    # Plain moto reads the wall clock and has no way to move it: the day it
    # offers one (a moto-api time endpoint, say), moto_clock can use it instead.
    moved, follows_wall = plain_moto["clock.movable"][1], plain_moto["clock.follows_wall"][1]
    assert moved or not follows_wall
