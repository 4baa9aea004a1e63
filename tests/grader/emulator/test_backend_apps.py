"""moto's per-service apps called without Flask answer boto3 as Flask did, in
every protocol the labs use, errors included."""

import threading

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

from grader.emulator import child
from grader.emulator.backend_apps import DirectApp
from grader.emulator.http_server import KeepAliveRequestHandler


def _serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=KeepAliveRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def clients():
    """(direct, flask): client makers for the same moto, through guard (DirectApp) and through moto's Flask apps."""
    with mock_aws():
        dispatcher = DomainDispatcherApplication(create_backend_app)
        servers = [_serve(child.guard(dispatcher)), _serve(dispatcher)]

        def maker(server):
            endpoint = f"http://127.0.0.1:{server.server_address[1]}"
            return lambda service: boto3.client(
                service, region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing"
            )

        yield maker(servers[0]), maker(servers[1])
        for server in servers:
            server.shutdown()
            server.server_close()


def same(direct, flask, service, operation, **params):
    """The operation's answer (or error) through both paths, request ids aside."""
    answers = []
    for make in (direct, flask):
        try:
            answer = getattr(make(service), operation)(**params)
        except ClientError as error:
            answer = {"error": error.response["Error"], "status": error.response["ResponseMetadata"]["HTTPStatusCode"]}
        answer.pop("ResponseMetadata", None)
        if "Body" in answer:
            answer["Body"] = answer["Body"].read()
        answers.append(answer)
    assert answers[0] == answers[1]
    return answers[0]


def test_json_services_answer_alike(clients):
    direct, flask = clients
    url = direct("sqs").create_queue(QueueName="orders")["QueueUrl"]
    direct("sqs").send_message(QueueUrl=url, MessageBody="hello")
    assert same(direct, flask, "sqs", "get_queue_attributes", QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]) == {
        "Attributes": {"ApproximateNumberOfMessages": "1"}
    }
    assert same(direct, flask, "sqs", "get_queue_url", QueueName="missing")["error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    direct("dynamodb").create_table(
        TableName="t", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )
    direct("dynamodb").put_item(TableName="t", Item={"k": {"S": "a"}, "n": {"N": "3"}})
    assert same(direct, flask, "dynamodb", "get_item", TableName="t", Key={"k": {"S": "a"}})["Item"]["n"] == {"N": "3"}
    assert same(direct, flask, "dynamodb", "scan", TableName="missing")["status"] == 400


def test_query_and_rest_services_answer_alike(clients):
    direct, flask = clients
    arn = direct("sns").create_topic(Name="orders")["TopicArn"]
    assert same(direct, flask, "sns", "list_topics") == {"Topics": [{"TopicArn": arn}]}
    assert same(direct, flask, "sns", "get_topic_attributes", TopicArn=arn + "-missing")["status"] == 404
    assert same(direct, flask, "lambda", "list_functions") == {"Functions": []}
    assert same(direct, flask, "scheduler", "get_schedule", Name="missing")["status"] == 404


def test_s3_objects_heads_and_missing_keys_answer_alike(clients):
    direct, flask = clients
    direct("s3").create_bucket(Bucket="claims")
    direct("s3").put_object(Bucket="claims", Key="orders/2026 12/a+b%c.json", Body=b"x" * 5000)
    assert same(direct, flask, "s3", "get_object", Bucket="claims", Key="orders/2026 12/a+b%c.json")["Body"] == b"x" * 5000
    assert same(direct, flask, "s3", "head_object", Bucket="claims", Key="orders/2026 12/a+b%c.json")["ContentLength"] == 5000
    assert same(direct, flask, "s3", "get_object", Bucket="claims", Key="missing")["error"]["Code"] == "NoSuchKey"
    listed = same(direct, flask, "s3", "list_objects_v2", Bucket="claims")
    assert [item["Key"] for item in listed["Contents"]] == ["orders/2026 12/a+b%c.json"]


def test_a_path_no_rule_matches_is_answered_as_flask_answered_it():
    from werkzeug.test import EnvironBuilder

    with mock_aws():
        app = create_backend_app("sqs")
        environ = EnvironBuilder(method="GET", path="/no/such/rule/anywhere/at/all", headers={"Host": "sqs.us-east-1.amazonaws.com"}).get_environ()
        statuses = []
        for wsgi in (app, DirectApp(app)):
            wsgi(dict(environ), lambda status, headers, exc_info=None: statuses.append(status))
    assert statuses[0] == statuses[1]
