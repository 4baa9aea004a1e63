"""The emulator's HTTP server keeps a client's connection open from one call
to the next, and still refuses bodies it will not read, in whole requests."""

import json
import socket
import threading

import pytest
from werkzeug.serving import make_server

from grader.emulator.http_server import MAX_REQUEST_BYTES, KeepAliveRequestHandler


def app(environ, start_response):
    """Echoes what it was sent; /boom raises; /head answers a HEAD with its GET size."""
    path = environ["PATH_INFO"]
    if path == "/boom":
        raise RuntimeError("the application failed")
    if path == "/ignore-body":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"did not read it"]
    body = environ["wsgi.input"].read()
    if environ["REQUEST_METHOD"] == "HEAD":
        start_response("200 OK", [("Content-Length", "1234")])
        return [b""]
    answer = json.dumps({"path": path, "body": body.decode()}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Connection", "close"), ("Content-Length", "999")])
    return [answer[:5], answer[5:]]


class CountingServer:
    def __init__(self, tmp_path):
        self.path = str(tmp_path / "emulator.sock")
        self.server = make_server(f"unix://{self.path}", 0, app, threaded=True, request_handler=KeepAliveRequestHandler)
        self.connections = 0
        original = self.server.process_request

        def process_request(request, client_address):
            self.connections += 1
            original(request, client_address)

        self.server.process_request = process_request
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(5)
        sock.connect(self.path)
        return sock

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server(tmp_path):
    running = CountingServer(tmp_path)
    yield running
    running.stop()


_unread: dict[int, bytes] = {}  # bytes received past the response read, per socket


def read_response(sock):
    """(status line, headers, body) of one response, read by its Content-Length."""
    data = _unread.pop(sock.fileno(), b"")
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", 0))
    while len(rest) < length:
        rest += sock.recv(65536)
    _unread[sock.fileno()] = rest[length:]
    return lines[0], headers, rest[:length]


def request(method, path, body=b"", extra=""):
    return f"{method} {path} HTTP/1.1\r\nHost: sqs.us-east-1.amazonaws.com\r\nContent-Length: {len(body)}\r\n{extra}\r\n".encode() + body


@pytest.fixture(autouse=True)
def _forget_unread():
    yield
    _unread.clear()


def test_one_connection_serves_several_requests_one_after_another(server):
    with server.connect() as sock:
        for n in range(3):
            sock.sendall(request("POST", f"/call-{n}", f"body {n}".encode()))
            status, headers, body = read_response(sock)
            assert status == "HTTP/1.1 200 OK"
            assert json.loads(body) == {"path": f"/call-{n}", "body": f"body {n}"}
            assert headers["content-length"] == str(len(body))  # ours, not the application's
            assert "connection" not in headers
    assert server.connections == 1


def test_a_body_the_application_did_not_read_does_not_become_the_next_request(server):
    with server.connect() as sock:
        sock.sendall(request("POST", "/ignore-body", b"GET /smuggled HTTP/1.1\r\nContent-Length: 0\r\n\r\n"))
        assert read_response(sock)[2] == b"did not read it"
        sock.sendall(request("POST", "/next", b"x"))
        assert json.loads(read_response(sock)[2]) == {"path": "/next", "body": "x"}


def test_pipelined_requests_are_answered_in_order(server):
    with server.connect() as sock:
        sock.sendall(request("POST", "/first", b"1") + request("POST", "/second", b"22"))
        assert json.loads(read_response(sock)[2])["path"] == "/first"
        assert json.loads(read_response(sock)[2])["path"] == "/second"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ("Transfer-Encoding: chunked\r\n", "411"),
        (f"Content-Length: {MAX_REQUEST_BYTES + 1}\r\n", "413"),
        ("Content-Length: lots\r\n", "400"),
        ("Content-Length: -5\r\n", "400"),
    ],
)
def test_a_body_it_will_not_read_is_refused_and_the_connection_closed(server, headers, status):
    with server.connect() as sock:
        sock.sendall(f"POST / HTTP/1.1\r\nHost: sqs.us-east-1.amazonaws.com\r\n{headers}\r\n".encode())
        line, answer_headers, body = read_response(sock)
        assert line.split()[1] == status and body
        assert answer_headers["connection"] == "close"
        assert sock.recv(1) == b""  # closed


def test_an_application_error_is_a_500_and_the_server_goes_on(server):
    with server.connect() as sock:
        sock.sendall(request("POST", "/boom"))
        assert read_response(sock)[0] == "HTTP/1.1 500 Internal Server Error"
    with server.connect() as sock:
        sock.sendall(request("POST", "/fine", b"ok"))
        assert json.loads(read_response(sock)[2])["body"] == "ok"


def test_a_head_answer_keeps_the_size_a_get_would_send_and_has_no_body(server):
    with server.connect() as sock:
        sock.sendall(request("HEAD", "/object") + request("POST", "/after", b"y"))
        data = b""
        while data.count(b"\r\n\r\n") < 2 or not data.endswith(b"}"):
            data += sock.recv(65536)
    head_answer, _, rest = data.partition(b"\r\n\r\n")
    assert b"Content-Length: 1234" in head_answer
    assert rest.startswith(b"HTTP/1.1 200 OK")  # the next response follows at once: the HEAD sent no body


def test_a_client_that_asks_to_close_is_closed_after_its_answer(server):
    with server.connect() as sock:
        sock.sendall(request("POST", "/last", b"z", extra="Connection: close\r\n"))
        assert json.loads(read_response(sock)[2])["body"] == "z"
        assert sock.recv(1) == b""


def test_each_response_goes_out_in_one_write(tmp_path):
    """Headers and body written apart stall a TCP peer for its delayed ACK (Nagle)."""
    writes = []

    class Counting(KeepAliveRequestHandler):
        def setup(self):
            super().setup()
            real = self.wfile

            class Writer:
                def write(self, data):
                    writes.append(len(data))
                    return real.write(data)

                def flush(self):
                    real.flush()

            self.wfile = Writer()

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(server.server_address, timeout=5) as sock:
            for n in range(3):
                sock.sendall(request("POST", f"/tcp-{n}", b"abc"))
                assert json.loads(read_response(sock)[2])["path"] == f"/tcp-{n}"
    finally:
        server.shutdown()
        server.server_close()
    assert len(writes) == 3


def test_a_client_that_expects_100_continue_is_told_to_go_on_before_it_sends_the_body(server):
    with server.connect() as sock:
        sock.sendall(b"PUT /bucket/key HTTP/1.1\r\nHost: s3.amazonaws.com\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        assert sock.recv(64) == b"HTTP/1.1 100 Continue\r\n\r\n"  # before any byte of the body was sent
        sock.sendall(b"data")
        assert json.loads(read_response(sock)[2]) == {"path": "/bucket/key", "body": "data"}
