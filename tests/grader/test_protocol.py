"""grader.protocol: every message survives the wire, a malformed frame is a
ProtocolError, and the harness (which cannot import grader) agrees with it."""

import importlib.util
import json
import socket
import struct
import time
import types
from pathlib import Path

import pytest

from grader import protocol
from grader.protocol import (
    Call, CallMany, Failure, Has, HarnessLimits, HarnessReady, Job, LearnerEnd, Load, Ok, Prepare, ProtocolError, Ready, Result,
)
from grader.run import LambdaContext
from grader.sandbox.limits import Limits
from grader.trace import Hop, TraceEntry
from grader.verdict import Checkpoint, Status, Verdict

HARNESS = Path(__file__).resolve().parents[2] / "grader" / "harness" / "main.py"


@pytest.fixture
def pair():
    left, right = socket.socketpair()
    left.settimeout(5)
    right.settimeout(5)
    yield left, right
    left.close()
    right.close()


@pytest.fixture(scope="module")
def harness():
    """The in-sandbox harness as a module (its main() runs only as a script)."""
    spec = importlib.util.spec_from_file_location("redrive_harness_under_test", HARNESS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "message",
    [
        Prepare(dir="/tmp/run-1", memory_mib=2048),
        Prepare(dir="/tmp/run-2"),
        Ready(pid=4321, offline=True),
        Prepare(dir="/tmp/run-3", memory_mib=2048, uid=65533, disk_mib=128, disk_files=512),
        Ready(pid=4322, offline=True, sealed=True),
        Job(slug="sqs-dlq", time_limit_s=20.0, grader_files={"grader.py": "def grade(run): pass"}, code="x = 1",
            limits=Limits().for_harness(), time_limit_message="Your code ran past the 20-second time limit."),
        Job(slug="sns-filter-fanout", time_limit_s=20.0, grader_files={"grader.py": "def grade(run): pass"}, code="x = 1",
            limits=Limits().for_harness(), time_limit_message="Your code ran past the 20-second time limit.", services=["sns", "sqs"]),
        Job(slug="kinesis-consumer", time_limit_s=20.0, grader_files={"grader.py": "def grade(run): pass"}, code="x = 1",
            limits=Limits().for_harness(), time_limit_message="Your code ran past the 20-second time limit.", cpu=1),
        HarnessReady(),
        HarnessLimits(limits={"cpu_s": 10, "processes": 64}),
        HarnessLimits(limits={"cpu_s": 10, "processes": 64}, cpu=0),
    ],
)
def test_each_message_arrives_as_it_was_sent(pair, message):
    protocol.send(pair[0], message)
    assert protocol.recv(pair[1], type(message)) == message


def test_a_result_carries_the_verdict_and_its_status_is_derived_the_same_way(pair):
    verdict = Verdict(
        checkpoints=[Checkpoint("a", "A", 2, True, "ok"), Checkpoint("b", "B", 1, False, "missing")],
        trace=[
            TraceEntry(
                label="order #3", body='{"amount": 99.99}', expect_reach=["payments"], outcome="bad", problems=["should have reached payments"],
                hops=[
                    Hop("published", "order-events", kind="topic", source="grader:grader", by="grader"),
                    Hop("filtered-out", "payments", kind="queue", source="topic:order-events", clause="amount >= 100", seen="99.99"),
                    Hop("received", "audit", kind="queue", count=1),
                ],
            )
        ],
        duration_ms=12,
    )
    verdict.end(Status.TIMEOUT, "Your code ran past the 5-second time limit.")
    protocol.send(pair[0], Result(verdict, LearnerEnd(limit="time")))

    received = protocol.recv(pair[1], Result)

    assert received.verdict == verdict
    assert received.verdict.to_dict() == verdict.to_dict()
    assert received.learner == LearnerEnd(limit="time") and not received.learner.died


def test_keys_a_peer_does_not_know_yet_are_ignored(pair):
    """So a field can be added one side at a time."""
    wire = Result(Verdict(checkpoints=[Checkpoint("a", "A", 1, True, "ok")])).to_wire()
    wire["verdict"]["timeline"] = [{"at_ms": 1, "what": "sent"}]
    protocol.send_frame(pair[0], wire)
    assert protocol.recv(pair[1], Result).verdict.status == Status.PASSED


@pytest.mark.parametrize(
    "frame, kind",
    [
        ([1, 2], Result),
        ({"verdict": {"checkpoints": "all of them"}}, Result),
        ({"verdict": {"checkpoints": [], "trace": [{"label": "m", "body": "b", "hops": [{"action": "sent"}]}]}}, Result),
        ({"verdict": {"checkpoints": [], "trace": [{"label": "m", "body": "b", "hops": [], "problems": [3]}]}}, Result),
        ({"verdict": {"checkpoints": [], "ended": "passed"}}, Result),
        ({"verdict": {"checkpoints": [{"id": "a", "title": "A", "points": 1, "passed": "yes", "feedback": ""}]}}, Result),
        ({"dir": 7}, Prepare),
        ({"op": "load"}, HarnessReady),
        ({"pid": "4321"}, Ready),
    ],
)
def test_a_frame_that_is_not_the_message_expected_is_a_protocol_error(pair, frame, kind):
    protocol.send_frame(pair[0], frame)
    with pytest.raises(ProtocolError):
        protocol.recv(pair[1], kind)


@pytest.mark.parametrize("raw", [b"not json", b'{"ok": 1, "error": {}}', b'{"error": "nope"}', b"{}", b"\xff\xfe"])
def test_a_reply_must_be_exactly_ok_or_an_error_object(pair, raw):
    pair[0].sendall(struct.pack(">I", len(raw)) + raw)
    with pytest.raises(ProtocolError):
        protocol.recv_reply(pair[1])


def test_an_oversized_frame_is_refused_before_it_is_read(pair):
    pair[0].sendall(struct.pack(">I", protocol.MAX_MESSAGE + 1))
    with pytest.raises(ProtocolError, match="too large"):
        protocol.recv_frame(pair[1])


def test_the_harness_and_the_child_frame_messages_alike(pair, harness):
    harness.send(pair[0], HarnessReady().to_wire())
    assert protocol.recv(pair[1], HarnessReady) == HarnessReady()
    protocol.send(pair[1], HarnessLimits(Limits().for_harness(), cpu=1))
    assert harness.recv(pair[0]) == {"limits": Limits().for_harness(), "cpu": 1}


@pytest.mark.parametrize(
    "text",
    ["plain", "€ 🚀 ü" * 1000, "a lone surrogate \udc80 and \ud83d, then text"],
)
def test_text_of_any_kind_crosses_both_ways_unchanged(pair, harness, text):
    protocol.send_frame(pair[1], {"args": [text]})
    assert harness.recv(pair[0]) == {"args": [text]}
    harness.send(pair[0], {"ok": text})
    assert protocol.recv_frame(pair[1]) == {"ok": text}


def test_wide_text_is_framed_as_utf8_not_as_escapes():
    text = "€" * 1000
    assert len(protocol.encode_frame({"body": text})) == len('{"body": ""}') + 3 * 1000


def test_requests_arrive_at_the_harness_with_a_lambda_context_it_can_rebuild(pair, harness):
    context = LambdaContext("handler", "req-1", deadline=time.monotonic() + 5, invoked_function_arn="arn:aws:lambda:f")
    protocol.send(pair[1], Call("handler", [{"Records": []}, context]))
    request = harness.recv(pair[0])

    event, rebuilt = (harness.decode_arg(arg) for arg in request["args"])

    assert (request["op"], request["name"], event) == ("call", "handler", {"Records": []})
    assert (rebuilt.function_name, rebuilt.aws_request_id, rebuilt.invoked_function_arn) == ("handler", "req-1", "arn:aws:lambda:f")
    assert 4000 < rebuilt.get_remaining_time_in_millis() <= 5000
    protocol.send(pair[1], Load("x = 1"))
    protocol.send(pair[1], Has("setup"))
    assert harness.recv(pair[0]) == {"op": "load", "code": "x = 1"}
    assert harness.recv(pair[0]) == {"op": "has", "name": "setup"}


def test_the_harness_replies_decode_as_ok_and_failure(pair, harness):
    try:
        raise KeyError("orderId")
    except KeyError as exc:
        described = harness.describe_error(exc, Limits().for_harness(), skip_frames=0)
    for reply in ({"ok": {"batchItemFailures": []}}, {"error": described}, {"error": {"kind": "crashed", "limit": "memory", "message": "Your code used more than 512 MiB of memory."}}):
        harness.send(pair[0], reply)

    assert protocol.recv_reply(pair[1]) == Ok({"batchItemFailures": []})
    failure = protocol.recv_reply(pair[1])
    assert (failure.kind, failure.exc_type, failure.message, failure.limit) == ("exception", "KeyError", "'orderId'", None)
    assert "KeyError" in failure.traceback
    assert protocol.recv_reply(pair[1]) == Failure(kind="crashed", message="Your code used more than 512 MiB of memory.", limit="memory")
    assert json.loads(json.dumps(Failure("missing", "no handler").to_wire())) == {"error": {"kind": "missing", "message": "no handler", "exc_type": "", "traceback": ""}}


def test_a_call_names_the_invocation_whose_requests_the_harness_marks(pair, harness):
    from grader import trace

    protocol.send(pair[1], Call("handler", [{"Records": []}], invocation="inv-7"))
    assert harness.recv(pair[0])["invocation"] == "inv-7"
    protocol.send(pair[1], Call("setup"))
    assert "invocation" not in harness.recv(pair[0])
    assert harness.boto3_patches.INVOCATION_HEADER == trace.INVOCATION_HEADER


def test_concurrent_calls_reach_the_harness_and_come_back_one_reply_each(pair, harness):
    import threading
    import types

    context = LambdaContext("handler", "req-1", deadline=time.monotonic() + 5)
    protocol.send(pair[1], CallMany("handler", [[{"n": 1}, context], [{"n": 2}, context]], clock_offset=60.0))
    request = harness.recv(pair[0])
    assert (request["op"], request["name"], request["clock_offset"]) == ("call_many", "handler", 60.0)

    barrier = threading.Barrier(2, timeout=2)
    module = types.ModuleType("submission")

    def handler(event, context):
        barrier.wait()  # both calls inside at once, or this raises
        if event["n"] == 2:
            raise KeyError("n")
        return context.function_name

    module.handler = handler
    limits = Limits().for_harness()
    replies = harness.call_concurrently(module, request["name"], request["calls"], limits)
    harness.send(pair[0], {"ok": replies})

    reply = protocol.recv_reply(pair[1])
    first, second = (protocol.reply_from_wire(r) for r in reply.value)
    assert first == protocol.Ok("handler")
    assert isinstance(second, Failure) and second.exc_type == "KeyError"


def test_the_harness_moves_the_learners_clocks_by_the_offset(harness):
    import datetime

    wall = time.time()
    harness.set_clock(3600)
    try:
        assert 3599 < time.time() - wall < 3610
        assert 3599 < (datetime.datetime.now() - datetime.datetime.fromtimestamp(wall)).total_seconds() < 3610
    finally:
        harness.set_clock(0)
        time.time, time.time_ns = harness._wall_time, harness._wall_time_ns
        datetime.datetime = harness._EmulatorDatetime.__mro__[1]


def test_a_verdicts_faults_survive_the_wire(pair):
    verdict = Verdict(checkpoints=[Checkpoint("a", "A", 1, True, "ok")], faults=[{"fault": "throttle", "service": "kinesis", "target": "PutRecords", "at": 1.5}])
    protocol.send(pair[0], Result(verdict))
    assert protocol.recv(pair[1], Result).verdict.faults == verdict.faults


def test_concurrent_calls_each_send_their_own_invocation_on_their_requests(pair, harness, monkeypatch):
    import threading
    import types

    from botocore.endpoint import Endpoint

    # The harness wraps whatever create_request is in place; this one reports the header it was given.
    monkeypatch.setattr(Endpoint, "create_request", lambda self, params, operation_model=None: params["headers"].get(harness.boto3_patches.INVOCATION_HEADER))
    harness.boto3_patches.name_invocations()

    protocol.send(pair[1], CallMany("handler", [[{"n": 1}], [{"n": 2}]], invocations=["inv-1", "inv-2"]))
    request = harness.recv(pair[0])
    assert request["invocations"] == ["inv-1", "inv-2"]

    barrier = threading.Barrier(2, timeout=2)
    module = types.ModuleType("submission")

    def handler(event):
        barrier.wait()  # both invocations running at once
        return Endpoint.create_request(None, {"headers": {}})

    module.handler = handler
    replies = harness.call_concurrently(module, "handler", request["calls"], Limits().for_harness(), request["invocations"])
    assert replies == [{"ok": "inv-1"}, {"ok": "inv-2"}]
    assert Endpoint.create_request(None, {"headers": {}}) is None  # outside any invocation: no header


def test_the_learners_clock_follows_an_answer_that_says_the_emulator_clock_moved(harness, monkeypatch):
    import types

    from botocore.endpoint import Endpoint

    from grader.emulator import clock

    assert harness.boto3_patches.CLOCK_HEADER == clock.OFFSET_HEADER
    answers = iter(["12.5", "40.0", "3.0", None])
    # The harness wraps whatever _send is in place; this one answers with the next offset.
    monkeypatch.setattr(Endpoint, "_send", lambda self, request: types.SimpleNamespace(headers={harness.boto3_patches.CLOCK_HEADER: next(answers)}))
    monkeypatch.setitem(harness._clock, "offset", 0.0)
    harness.boto3_patches.follow_clock()
    seen = []
    for _ in range(4):
        Endpoint._send(None, None)
        seen.append(harness._clock["offset"])
    assert seen == [12.5, 40.0, 40.0, 40.0]  # only forward; an answer without the header changes nothing


def test_boto3_retries_a_failed_call_without_waiting_in_the_sandbox(harness, monkeypatch, dynamodb_failing_twice):
    from botocore import endpoint

    monkeypatch.setattr(endpoint, "time", endpoint.time)  # put back after the test
    harness.boto3_patches.retry_at_once()
    client, slept, attempts = dynamodb_failing_twice
    assert client.list_tables()["TableNames"] == []
    assert len(attempts) == 3  # boto3's own retries, all of them
    assert slept == []


def test_boto3_waits_before_a_retry_outside_the_sandbox(dynamodb_failing_twice):
    client, slept, attempts = dynamodb_failing_twice
    client.list_tables()
    assert len(attempts) == 3 and len(slept) == 2  # what retry_at_once takes away


def test_each_concurrent_call_says_it_returned_before_the_round_replies(pair, harness):
    import threading

    protocol.send(pair[1], CallMany("handler", [[{"n": 1}], [{"n": 2}]], invocations=["inv-1", "inv-2"]))
    request = harness.recv(pair[0])
    second_may_finish = threading.Event()
    module = types.ModuleType("submission")

    def handler(event):
        if event["n"] == 2:
            second_may_finish.wait(2)
        return event["n"]

    module.handler = handler
    send_returned = harness._returned_sender(pair[0])

    def on_returned(index):
        send_returned(index)
        second_may_finish.set()  # the first call's Returned is on the wire before the second ends

    replies = harness.call_concurrently(module, "handler", request["calls"], Limits().for_harness(), request["invocations"], on_returned)
    harness.send(pair[0], {"ok": replies})
    frames = [protocol.recv_call_many_frame(pair[1]) for _ in range(3)]
    assert frames == [protocol.Returned(0), protocol.Returned(1), Ok([{"ok": 1}, {"ok": 2}])]


@pytest.mark.parametrize("frame", [{"returned": -1}, {"returned": "0"}, {"returned": True}, {"returned": None}])
def test_a_returned_frame_that_names_no_call_is_a_protocol_error(frame):
    with pytest.raises(ProtocolError):
        protocol.call_many_frame_from_wire(frame)


def test_the_harness_warms_a_client_of_every_service_the_emulator_can_serve(harness):
    from grader.emulator import services

    assert set(harness.WARM_SERVICES) == set(services.LAB_SERVICES) | set(services.ALWAYS)


def test_the_learners_boto3_reaches_the_emulator_socket_directly_over_one_kept_connection(harness, monkeypatch, tmp_path):
    import threading

    import boto3
    from botocore.awsrequest import AWSHTTPConnection
    from werkzeug.serving import make_server

    from grader.emulator.http_server import KeepAliveRequestHandler

    def dynamodb(environ, start_response):
        environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Type", "application/x-amz-json-1.0")])
        return [b'{"TableNames": ["orders"]}']

    socket_path = str(tmp_path / "emulator.sock")
    server = make_server(f"unix://{socket_path}", 0, dynamodb, threaded=True, request_handler=KeepAliveRequestHandler)
    connections = []
    original = server.process_request
    server.process_request = lambda request, address: (connections.append(request), original(request, address))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(harness.boto3_patches, "EMULATOR_SOCKET", socket_path)
    monkeypatch.setattr(harness.boto3_patches, "FORWARD_PORT", 4566)
    monkeypatch.setattr(AWSHTTPConnection, "_new_conn", AWSHTTPConnection._new_conn)  # put back after the test
    harness.boto3_patches.connect_to_the_emulator()
    try:
        # Nothing listens on 127.0.0.1:4566 here: only the socket can answer.
        client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url="http://127.0.0.1:4566",
                              aws_access_key_id="testing", aws_secret_access_key="testing")
        assert [client.list_tables()["TableNames"] for _ in range(3)] == [["orders"]] * 3
        assert len(connections) == 1
    finally:
        server.shutdown()
        server.server_close()
