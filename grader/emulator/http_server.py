"""The emulator's HTTP server: werkzeug's, with connections kept open.

werkzeug's development server closes every connection after one response,
because http.server cannot tell where an unread request body ends and the
next request line begins. So each of the learner's calls paid a new
connection (through the sandbox's forwarder, a second one on to this socket)
and a new thread here. This handler reads each body whole, by its
Content-Length (chunked bodies are refused, no AWS SDK sends them), before the
application sees it, and sends each response with its own Content-Length: the
next request then starts exactly where this one ended, and a connection
serves a client's calls one after another, as AWS's endpoints do.

Request parsing stays http.server's and the environ werkzeug's
(WSGIRequestHandler.make_environ); only the body and the response framing
are ours.

The same socket also takes boto3's requests from the sandbox's harness in a
compact framing (API_MAGIC, then the request as a JSON head and a body; see
read_api_request): the request line and headers arrive as data, so neither
side parses HTTP text, and the environ is still made by the same
make_environ from the same fields. A connection that does not start with
the magic is HTTP, as before.
"""

import email.message
import io
import json
import re
import struct
import traceback

from moto.moto_server.werkzeug_app import MotoRequestHandler

# AWS's own request limits are far lower (SQS and SNS 256 KiB, EventBridge
# 256 KiB, Kinesis PutRecords 10 MiB): a bigger body only fills our memory.
MAX_REQUEST_BYTES = 16 * 1024 * 1024
# How long a kept connection may sit idle between two requests. The run's
# time limit ends every connection anyway; this only frees a thread that a
# client left behind sooner.
IDLE_TIMEOUT_S = 30
# Framing headers this handler sets itself; the application's own are dropped.
_FRAMING = frozenset({"content-length", "transfer-encoding", "connection"})
# The first bytes of a framed request (the harness's API_MAGIC): no HTTP
# method starts this way. Then a 4-byte big-endian length and the head (JSON:
# method, target, headers), a 4-byte length and the body. The answer: a
# 4-byte length and its head (status, reason, headers), a 4-byte length and
# its body.
API_MAGIC = b"RDRV"
MAX_API_HEAD_BYTES = 256 * 1024
MAX_API_HEADERS = 100  # http.client's own cap on a message's header lines
# What http.client lets through: a method and a target with no control
# characters or spaces, a header name that is a token, a value on one line.
_BAD_IN_TARGET = re.compile(r"[\x00-\x20\x7f]")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
_BAD_IN_VALUE = re.compile(r"[\r\n]")


class ApiFrameError(ValueError):
    """A framed request this server does not take: the client is told why and the connection closes."""


def read_api_request(rfile) -> tuple[str, str, list[tuple[str, str]], bytes]:
    """(method, target, headers, body) of the framed request after API_MAGIC."""
    data = _read_part(rfile, MAX_API_HEAD_BYTES, "head")
    try:
        head = json.loads(data)
    except ValueError:
        raise ApiFrameError("the head is not JSON in UTF-8") from None
    if not isinstance(head, dict):
        raise ApiFrameError("the head is not an object")
    method, target, headers = head.get("method"), head.get("target"), head.get("headers")
    if not isinstance(method, str) or not _HEADER_NAME.match(method):
        raise ApiFrameError("the method is not a token")
    if not isinstance(target, str) or not target.startswith("/") or _BAD_IN_TARGET.search(target):
        raise ApiFrameError("the target is not a path")
    if not isinstance(headers, list) or len(headers) > MAX_API_HEADERS:
        raise ApiFrameError(f"the headers are not a list of at most {MAX_API_HEADERS}")
    pairs = []
    for pair in headers:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)):
            raise ApiFrameError("a header is not a [name, value] pair of strings")
        name, value = pair
        if not _HEADER_NAME.match(name) or _BAD_IN_VALUE.search(value) or not _latin1(value):
            raise ApiFrameError(f"header {name[:40]!r} is not one HTTP could carry")
        pairs.append((name, value))
    body = _read_part(rfile, MAX_REQUEST_BYTES, "body")
    return method, target, pairs, body


def _latin1(value: str) -> bool:
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _read_part(rfile, cap: int, what: str) -> bytes:
    size_bytes = rfile.read(4)
    if len(size_bytes) < 4:
        raise EOFError
    (size,) = struct.unpack(">I", size_bytes)
    if size > cap:
        raise ApiFrameError(f"the {what} is larger than {cap} bytes")
    data = rfile.read(size)
    if len(data) < size:
        raise EOFError
    return data


def encode_api_response(code: int, reason: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = json.dumps({"status": code, "reason": reason, "headers": headers}, ensure_ascii=False).encode()
    return struct.pack(">I", len(head)) + head + struct.pack(">I", len(body)) + body


class KeepAliveRequestHandler(MotoRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT_S

    def log_request(self, *args, **kwargs):
        """No access log: a learner's calls are theirs, not the worker's log's."""

    def handle_one_request(self) -> None:
        # peek does at most one read: the harness sends the magic with the
        # rest of the request in one write, so its first read holds it whole.
        if self.rfile.peek(len(API_MAGIC))[: len(API_MAGIC)] == API_MAGIC:
            self.rfile.read(len(API_MAGIC))
            self._handle_api_request()
        else:
            super().handle_one_request()

    def _handle_api_request(self) -> None:
        self.command = ""  # until the head is read: an answer to a bad frame is not a HEAD's
        try:
            method, target, headers, body = read_api_request(self.rfile)
        except EOFError:
            self.close_connection = True
            return
        except ApiFrameError as error:
            text = f"Bad framed request: {error}\n".encode()
            self._answer(400, "Bad Request", [("Content-Type", "text/plain")], text, close=True, framed=True)
            return
        self.command, self.path, self.request_version = method, target, "HTTP/1.1"
        self.requestline = f"{method} {target} HTTP/1.1"
        message = email.message.Message()
        for name, value in headers:
            message[name] = value
        self.headers = message
        self.close_connection = False  # kept open for the next frame, unless the answer closes it (a 500)
        self._run_app(body, framed=True)

    def run_wsgi(self) -> None:
        body = self._read_body()
        if body is None:
            return
        self._run_app(body, framed=False)

    def _run_app(self, body: bytes, *, framed: bool) -> None:
        self.environ = environ = self.make_environ()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        started: list = []

        def start_response(status, headers, exc_info=None):
            if exc_info is not None and started:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [status, headers]
            return lambda data: chunks.append(data)  # the legacy write(); moto never calls it

        chunks: list[bytes] = []
        try:
            result = self.server.app(environ, start_response)
            try:
                chunks.extend(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        except Exception:  # noqa: BLE001 - as werkzeug does: the client gets a 500, the server goes on
            self.server.log("error", "Error on request:\n%s", traceback.format_exc())
            self._answer(500, "Internal Server Error", [("Content-Type", "text/plain")], b"Internal Server Error\n", close=True, framed=framed)
            return
        status, headers = started
        code, _, reason = status.partition(" ")
        self._answer(int(code), reason, headers, b"".join(chunks), framed=framed)

    def _read_body(self) -> bytes | None:
        """The request's body, read whole; None (after refusing it and closing
        the connection) when its length is not one this server reads."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._refuse(411, "Length Required", b"Send a Content-Length.\n")
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self._refuse(400, "Bad Request", b"Content-Length is not a number.\n")
            return None
        if length > MAX_REQUEST_BYTES:
            self._refuse(413, "Request Entity Too Large", b"This request is larger than any AWS API accepts.\n")
            return None
        # An "Expect: 100-continue" (botocore's, before a large S3 body) was
        # answered by http.server's parse_request already: werkzeug answered it twice.
        body = self.rfile.read(length)
        if len(body) < length:
            self.close_connection = True  # the client went away mid-body: nothing to answer
            return None
        return body

    def _refuse(self, code: int, reason: str, text: bytes) -> None:
        self._answer(code, reason, [("Content-Type", "text/plain")], text, close=True, framed=False)

    def _answer(self, code: int, reason: str, headers, body: bytes, *, close: bool = False, framed: bool) -> None:
        """The status, headers and body in one write: written apart, over
        TCP (the zygote's warm-up, the forwarder's clients) Nagle's algorithm
        held the body back for the peer's delayed ACK, 40 ms a call. Framed
        or as HTTP text, the client gets the same headers."""
        head = self.command == "HEAD"
        lines = [("Server", self.version_string()), ("Date", self.date_time_string())]
        for key, value in headers:
            # A HEAD response's Content-Length is the size a GET would send
            # (S3's HeadObject): the application's, kept.
            if key.lower() not in _FRAMING or (head and key.lower() == "content-length"):
                lines.append((key, value))
        with_body = not head and code not in (204, 304)
        if with_body:
            lines.append(("Content-Length", str(len(body))))
        if close:
            lines.append(("Connection", "close"))
            self.close_connection = True
        body = body if with_body else b""
        if framed:
            self.wfile.write(encode_api_response(code, reason, lines, body))
            return
        text = "".join(f"{key}: {value}\r\n" for key, value in lines)
        self.wfile.write(f"{self.protocol_version} {code} {reason}\r\n{text}\r\n".encode("latin-1") + body)

