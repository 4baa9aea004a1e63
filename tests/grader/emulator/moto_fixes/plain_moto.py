"""Run by tests/grader/emulator/moto_fixes/conftest.py in a fresh interpreter,
where grader's moto patches were never applied: prints, as JSON, what plain
moto does in each case a patch fixes. The canaries assert AWS's behaviour on it.

An AWS error is an observation (["client_error", code]); any other exception
in a case is one too (["raised", type]), since moto crashing is the bug.
"""

import json
import os
import sys

os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")

import boto3  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from moto import backends, mock_aws  # noqa: E402

REGION = "us-east-1"
seen: dict = {}


def observe(name, action):
    try:
        seen[name] = ["ok", action()]
    except ClientError as exc:
        seen[name] = ["client_error", exc.response["Error"]["Code"]]
    except Exception as exc:
        seen[name] = ["raised", type(exc).__name__]


def queue(sqs, name, **attributes):
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def bodies(sqs, url):
    return [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])]


def rule_to(events, name, target, *, state="ENABLED"):
    events.put_rule(Name=name, EventPattern=json.dumps({"source": [name]}), State=state)
    events.put_targets(Rule=name, Targets=[{"Id": "1", **target}])


def put_event(events, source, detail):
    return events.put_events(Entries=[{"Source": source, "DetailType": "d", "Detail": json.dumps(detail)}])["FailedEntryCount"]


with mock_aws():
    sqs, sns, events = (boto3.client(s, region_name=REGION) for s in ("sqs", "sns", "events"))

    # sqs_move_tasks
    dlq, dlq_arn = queue(sqs, "orders-dlq")
    queue(sqs, "orders", RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "1"}))
    observe("sqs.start_message_move_task", lambda: bool(sqs.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]))

    # events_delivery
    url, arn = queue(sqs, "transformed")
    rule_to(events, "transform", {"Arn": arn, "InputTransformer": {"InputPathsMap": {"o": "$.detail.orderId"}, "InputTemplate": '{"orderId": <o>}'}})
    observe("events.transformer.put", lambda: put_event(events, "transform", {"orderId": "o-1"}))
    observe("events.transformer.bodies", lambda: bodies(sqs, url))
    url, arn = queue(sqs, "constant")
    rule_to(events, "constant", {"Arn": arn, "Input": '{"fixed": true}'})
    put_event(events, "constant", {"a": 1})
    observe("events.input.bodies", lambda: bodies(sqs, url))
    url, arn = queue(sqs, "part")
    rule_to(events, "part", {"Arn": arn, "InputPath": "$.detail"})
    put_event(events, "part", {"a": 1})
    observe("events.input_path.bodies", lambda: bodies(sqs, url))
    url, arn = queue(sqs, "disabled")
    rule_to(events, "disabled", {"Arn": arn}, state="DISABLED")
    put_event(events, "disabled", {"a": 1})
    observe("events.disabled.bodies", lambda: bodies(sqs, url))
    topic = sns.create_topic(Name="from-events")["TopicArn"]
    url, arn = queue(sqs, "via-topic")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    rule_to(events, "to-topic", {"Arn": topic})
    observe("events.sns_target.put", lambda: put_event(events, "to-topic", {"a": 1}))
    observe("events.sns_target.bodies", lambda: len(bodies(sqs, url)))
    rule_to(events, "gone", {"Arn": f"arn:aws:sqs:{REGION}:123456789012:never-created", "DeadLetterConfig": {"Arn": dlq_arn}})
    observe("events.missing_target.put", lambda: put_event(events, "gone", {"a": 1}))

    # target_retries: a target whose queue is gone (plain moto has no fault to inject) with a DLQ
    url, arn = queue(sqs, "retry-dlq")
    rule_to(events, "retry", {"Arn": f"arn:aws:sqs:{REGION}:123456789012:gone-too", "DeadLetterConfig": {"Arn": arn},
                              "RetryPolicy": {"MaximumRetryAttempts": 1, "MaximumEventAgeInSeconds": 60}})
    try:
        put_event(events, "retry", {"a": 1})
    except Exception:
        pass
    observe("events.retry.dlq_after_failure", lambda: len(bodies(sqs, url)))

    # events_replay: two events a minute apart, a replay of the second only, to one of two rules
    import datetime as replay_dt

    bus = events.create_event_bus(Name="replayed")["EventBusArn"]
    replay_urls = {}
    for name in ("wanted", "other"):
        replay_urls[name], arn = queue(sqs, f"replay-{name}")
        events.put_rule(Name=name, EventBusName="replayed", EventPattern=json.dumps({"source": ["replay"]}))
        target = {"Id": "1", "Arn": arn}
        if name == "wanted":
            target["InputTransformer"] = {"InputPathsMap": {"n": "$.detail.n"}, "InputTemplate": '{"n": <n>}'}
        events.put_targets(Rule=name, EventBusName="replayed", Targets=[target])
    archive = events.create_archive(ArchiveName="replayed", EventSourceArn=bus)["ArchiveArn"]
    now = replay_dt.datetime.now(replay_dt.UTC)
    for n, when in ((1, now - replay_dt.timedelta(hours=2)), (2, now)):
        events.put_events(Entries=[{"Source": "replay", "DetailType": "d", "Detail": json.dumps({"n": n}), "EventBusName": "replayed", "Time": when}])
    for url in replay_urls.values():
        sqs.purge_queue(QueueUrl=url)
    wanted_rule = events.describe_rule(Name="wanted", EventBusName="replayed")["Arn"]
    events.start_replay(ReplayName="r", EventSourceArn=archive, EventStartTime=now - replay_dt.timedelta(minutes=5),
                        EventEndTime=now + replay_dt.timedelta(minutes=5), Destination={"Arn": bus, "FilterArns": [wanted_rule]})
    wanted = [json.loads(b) for b in bodies(sqs, replay_urls["wanted"])]
    observe("events.replay.window_count", lambda: len(wanted))
    observe("events.replay.other_rule_count", lambda: len(bodies(sqs, replay_urls["other"])))
    observe("events.replay.transformed", lambda: bool(wanted) and all(set(b) == {"n"} for b in wanted))

    # scheduler_fire: an at() already due; plain moto never invokes it
    scheduler = boto3.client("scheduler", region_name=REGION)
    url, arn = queue(sqs, "scheduled")
    scheduler.create_schedule(Name="due", ScheduleExpression="at(2020-01-01T00:00:00)", FlexibleTimeWindow={"Mode": "OFF"},
                              Target={"Arn": arn, "RoleArn": "arn:aws:iam::123456789012:role/r", "Input": "x"})
    observe("scheduler.fired", lambda: len(bodies(sqs, url)))
    observe("scheduler.bad_expression", lambda: scheduler.create_schedule(
        Name="bad", ScheduleExpression="cron(0 9 * * * *)", FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": arn, "RoleArn": "arn:aws:iam::123456789012:role/scheduler"}) and "created")

    # sns_delivery
    topic = sns.create_topic(Name="filtered")["TopicArn"]
    url, arn = queue(sqs, "filtered")
    observe("sns.filter_not_json", lambda: sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"FilterPolicy": "{kind: [x]}"})["SubscriptionArn"])
    observe("sns.filter_not_object", lambda: sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"FilterPolicy": '["x"]'})["SubscriptionArn"])
    topic = sns.create_topic(Name="either")["TopicArn"]
    url, arn = queue(sqs, "either")
    policy = {"kind": ["order"], "$or": [{"total": [{"numeric": [">=", 100]}]}, {"tier": ["gold"]}]}
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"FilterPolicy": json.dumps(policy), "FilterPolicyScope": "MessageBody", "RawMessageDelivery": "true"})

    def publish_three():
        for message in ({"kind": "order", "total": 150}, {"kind": "order", "total": 1, "tier": "gold"}, {"kind": "order", "total": 1}):
            sns.publish(TopicArn=topic, Message=json.dumps(message))
        return len(bodies(sqs, url))

    observe("sns.or_in_body.matched", publish_three)
    topic = sns.create_topic(Name="half-broken")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:{REGION}:123456789012:never-created")
    observe("sns.missing_queue.publish", lambda: bool(sns.publish(TopicArn=topic, Message="m")["MessageId"]))

    # sqs_queue_policy: SNS delivery judged by the queue's policy
    topic = sns.create_topic(Name="orders")["TopicArn"]
    rogue = sns.create_topic(Name="orders-replay")["TopicArn"]
    url, arn = queue(sqs, "no-policy")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, Message="orders")
    observe("sqs.queue_policy.no_policy_bodies", lambda: len(bodies(sqs, url)))
    only_orders = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": "*", "Condition": {"ArnEquals": {"aws:SourceArn": topic}},
    }]}
    url, arn = queue(sqs, "only-orders", Policy=json.dumps(only_orders))
    for source in (topic, rogue):
        sns.subscribe(TopicArn=source, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
        sns.publish(TopicArn=source, Message=source.rsplit(":", 1)[-1])
    observe("sqs.queue_policy.rogue_bodies", lambda: sorted(bodies(sqs, url)))
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "40"})
    observe("sqs.queue_policy.kept", lambda: "Policy" in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {}))
    observe("sqs.queue_policy.not_json", lambda: sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": "{'Version': '2012-10-17'}"}) and "set")
    url, arn = queue(sqs, "events-no-policy")
    rule_to(events, "unpermitted", {"Arn": arn})
    put_event(events, "unpermitted", {"orderId": "o-1"})
    observe("sqs.queue_policy.events_no_policy_bodies", lambda: len(bodies(sqs, url)))

    # sns_fifo: a FIFO topic with a FIFO queue (raw), a FIFO queue (enveloped) and a standard queue
    topic = sns.create_topic(Name="fifo-events.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    fifo_raw, arn = queue(sqs, "fifo-raw.fifo", FifoQueue="true")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    fifo_wrapped, arn = queue(sqs, "fifo-wrapped.fifo", FifoQueue="true")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    fifo_standard, arn = queue(sqs, "fifo-standard")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})

    def received(url):
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]).get("Messages", [])
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return messages

    observe("sns.fifo.sequence_number", lambda: "SequenceNumber" in sns.publish(TopicArn=topic, Message="m", MessageGroupId="g", MessageDeduplicationId="d"))
    received(fifo_raw)
    observe("sns.fifo.envelope_keys", lambda: [(lambda e: ["Signature" in e, "SequenceNumber" in e])(json.loads(received(fifo_wrapped)[0]["Body"]))][0])
    observe("sns.fifo.standard_queue_group", lambda: "MessageGroupId" in received(fifo_standard)[0]["Attributes"])
    sns.publish(TopicArn=topic, Message="m again", MessageGroupId="g", MessageDeduplicationId="d")
    observe("sns.fifo.retry_delivered", lambda: len(received(fifo_raw)))
    topic = sns.create_topic(Name="hashed.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue(sqs, "hashed.fifo", FifoQueue="true")[1])
    observe("sns.fifo.content_based_publish", lambda: bool(sns.publish(TopicArn=topic, Message="m", MessageGroupId="g")["MessageId"]))

    # sqs_retention: a message past retention (aged by hand: plain moto has no clock to move)
    url, _ = queue(sqs, "short", MessageRetentionPeriod="60")
    sqs.send_message(QueueUrl=url, MessageBody="old")
    from moto.sqs.models import sqs_backends as sqs_models

    sqs_models["123456789012"][REGION].get_queue("short")._messages[0].sent_timestamp -= 120_000
    sqs.send_message(QueueUrl=url, MessageBody="new")
    observe("sqs.retention.bodies", lambda: bodies(sqs, url))

    # dynamodb_atomic: two conditional puts racing on one item, the condition's
    # evaluation slowed so both have read the item before either writes
    import threading
    import time as time_module

    import moto.dynamodb.models.table as dynamodb_table

    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName="claims", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )
    real_filter = dynamodb_table.get_filter_expression

    def slow_filter(*args, **kwargs):
        time_module.sleep(0.3)
        return real_filter(*args, **kwargs)

    dynamodb_table.get_filter_expression = slow_filter
    winners = []

    def claim(who):
        try:
            dynamodb.put_item(TableName="claims", Item={"pk": {"S": "order"}, "who": {"S": who}}, ConditionExpression="attribute_not_exists(pk)")
            winners.append(who)
        except ClientError:
            pass

    racers = [threading.Thread(target=claim, args=(who,)) for who in ("a", "b")]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    dynamodb_table.get_filter_expression = real_filter
    seen["dynamodb.racing_claims_won"] = ["ok", len(winners)]

    # dynamodb_request_token: a transaction repeated with its ClientRequestToken, and one
    # with the same token but other items
    put = {"Put": {"TableName": "claims", "Item": {"pk": {"S": "token-order"}}}}
    dynamodb.transact_write_items(TransactItems=[put], ClientRequestToken="token-1")
    dynamodb.delete_item(TableName="claims", Key={"pk": {"S": "token-order"}})
    dynamodb.transact_write_items(TransactItems=[put], ClientRequestToken="token-1")
    seen["dynamodb.token_repeat_wrote_again"] = ["ok", "Item" in dynamodb.get_item(TableName="claims", Key={"pk": {"S": "token-order"}})]
    other = {"Put": {"TableName": "claims", "Item": {"pk": {"S": "token-other"}}}}
    observe("dynamodb.token_other_parameters", lambda: bool(dynamodb.transact_write_items(TransactItems=[other], ClientRequestToken="token-1")))

    # sns_signing: the key each subscription signs with
    from moto.sns.models import sns_backends

    topic = sns.create_topic(Name="signed")["TopicArn"]
    for name in ("signed-a", "signed-b"):
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue(sqs, name)[1])
    subscriptions = [s for s in sns_backends["123456789012"][REGION].subscriptions.values() if s.topic.arn == topic]
    observe("sns.signing_keys", lambda: len({s.private_key().public_key().public_numbers().n for s in subscriptions}))

with mock_aws():
    # kinesis_sequence_numbers: the first record of each shard, and another shard's number used on shard 0
    kinesis = boto3.client("kinesis", region_name=REGION)
    kinesis.create_stream(StreamName="numbered", ShardCount=2)
    first = [kinesis.put_record(StreamName="numbered", Data=b"x", PartitionKey=key) for key in ("a", "b")]
    seen["kinesis.sequence_numbers.first_per_shard"] = ["ok", [r["SequenceNumber"] for r in first]]
    observe("kinesis.sequence_numbers.other_shard", lambda: bool(kinesis.get_shard_iterator(
        StreamName="numbered", ShardId="shardId-000000000000", ShardIteratorType="AFTER_SEQUENCE_NUMBER",
        StartingSequenceNumber=first[1]["SequenceNumber"])["ShardIterator"]))

# dispatch_speed: directory listings per look-up of moto's service packages, once warm
list(backends.list_of_moto_modules())
listed = []
real_listdir = os.listdir
os.listdir = lambda path: listed.append(path) or real_listdir(path)
for _ in range(3):
    list(backends.list_of_moto_modules())
os.listdir = real_listdir
seen["dispatch.listdir_calls"] = ["ok", len(listed)]

# sqs_speed: queue attribute dictionaries built while receiving one message
from moto.sqs.models import Queue  # noqa: E402

with mock_aws():
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="counted")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="one")
    builds = []
    attributes_property = Queue.attributes
    Queue.attributes = property(lambda queue: builds.append(1) or attributes_property.fget(queue))
    sqs.receive_message(QueueUrl=url)
    Queue.attributes = attributes_property
    seen["sqs.attribute_builds_per_receive"] = ["ok", len(builds)]

# action_lookup_speed: inspect.getmembers runs per request, once warm
import inspect  # noqa: E402

with mock_aws():
    sqs = boto3.client("sqs", region_name=REGION)
    sqs.list_queues()
    lookups = []
    real_getmembers = inspect.getmembers
    inspect.getmembers = lambda *args, **kwargs: lookups.append(1) or real_getmembers(*args, **kwargs)
    for _ in range(3):
        sqs.list_queues()
    inspect.getmembers = real_getmembers
    seen["responses.getmembers_calls"] = ["ok", len(lookups)]

# moto_clock: moto's time is the wall clock, and moto offers nothing to move it
import datetime  # noqa: E402

from moto.core.utils import utcnow  # noqa: E402
from moto.moto_api._internal.urls import url_paths  # noqa: E402

wall = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
seen["clock.follows_wall"] = ["ok", abs((utcnow() - wall).total_seconds()) < 1]
seen["clock.movable"] = ["ok", any(word in path for path in url_paths for word in ("/time/", "clock", "freeze"))]

# firehose_buffering and sqs_message_size
with mock_aws():
    firehose, s3, sqs = (boto3.client(s, region_name=REGION) for s in ("firehose", "s3", "sqs"))
    s3.create_bucket(Bucket="lake-bucket")
    firehose.create_delivery_stream(
        DeliveryStreamName="to-lake",
        ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::123456789012:role/r", "BucketARN": "arn:aws:s3:::lake-bucket",
            "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 120},
        },
    )
    firehose.put_record(DeliveryStreamName="to-lake", Record={"Data": b"one"})
    observe("firehose.objects_at_once", lambda: len(s3.list_objects_v2(Bucket="lake-bucket").get("Contents", [])))
    observe("firehose.expressions_without_error_prefix", lambda: bool(firehose.create_delivery_stream(
        DeliveryStreamName="dated",
        ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::123456789012:role/r", "BucketARN": "arn:aws:s3:::lake-bucket",
            "Prefix": "p/!{timestamp:yyyy}/",
        },
    )))
    url = sqs.create_queue(QueueName="sized")["QueueUrl"]
    observe("sqs.multibyte_over_limit", lambda: bool(sqs.send_message(QueueUrl=url, MessageBody="\u20ac" * 350_000)["MessageId"]))
    observe("sqs.attributes_over_limit", lambda: bool(sqs.send_message(
        QueueUrl=url, MessageBody="a" * 1_048_576, MessageAttributes={"docId": {"DataType": "String", "StringValue": "d-1"}})["MessageId"]))

json.dump(seen, sys.stdout)
