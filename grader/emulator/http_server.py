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
"""

import io
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


class KeepAliveRequestHandler(MotoRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT_S

    def log_request(self, *args, **kwargs):
        """No access log: a learner's calls are theirs, not the worker's log's."""

    def run_wsgi(self) -> None:
        body = self._read_body()
        if body is None:
            return
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
            self._send(500, "Internal Server Error", [("Content-Type", "text/plain")], b"Internal Server Error\n", close=True)
            return
        status, headers = started
        code, _, reason = status.partition(" ")
        self._send(int(code), reason, headers, b"".join(chunks))

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
        self._send(code, reason, [("Content-Type", "text/plain")], text, close=True)

    def _send(self, code: int, reason: str, headers, body: bytes, *, close: bool = False) -> None:
        """The status line, headers and body in one write: written apart, over
        TCP (the zygote's warm-up, the forwarder's clients) Nagle's algorithm
        held the body back for the peer's delayed ACK, 40 ms a call."""
        head = self.command == "HEAD"
        lines = [f"{self.protocol_version} {code} {reason}", f"Server: {self.version_string()}", f"Date: {self.date_time_string()}"]
        for key, value in headers:
            # A HEAD response's Content-Length is the size a GET would send
            # (S3's HeadObject): the application's, kept.
            if key.lower() not in _FRAMING or (head and key.lower() == "content-length"):
                lines.append(f"{key}: {value}")
        with_body = not head and code not in (204, 304)
        if with_body:
            lines.append(f"Content-Length: {len(body)}")
        if close:
            lines.append("Connection: close")
            self.close_connection = True
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body if with_body else b""))

