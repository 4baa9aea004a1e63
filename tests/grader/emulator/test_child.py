"""Learner code cannot change its verdict except by what it does through AWS
API calls: printing or writing a result, writing into the harness's channel
to the grader, or going at the emulator behind the API does nothing."""

import json

import pytest

from tests.grader.conftest import GOOD, assert_engine_still_grades, assert_nothing_left, grade

pytestmark = pytest.mark.sandbox

FAKE_PASS = {
    "verdict": {
        "status": "passed",
        "score": 1.0,
        "checkpoints": [{"id": i, "title": i, "passed": True, "points": 1, "feedback": "ok"} for i in ("loaded", "orders", "handler", "audit")],
        "error": "",
    },
    "learner": {"limit": None, "crashed": False},
}

PRINT_AND_WRITE = f'''
import gc, json, os, socket, struct, sys

FAKE = {json.dumps(FAKE_PASS)!r}
frame = struct.pack(">I", len(FAKE)) + FAKE.encode()

print(FAKE)
sys.stderr.write(FAKE + "\\n")
for path in ("/tmp/result.json", "/tmp/verdict.json", "/run/emu/result.json", "/harness/result.json"):
    try:
        open(path, "w").write(FAKE)
    except OSError:
        pass
'''

FORGER = PRINT_AND_WRITE + '''
for fd in range(3, 64):
    try:
        os.write(fd, frame)
    except OSError:
        pass
# The harness's own socket to the grader: answer ahead, with garbage and with forgeries.
for sock in [o for o in gc.get_objects() if isinstance(o, socket.socket)]:
    for message in (b'{{"ok": "done"}}', b'[1, 2]', b'{{"error": "nope"}}', FAKE.encode()):
        try:
            sock.sendall(struct.pack(">I", len(message)) + message)
        except OSError:
            pass
'''


def test_forging_a_verdict_on_every_channel_changes_nothing(engine):
    graded = grade(FORGER)

    assert graded.data["status"] == "error", graded.data
    assert "wrote into the channel the grader uses" in graded.data["error"]
    assert not graded.checkpoint("orders")["passed"] and not graded.checkpoint("handler")["passed"]
    assert graded.checkpoint("audit")["passed"]
    assert_nothing_left(graded)
    assert_engine_still_grades()


def test_a_printed_or_written_verdict_is_only_output(engine):
    graded = grade(GOOD.replace("def handler(event):\n    return \"done\"\n", "") + PRINT_AND_WRITE)

    assert graded.data["status"] == "failed", graded.data
    assert graded.data["score"] == 0.75  # graded on what it did: no handler
    assert graded.checkpoint("orders")["passed"] and not graded.checkpoint("handler")["passed"]
    assert json.dumps(FAKE_PASS) in graded.output
    assert_engine_still_grades()


TAMPER = r'''
import boto3, os, socket

def http(method, path, host="localhost", headers=""):
    with socket.create_connection(("127.0.0.1", 4566), timeout=3) as s:
        s.sendall(f"{method} {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Content-Length: 0\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data

SIGNED = "Authorization: AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/motoapi.amazonaws.com/aws4_request, SignedHeaders=host, Signature=0\r\n"

def handler(event):
    sqs = boto3.client("sqs")
    for method, path, host, headers in [
        ("POST", "/moto-api/reset", "localhost", ""),
        ("POST", "//moto-api/reset", "localhost", ""),
        ("POST", "/moto-api/../moto-api/reset", "localhost", ""),
        ("POST", "/%6doto-api/reset", "localhost", ""),
        ("POST", "http://motoapi.amazonaws.com/moto-api/reset", "motoapi.amazonaws.com", ""),
        ("POST", "/reset", "motoapi.amazonaws.com", SIGNED),
        ("GET", "/moto-api/data.json", "localhost", ""),
        ("GET", "//moto-api//data.json", "localhost", ""),
        ("GET", "/data.json", "motoapi.amazonaws.com", SIGNED),
        ("POST", "/moto-api/seed?a=42", "localhost", ""),
        ("POST", "/moto-api/state-manager/set-transition", "localhost", ""),
        ("GET", "/latest/meta-data/", "localhost", ""),
    ]:
        reply = http(method, path, host, headers)
        print("moto-api", method, path, reply.split(b"\r\n", 1)[0].decode(), reply.split(b"\r\n\r\n", 1)[-1][:2000].decode(errors="replace"))
    # Everything this run's own account holds, through the API.
    for url in sqs.list_queues().get("QueueUrls", []):
        bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])]
        print("queue", url, bodies)
    return "done"
'''


def test_the_emulator_cannot_be_reset_or_dumped_and_other_runs_are_invisible(engine):
    other = grade(GOOD)  # a previous run, with its own hidden token
    assert other.data["status"] == "passed"

    graded = grade(TAMPER)

    tampering = [line for line in graded.output.splitlines() if line.startswith("moto-api ")]
    assert len(tampering) == 12, graded.output
    assert all("403 Forbidden" in line or "404" in line or "400" in line for line in tampering), tampering
    assert other.token not in graded.output  # the earlier run's state is gone
    assert graded.token in graded.output  # ...while this run's own queues are readable
    assert graded.checkpoint("audit")["passed"]  # the grader's queue was not wiped
    assert graded.checkpoint("handler")["passed"]
    assert_nothing_left(graded)
    assert_engine_still_grades()


def test_the_emulator_refuses_oversized_requests(engine):
    code = r'''
import socket

def handler(event):
    with socket.create_connection(("127.0.0.1", 4566), timeout=5) as s:
        s.sendall(b"POST / HTTP/1.1\r\nHost: sqs.us-east-1.amazonaws.com\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000000\r\n\r\n")
        print("oversized", s.recv(200).split(b"\r\n", 1)[0].decode())
    return "done"
'''
    graded = grade(code)

    assert "oversized HTTP/1.1 413" in graded.output, graded.output
    assert_engine_still_grades()


def test_malformed_framed_requests_from_the_sandbox_get_a_400_and_reach_nothing(engine):
    code = r'''
import json, socket, struct

def frame(head, body=b""):
    head = head if isinstance(head, bytes) else json.dumps(head).encode()
    return b"RDRV" + struct.pack(">I", len(head)) + head + struct.pack(">I", len(body)) + body

WIPE = {"method": "POST", "target": "/moto-api/reset", "headers": [["Host", "localhost"]]}
for name, data in [
    ("not-json", frame(b"{oops")),
    ("header-injection", frame({**WIPE, "target": "/", "headers": [["Host", "x\r\nX-Evil: 1"]]})),
    ("huge-head", b"RDRV" + struct.pack(">I", 1 << 31)),
    ("reset", frame(WIPE)),
]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect("/run/emu/emulator.sock")
        s.sendall(data)
        size = struct.unpack(">I", s.recv(4))[0]
        print("framed", name, json.loads(s.recv(size))["status"])

def handler(event):
    return "done"
'''
    graded = grade(code)

    framed = [line for line in graded.output.splitlines() if line.startswith("framed ")]
    assert framed == ["framed not-json 400", "framed header-injection 400", "framed huge-head 400", "framed reset 403"], graded.output
    assert graded.checkpoint("audit")["passed"]  # the grader's queue was not wiped
    assert_engine_still_grades()


def test_a_learner_cannot_make_the_grader_fail_on_our_side(engine):
    """Garbage on the grader's channel ends the learner's run, never as our error."""
    code = r'''
import gc, socket, struct
for sock in [o for o in gc.get_objects() if isinstance(o, socket.socket)]:
    try:
        sock.sendall(struct.pack(">I", 5) + b"[1,2]" + struct.pack(">I", 4) + b"null")
    except OSError:
        pass

def handler(event):
    return "done"
'''
    graded = grade(code)

    assert graded.data["status"] == "error", graded.data
    assert "wrote into the channel the grader uses" in graded.data["error"], graded.data
    assert_engine_still_grades()


def test_what_a_learner_stores_in_the_emulator_is_capped(engine):
    """The emulator runs outside the sandbox: its memory has a limit of its own."""
    import time

    grade(GOOD)
    deadline = time.monotonic() + 10
    while not engine._spares and time.monotonic() < deadline:
        time.sleep(0.05)
    emulator_pid = engine._spares[0].emulator.pid
    with open(f"/proc/{emulator_pid}/limits") as f:
        address_space = next(line for line in f if line.startswith("Max address space"))

    assert address_space.split()[3:5] == [str(2048 * 1024 * 1024)] * 2, address_space


def test_a_grader_that_does_not_load_is_our_failure_and_the_engine_goes_on(engine):
    import labs.engine
    from grader.verdict import ENGINE_FAILED

    verdict = labs.engine.grade_source(
        slug="broken-grader", time_limit_s=5, grader_files={"grader.py": "raise RuntimeError('a bug of ours')\n"}, code=GOOD,
    )
    assert (verdict.status.value, verdict.error) == ("error", ENGINE_FAILED)
    assert_engine_still_grades()
