"""boto3's framed requests: the harness's side (grader/harness/boto3_patches.py,
frame_requests_to_the_emulator) and the emulator's (grader/emulator/http_server.py).

The emulator sees the same environ and boto3 reads the same answer as over
HTTP on the same socket; what the harness cannot frame goes as HTTP; a frame
the server does not take gets a 400 and a closed connection."""

import importlib.util
import io
import json
import socket
import struct
import threading
from pathlib import Path

import boto3
import pytest
from botocore.awsrequest import AWSHTTPConnection, AWSRequest
from botocore.endpoint import Endpoint
from botocore.exceptions import EndpointConnectionError
from moto import mock_aws
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

from grader.emulator import child
from grader.emulator.http_server import API_MAGIC, MAX_API_HEADERS, KeepAliveRequestHandler

PATCHES = Path(__file__).resolve().parents[2] / "grader" / "harness" / "boto3_patches.py"
PORT = 4566  # nothing listens here in these tests: only the socket answers
# Differ from one request to the next whatever the path: the clock, the SDK's own ids, and the socket.
UNSTABLE = {"HTTP_X_AMZ_DATE", "HTTP_AUTHORIZATION", "HTTP_AMZ_SDK_INVOCATION_ID", "wsgi.input", "werkzeug.socket", "wsgi.errors"}


@pytest.fixture
def harness(monkeypatch, tmp_path):
    """The harness's boto3 patches as a module, pointed at a socket in tmp_path,
    with boto3's framed path and its HTTP path to that socket installed (and undone after)."""
    spec = importlib.util.spec_from_file_location("redrive_boto3_patches_frames", PATCHES)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "EMULATOR_SOCKET", str(tmp_path / "emulator.sock"))
    monkeypatch.setattr(module, "FORWARD_PORT", PORT)
    monkeypatch.setattr(Endpoint, "_send", Endpoint._send)
    monkeypatch.setattr(AWSHTTPConnection, "_new_conn", AWSHTTPConnection._new_conn)
    module.frame_requests_to_the_emulator()
    module.connect_to_the_emulator()
    yield module
    module.drop_api_connection()


class Recording:
    """Wraps a WSGI app; keeps each request's environ and body."""

    def __init__(self, app):
        self.app, self.seen = app, []

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read()
        environ["wsgi.input"] = io.BytesIO(body)
        self.seen.append(({key: value for key, value in environ.items() if key not in UNSTABLE}, body))
        return self.app(environ, start_response)


@pytest.fixture
def serve(harness):
    servers = []

    def start(app):
        server = make_server(f"unix://{harness.EMULATOR_SOCKET}", 0, app, threaded=True, request_handler=KeepAliveRequestHandler)
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def client(service):
    return boto3.client(
        service, region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{PORT}", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


def scenario():
    """Calls in every protocol the labs use, with the odd parts: text beyond
    ASCII, S3 bodies in a stream, metadata names with underscores, HEAD."""
    sqs, sns, dynamodb, kinesis, events, s3 = (client(s) for s in ("sqs", "sns", "dynamodb", "kinesis", "events", "s3"))
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="Grüße, €5 ✓", MessageAttributes={"kind": {"DataType": "String", "StringValue": "née"}})
    sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"], MessageAttributeNames=["All"])
    topic = sns.create_topic(Name="news")["TopicArn"]
    sns.publish(TopicArn=topic, Message="hello & <goodbye>", Subject="x y")
    dynamodb.create_table(
        TableName="t", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.put_item(TableName="t", Item={"k": {"S": "ü"}}, ConditionExpression="attribute_not_exists(k) OR k = :k",
                      ExpressionAttributeValues={":k": {"S": "ü"}})
    kinesis.create_stream(StreamName="s", ShardCount=1)
    kinesis.put_record(StreamName="s", Data=b"\x00\xff binary", PartitionKey="p")
    events.put_events(Entries=[{"Source": "shop", "DetailType": "order", "Detail": json.dumps({"id": "ä1"})}])
    s3.create_bucket(Bucket="docs")
    s3.put_object(Bucket="docs", Key="a b/ü.txt", Body=b"x" * 70_000, Metadata={"doc_id": "7", "owner": "Zoe O"})
    s3.put_object(Bucket="docs", Key="empty", Body=b"")
    s3.head_object(Bucket="docs", Key="a b/ü.txt")
    body = s3.get_object(Bucket="docs", Key="a b/ü.txt", Range="bytes=0-9")["Body"].read()
    listed = [item["Key"] for item in s3.list_objects_v2(Bucket="docs", Prefix="a b/")["Contents"]]
    try:
        sqs.get_queue_url(QueueName="missing")
    except sqs.exceptions.QueueDoesNotExist as error:
        missing = error.response["Error"]["Code"]
    return body, listed, missing


def test_a_framed_request_reaches_the_emulator_as_the_same_environ_as_over_http(harness, serve, monkeypatch):
    recording = Recording(child.guard(DomainDispatcherApplication(create_backend_app)))
    serve(recording)
    with mock_aws():
        framed_results = scenario()
    framed = recording.seen[:]
    recording.seen.clear()
    monkeypatch.setattr(harness, "_api_request", lambda request: None)  # every request goes as HTTP
    with mock_aws():  # moto's state starts again empty
        http_results = scenario()
    over_http = recording.seen[:]

    assert framed_results == http_results == (b"x" * 10, ["a b/ü.txt"], "AWS.SimpleQueueService.NonExistentQueue")
    assert len(framed) == len(over_http) == 17
    for (framed_environ, framed_body), (http_environ, http_body) in zip(framed, over_http):
        assert framed_body == http_body
        assert framed_environ == http_environ


def test_boto3_reads_the_same_answer_framed_as_over_http_headers_and_streams_included(harness, serve, monkeypatch):
    def answers(environ, start_response):
        environ["wsgi.input"].read()
        if environ["REQUEST_METHOD"] == "HEAD":
            start_response("200 OK", [("Content-Length", "123"), ("ETag", '"abc"'), ("x-amz-meta-doc_id", "7"), ("x-amz-meta-doc_id", "8")])
            return [b""]
        start_response("200 OK", [("Content-Type", "binary/octet-stream"), ("ETag", '"abc"'), ("Transfer-Encoding", "chunked")])
        return [b"first ", b"second \xff"]

    serve(answers)
    s3 = client("s3")

    def both():
        head = s3.head_object(Bucket="b", Key="k")
        got = s3.get_object(Bucket="b", Key="k")
        for answer in (head, got):
            answer["ResponseMetadata"]["HTTPHeaders"].pop("date")
        return head, got, got.pop("Body").read()

    framed = both()
    monkeypatch.setattr(harness, "_api_request", lambda request: None)
    assert both() == framed
    head, got, body = framed
    assert body == b"first second \xff" and got["ContentLength"] == len(body)  # the server's own length, not the app's chunked
    assert head["ContentLength"] == 123 and head["Metadata"] == {"doc_id": "7, 8"}  # HEAD keeps the app's length


def test_a_connection_carries_one_threads_calls_one_after_another(harness, serve):
    connections = []
    server = serve(lambda environ, start_response: (start_response("200 OK", [("Content-Type", "application/x-amz-json-1.0")]), [b"{}"])[1])
    original = server.process_request
    server.process_request = lambda request, address: (connections.append(request), original(request, address))
    dynamodb = client("dynamodb")
    for _ in range(5):
        dynamodb.list_tables()
    assert len(connections) == 1
    other = threading.Thread(target=dynamodb.list_tables)
    other.start()
    other.join()
    assert len(connections) == 2  # a second thread, a connection of its own


def test_what_http_would_send_otherwise_goes_as_http(harness):
    def request(body, headers):
        prepared = AWSRequest(method="PUT", url=f"http://127.0.0.1:{PORT}/b/k", data=body, headers=headers).prepare()
        return harness._api_request(prepared)

    stream = io.BytesIO(b"0123456789")
    assert request(stream, {"User-Agent": "a", "Content-Length": "10"}) is not None  # a stream of declared length: framed
    stream = io.BytesIO(b"0123456789")
    stream.read(2)
    assert request(stream, {"User-Agent": "a", "Content-Length": "10"}) is None  # it holds 8 more bytes, not 10
    assert stream.tell() == 2  # and is left where it was, for HTTP to send
    unseekable = io.BufferedReader(io.BytesIO(b"abc"))
    unseekable.seekable = lambda: False
    assert request(unseekable, {"User-Agent": "a", "Content-Length": "3"}) is None
    assert request(b"abc", {"User-Agent": "a", "X-Odd": " leading space"}) is None  # http.client's parser would strip it
    assert request(b"abc", {"User-Agent": "a", "X-Odd": "Zoë €"}) is None  # not Latin-1: http.client refuses it
    assert request(b"abc", {"User-Agent": "a", "Bad Name": "v"}) is None
    assert request(b"abc", {"User-Agent": "a", "Transfer-Encoding": "chunked"}) is None
    assert request(b"abc", {"X-Other": "v"}) is None  # urllib3 would add its own User-Agent

    frame = request(b"abc", {"User-Agent": "a", "X-Amz-Meta-Doc_Id": "7"})
    head_size = struct.unpack(">I", frame[4:8])[0]
    head = json.loads(frame[8 : 8 + head_size])
    assert frame.startswith(API_MAGIC) and frame.endswith(struct.pack(">I", 3) + b"abc")
    # What urllib3 and http.client would have put first: the host and an identity encoding.
    assert head == {"method": "PUT", "target": "/b/k", "headers": [
        ["Host", f"127.0.0.1:{PORT}"], ["Accept-Encoding", "identity"], ["User-Agent", "a"], ["X-Amz-Meta-Doc_Id", "7"], ["Content-Length", "3"],
    ]}
    # botocore leaves a GET's length out; urllib3 would send one for a body, after those two.
    get = AWSRequest(method="GET", url=f"http://127.0.0.1:{PORT}/b?list-type=2", data=b"x", headers={"User-Agent": "a"}).prepare()
    frame = harness._api_request(get)
    head = json.loads(frame[8 : 8 + struct.unpack(">I", frame[4:8])[0]])
    assert head["target"] == "/b?list-type=2"
    assert head["headers"] == [["Host", f"127.0.0.1:{PORT}"], ["Accept-Encoding", "identity"], ["Content-Length", "1"], ["User-Agent", "a"]]


def test_an_emulator_that_is_not_there_is_an_endpoint_connection_error(harness):
    with pytest.raises(EndpointConnectionError):
        boto3.client(
            "sqs", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{PORT}", aws_access_key_id="t", aws_secret_access_key="t",
            config=__import__("botocore.config").config.Config(retries={"max_attempts": 1}),
        ).list_queues()


def _raw(path, data: bytes) -> bytes:
    """Send raw bytes on a new connection to the server; all it answers until it closes."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(path)
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _frame(head, body: bytes = b"") -> bytes:
    encoded = head if isinstance(head, bytes) else json.dumps(head).encode()
    return API_MAGIC + struct.pack(">I", len(encoded)) + encoded + struct.pack(">I", len(body)) + body


def _answers(data: bytes) -> list[tuple[int, dict, bytes]]:
    found = []
    while data:
        (size,) = struct.unpack(">I", data[:4])
        head = json.loads(data[4 : 4 + size])
        (length,) = struct.unpack(">I", data[4 + size : 8 + size])
        found.append((head["status"], dict(head["headers"]), data[8 + size : 8 + size + length]))
        data = data[8 + size + length :]
    return found


GOOD = {"method": "POST", "target": "/", "headers": [["Host", "x"], ["Content-Length", "2"]]}


@pytest.mark.parametrize("frame, why", [
    (_frame(b"not json"), "not JSON"),
    (_frame([1, 2]), "the head is not an object"),
    (_frame({**GOOD, "method": "GET /x HTTP/1.1"}), "the method is not a token"),
    (_frame({**GOOD, "target": "http://elsewhere/"}), "the target is not a path"),
    (_frame({**GOOD, "target": "/a b"}), "the target is not a path"),
    (_frame({**GOOD, "headers": [["X-A", "1\r\nX-Injected: 2"]]}), "not one HTTP could carry"),
    (_frame({**GOOD, "headers": [["X A", "1"]]}), "not one HTTP could carry"),
    (_frame({**GOOD, "headers": [["X-A", "€"]]}), "not one HTTP could carry"),
    (_frame({**GOOD, "headers": [["X-A", 1]]}), "a header is not a [name, value] pair of strings"),
    (_frame({**GOOD, "headers": [["X-A", "1"]] * (MAX_API_HEADERS + 1)}), "the headers are not a list"),
    (API_MAGIC + struct.pack(">I", 1 << 30), "the head is larger than"),
    (_frame(GOOD)[:-4] + struct.pack(">I", 1 << 30), "the body is larger than"),
])
def test_a_frame_the_server_does_not_take_gets_a_400_and_the_connection_closes(serve, harness, frame, why):
    seen = []
    serve(lambda environ, start_response: (seen.append(environ), start_response("200 OK", []), [b"ok"])[2])
    # Whatever follows on the connection is never read as a request.
    answers = _answers(_raw(harness.EMULATOR_SOCKET, frame + _frame(GOOD, b"{}")))
    assert len(answers) == 1 and seen == []
    status, headers, body = answers[0]
    assert status == 400 and headers["Connection"] == "close" and why in body.decode()


def test_framed_requests_follow_one_another_on_a_connection_and_a_cut_frame_is_dropped(serve, harness):
    seen = []
    serve(lambda environ, start_response: (seen.append(environ["wsgi.input"].read()), start_response("200 OK", []), [b"ok"])[2])
    answers = _answers(_raw(harness.EMULATOR_SOCKET, _frame(GOOD, b"{}") + _frame(GOOD, b"[]") + _frame(GOOD, b"{}")[:-1]))
    assert [(status, body) for status, _, body in answers] == [(200, b"ok"), (200, b"ok")]
    assert seen == [b"{}", b"[]"]  # the cut third one never reached the app
