"""moto's request for an in-process call, built directly, is the one werkzeug's
EnvironBuilder built: key by key, for the requests the grader's clients send
and for the odd ones the shortcut leaves to moto."""

import io

import pytest
from moto import mock_aws
from moto.core.request import Request

from grader.emulator.moto_fixes import request_build_speed

ORIGINAL = request_build_speed._original.__func__


def comparable(request) -> dict:
    environ = dict(request.environ)
    environ.pop("werkzeug.request")
    environ.pop("wsgi.errors")
    stream = environ.pop("wsgi.input")
    position = stream.tell()
    environ["body"] = stream.read()
    stream.seek(position)
    return environ


def assert_same(method, url, headers, body):
    built = request_build_speed.from_primitives(Request, method, url, dict(headers), body)
    expected = ORIGINAL(Request, method, url, dict(headers), body)
    assert comparable(built) == comparable(expected)
    assert built.get_data() == expected.get_data()
    assert dict(built.headers) == dict(expected.headers)
    assert built.raw_url == expected.raw_url


def captured_requests() -> list:
    """What the grader's clients send: every protocol, S3 keys with awkward characters."""
    from grader.local_clients import local_client

    sent = []
    with mock_aws():
        clients = {service: local_client(service) for service in ("sqs", "sns", "s3", "dynamodb", "events", "kinesis", "logs", "lambda")}
        for client in clients.values():
            client.meta.events.register(
                "before-send", lambda request, **kwargs: sent.append((request.method, request.url, dict(request.headers), request.body))
            )
        sqs, sns, s3 = clients["sqs"], clients["sns"], clients["s3"]
        url = sqs.create_queue(QueueName="orders")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="€ and ü", MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
        sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"])
        topic = sns.create_topic(Name="orders")["TopicArn"]
        sns.publish(TopicArn=topic, Message="hello & goodbye")
        s3.create_bucket(Bucket="claims")
        for key in ("plain.json", "a b/c+d%e.json", "ünïcode/ключ.txt", "semi;colon", "~tilde#hash?q"):
            s3.put_object(Bucket="claims", Key=key, Body=b"x" * 10, Metadata={"my_key": "v"})
            s3.head_object(Bucket="claims", Key=key)
        s3.list_objects_v2(Bucket="claims", Prefix="a b/", Delimiter="/")
        clients["dynamodb"].list_tables()
        clients["events"].put_events(Entries=[{"Source": "shop", "DetailType": "OrderPlaced", "Detail": "{}"}])
        clients["kinesis"].list_streams()
        clients["logs"].describe_log_groups()
        clients["lambda"].list_functions()
    return sent


def test_every_request_the_graders_clients_send_is_built_as_werkzeug_built_it():
    requests = captured_requests()
    assert len(requests) > 20
    for method, url, headers, body in requests:
        assert_same(method, url, headers, body)


@pytest.mark.parametrize(
    ("method", "url", "headers", "body"),
    [
        ("POST", "https://sqs.us-east-1.amazonaws.com/", {"Content-Type": "application/x-www-form-urlencoded"}, b""),
        ("POST", "https://sqs.us-east-1.amazonaws.com/", {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": "9"}, None),
        ("GET", "https://claims.s3.amazonaws.com/?list-type=2", {"Content-Length": "0"}, None),
        ("GET", "https://claims.s3.amazonaws.com/", {"Content-Length": "nonsense"}, b""),
        ("PUT", "https://s3.amazonaws.com:8443/claims/k", {"X-Amz-Meta-My_Key": "v", "x-amz-meta-other": "w"}, "text body €"),
        ("GET", "http://localhost:4566/123456789012/orders", {}, None),
        ("GET", "https://claims.s3.amazonaws.com", {}, None),
        ("GET", "https://Claims.S3.amazonaws.com/k", {}, None),
        ("GET", "https://claims.s3.amazonaws.com/ключ", {}, None),
        ("GET", "https://claims.s3.amazonaws.com//double", {}, None),
        ("GET", "https://claims.s3.amazonaws.com:0443/k", {}, None),
        ("GET", "https://claims.s3.amazonaws.com:/k", {}, None),
        ("PUT", "https://claims.s3.amazonaws.com/k", {}, io.BytesIO(b"a file")),
        ("POST", "https://events.us-east-1.amazonaws.com/", {"X-Amz-Target": b"AWSEvents.PutEvents", "Content-Type": "application/x-amz-json-1.1"}, b"{}"),
    ],
)
def test_odd_requests_are_built_as_werkzeug_built_them(method, url, headers, body):
    if hasattr(body, "read"):
        built = request_build_speed.from_primitives(Request, method, url, dict(headers), body)
        assert built.get_data() == b"a file"
        return
    assert_same(method, url, headers, body)


def test_an_empty_multipart_form_is_left_to_werkzeug_which_makes_a_boundary_of_its_own():
    headers = [("Content-Type", "multipart/form-data; boundary=x")]
    assert request_build_speed.environ_for("POST", "https://sqs.us-east-1.amazonaws.com/", headers, b"") is None
    built = request_build_speed.from_primitives(Request, "POST", "https://sqs.us-east-1.amazonaws.com/", dict(headers), b"")
    assert "WerkzeugFormPart" in built.environ["CONTENT_TYPE"]


def test_a_header_werkzeug_refuses_is_refused_the_same_way():
    headers = {"X-Evil": "a\r\nInjected: yes"}
    with pytest.raises(ValueError):
        ORIGINAL(Request, "GET", "https://sqs.us-east-1.amazonaws.com/", dict(headers), None)
    with pytest.raises(ValueError):
        request_build_speed.from_primitives(Request, "GET", "https://sqs.us-east-1.amazonaws.com/", dict(headers), None)


def test_the_grader_goes_through_the_shortcut_and_is_answered():
    from grader.local_clients import local_client

    request_build_speed.apply()
    built = []
    real = request_build_speed.environ_for
    def spy(*args):
        built.append(real(*args))
        return built[-1]

    request_build_speed.environ_for = spy
    try:
        with mock_aws():
            sqs = local_client("sqs")
            url = sqs.create_queue(QueueName="through")["QueueUrl"]
            assert sqs.get_queue_url(QueueName="through")["QueueUrl"] == url
    finally:
        request_build_speed.environ_for = real
    assert len(built) == 2 and all(environ is not None for environ in built)  # both built by the shortcut
