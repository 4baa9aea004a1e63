"""The warm emulator process: `python -m grader.emulator.zygote CONTROL_SOCKET`.

Imports moto once, applies the fixes, exercises the backends and the HTTP
path the labs use, clears every backend, freezes the heap (so forked children
share it copy-on-write), then forks one child per connection on the control
socket. Each child is one run's private emulator and grader
(grader/emulator/child.py) and never serves a second run.

It needs no Django and sees none of the worker's environment beyond what the
engine passes (see pool.py). It dies with the worker process that started it.
"""

import contextlib
import gc
import os
import signal
import socket
import sys
import threading

PR_SET_PDEATHSIG = 1
WARM_REGION = "us-east-1"


def _die_with_parent() -> None:
    import ctypes

    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _exercise(client_for) -> None:
    """Touch the code paths a lab uses, so their lazy imports and caches are warm."""
    sqs, sns, events = client_for("sqs"), client_for("sns"), client_for("events")
    dlq = sqs.create_queue(QueueName="warm-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue = sqs.create_queue(
        QueueName="warm", Attributes={"RedrivePolicy": f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"1"}}'}
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]["QueueArn"]
    sqs.send_message(QueueUrl=queue, MessageBody='{"a": 1}', MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
    for _ in range(2):
        for message in sqs.receive_message(QueueUrl=queue, MessageSystemAttributeNames=["All"], MessageAttributeNames=["All"]).get("Messages", []):
            sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": "1", "MessageBody": "x"}])
    try:
        sqs.start_message_move_task(SourceArn=dlq_arn)
        sqs.list_message_move_tasks(SourceArn=dlq_arn)
    except Exception:
        pass
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"Policy": "{}"})
    topic = sns.create_topic(Name="warm")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true", "FilterPolicy": '{"k": ["v"]}'})
    sns.publish(TopicArn=topic, Message="m", MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
    sns.list_subscriptions_by_topic(TopicArn=topic)
    events.create_event_bus(Name="warm-bus")
    events.put_rule(Name="warm", EventBusName="warm-bus", EventPattern='{"source": ["w"], "detail": {"n": [{"numeric": [">", 1]}]}}')
    events.put_targets(
        Rule="warm", EventBusName="warm-bus",
        Targets=[{"Id": "1", "Arn": queue_arn, "InputTransformer": {"InputPathsMap": {"n": "$.detail.n"}, "InputTemplate": '{"n": <n>}'}}],
    )
    events.put_events(Entries=[{"Source": "w", "DetailType": "d", "Detail": '{"n": 2}', "EventBusName": "warm-bus"}])
    events.list_targets_by_rule(Rule="warm", EventBusName="warm-bus")
    sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)
    fifo = sqs.create_queue(QueueName="warm.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "false"})["QueueUrl"]
    sqs.send_message(QueueUrl=fifo, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d")
    sqs.receive_message(QueueUrl=fifo, MessageSystemAttributeNames=["All"])
    dynamodb = client_for("dynamodb")
    dynamodb.create_table(
        TableName="warm", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.describe_table(TableName="warm")
    for _ in range(2):
        try:
            dynamodb.put_item(TableName="warm", Item={"k": {"S": "a"}, "n": {"N": "1"}}, ConditionExpression="attribute_not_exists(k)")
        except dynamodb.exceptions.ConditionalCheckFailedException:
            pass
    dynamodb.get_item(TableName="warm", Key={"k": {"S": "a"}})
    dynamodb.update_item(TableName="warm", Key={"k": {"S": "a"}}, UpdateExpression="ADD n :one", ExpressionAttributeValues={":one": {"N": "1"}})
    dynamodb.scan(TableName="warm")
    dynamodb.batch_write_item(RequestItems={"warm": [{"PutRequest": {"Item": {"k": {"S": "b"}}}}]})
    dynamodb.query(TableName="warm", KeyConditionExpression="k = :k", ExpressionAttributeValues={":k": {"S": "b"}})
    dynamodb.transact_write_items(TransactItems=[
        {"Put": {"TableName": "warm", "Item": {"k": {"S": "c"}}, "ConditionExpression": "attribute_not_exists(k)"}},
        {"Update": {"TableName": "warm", "Key": {"k": {"S": "a"}}, "UpdateExpression": "SET s = :s", "ExpressionAttributeValues": {":s": {"S": "x"}}}},
    ])
    dynamodb.delete_item(TableName="warm", Key={"k": {"S": "c"}})
    _exercise_more(client_for, queue, topic)


def _exercise_more(client_for, queue: str, topic: str) -> None:
    """The rest of what the labs call: the first call of an operation in a
    run's child costs several times a later one (moto compiles S3's response
    templates, imports and builds what the operation needs; a client builds
    its models and caches), and every child is a fresh fork of this process."""
    sqs, sns, events = client_for("sqs"), client_for("sns"), client_for("events")
    sqs.get_queue_url(QueueName="warm")
    sqs.list_queues(QueueNamePrefix="warm")
    sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": "1", "MessageBody": "a"}, {"Id": "2", "MessageBody": "b"}])
    received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, VisibilityTimeout=30).get("Messages", [])
    if received:
        sqs.change_message_visibility_batch(
            QueueUrl=queue, Entries=[{"Id": "1", "ReceiptHandle": received[0]["ReceiptHandle"], "VisibilityTimeout": 0}]
        )
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=received[0]["ReceiptHandle"])
        sqs.delete_message_batch(QueueUrl=queue, Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(received)])
    sqs.purge_queue(QueueUrl=queue)
    sns.get_topic_attributes(TopicArn=topic)
    sns.list_topics()
    for subscription in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]:
        sns.get_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"])
    events.list_event_buses()
    events.describe_rule(Name="warm", EventBusName="warm-bus")
    bus_arn = events.describe_event_bus(Name="warm-bus")["Arn"]
    events.create_archive(ArchiveName="warm", EventSourceArn=bus_arn)
    events.describe_archive(ArchiveName="warm")
    s3 = client_for("s3")
    s3.create_bucket(Bucket="warm")
    s3.head_bucket(Bucket="warm")
    s3.put_object(Bucket="warm", Key="k", Body=b"x" * 2048)
    s3.get_object(Bucket="warm", Key="k")["Body"].read()
    s3.head_object(Bucket="warm", Key="k")
    s3.get_paginator("list_objects_v2").paginate(Bucket="warm").build_full_result()
    s3.delete_object(Bucket="warm", Key="k")
    kinesis = client_for("kinesis")
    kinesis.create_stream(StreamName="warm", ShardCount=1)
    kinesis.describe_stream_summary(StreamName="warm")
    kinesis.describe_stream(StreamName="warm")
    shard = kinesis.list_shards(StreamName="warm")["Shards"][0]["ShardId"]
    sequence = kinesis.put_record(StreamName="warm", Data=b"{}", PartitionKey="p")["SequenceNumber"]
    kinesis.put_records(StreamName="warm", Records=[{"Data": b"{}", "PartitionKey": "p"}])
    for position in ({"ShardIteratorType": "TRIM_HORIZON"}, {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": sequence}):
        iterator = kinesis.get_shard_iterator(StreamName="warm", ShardId=shard, **position)["ShardIterator"]
        kinesis.get_records(ShardIterator=iterator, Limit=10)
    cloudwatch = client_for("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="warm", Namespace="AWS/SQS", MetricName="ApproximateNumberOfMessagesVisible", Statistic="Maximum",
        Period=60, EvaluationPeriods=1, Threshold=0, ComparisonOperator="GreaterThanThreshold",
        Dimensions=[{"Name": "QueueName", "Value": "warm"}],
    )
    cloudwatch.describe_alarms(AlarmNames=["warm"])


def _load_backends(packages) -> None:
    """Import what moto imports lazily on a lab's path and read each service's
    botocore data: moto does both the first time a run touches a service (its
    account's backend lists the service's regions from the service's model,
    Kinesis's PutRecord imports the Lambda backend), which every run's child
    paid again for each service its warm-up had not touched. The backends made
    here are cleared by the reset that follows; what was loaded stays."""
    import importlib

    from moto.backends import get_backend
    from moto.core import DEFAULT_ACCOUNT_ID

    importlib.import_module("moto.awslambda.utils")
    for package in packages:
        backends = get_backend(package)
        region = WARM_REGION if WARM_REGION in backends[DEFAULT_ACCOUNT_ID] else "aws"
        backends[DEFAULT_ACCOUNT_ID][region].urls  # imports its urls and responses modules


def _make_backend_apps(dispatcher, names) -> None:
    """Make moto's server app of every backend a lab may use. The dispatcher
    makes each on its service's first request, which a child then paid in
    every run (its URL map built and compiled: 1.5 ms for Kinesis, 4.5 for
    S3, 24 for Lambda), where the HTTP warm-up below does not reach."""
    from moto.backend_index import backend_url_patterns

    routed = {name for name, _pattern in backend_url_patterns}
    for name in sorted(routed & set(names)):
        if name not in dispatcher.app_instances:
            dispatcher.app_instances[name] = dispatcher.create_app(name)


def warm():
    import boto3
    from moto import mock_aws
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    # Imported here rather than at the top: main() sets the parent-death signal
    # first, so a worker that dies during these slow imports takes this process with it.
    from grader.emulator import child, moto_fixes, services, trace_hooks
    from grader.emulator.http_server import KeepAliveRequestHandler
    from grader.local_clients import local_client, premake_local_clients

    trace_hooks.apply()  # moto_fixes, then the trace's hooks on the fixed methods
    services.no_docker()
    moto_fixes.error_model_speed.warm(package for packages in services.LAB_SERVICES.values() for package in packages)
    moto_fixes.jsonpath_speed.warm()
    mock = mock_aws()
    mock.start()
    _load_backends([packages[0] for packages in services.LAB_SERVICES.values()] + list(services.ALWAYS))  # the others are aliases' dispatchers
    # The grader's own clients, made under the mock as each child's grader
    # uses them, take the in-process path's exercise: what they cache per
    # client on a first call (operation models, event names, the endpoint)
    # is then each child's from the start.
    premake_local_clients(services.LAB_SERVICES)
    _exercise(local_client)
    mock.reset()

    # The HTTP path learner calls take: moto's per-service apps (called without Flask), werkzeug, signing.
    dispatcher = DomainDispatcherApplication(create_backend_app)
    _make_backend_apps(dispatcher, services.allowed_backends(None))
    server = make_server("127.0.0.1", 0, child.guard(dispatcher), threaded=True, request_handler=KeepAliveRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    _exercise(
        lambda service: boto3.client(
            service, region_name=WARM_REGION, endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing"
        )
    )
    server.shutdown()
    server.server_close()
    thread.join()
    mock.reset()
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)  # each child lives for one grading: as in the sandbox (grader/harness/main.py)
    return dispatcher


def main(control_path: str) -> None:
    _die_with_parent()
    parent = os.getppid()
    dispatcher = warm()
    from grader.emulator.seal import root_for

    os.makedirs(root_for(control_path), mode=0o700, exist_ok=True)  # each child mounts its own root here
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # The engine connects as soon as the path exists (pool.py): it appears by a
    # rename once the socket listens, never between bind and listen, when a
    # connection would be refused and the engine's first slot would wait a second.
    with contextlib.suppress(FileNotFoundError):
        os.unlink(control_path + ".binding")  # left by a zygote killed while starting
    listener.bind(control_path + ".binding")
    listener.listen(16)
    os.rename(control_path + ".binding", control_path)
    listener.settimeout(1.0)
    from grader.emulator import child

    while True:
        try:
            connection, _ = listener.accept()
        except socket.timeout:
            if os.getppid() != parent:
                os._exit(0)  # the worker is gone
            continue
        connection.settimeout(None)
        pid = os.fork()
        if pid == 0:
            listener.close()
            code = 0
            try:
                child.serve(connection, dispatcher)
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        connection.close()


if __name__ == "__main__":
    main(sys.argv[1])
