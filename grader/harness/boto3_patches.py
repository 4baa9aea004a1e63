"""Runs INSIDE the sandbox, with the harness (main.py): how the learner's
boto3 reaches the run's emulator, and what is changed in it for that. Like
main.py it imports nothing from the repository, which the sandbox cannot
see; what it repeats from grader/ is named where it appears.

install() sets it all up in the sandbox zygote, below every session and
client the learner's code can make:
- each request is framed on the emulator's Unix socket, or sent there as
  HTTP (frame_requests_to_the_emulator, connect_to_the_emulator);
- it names the invocation it is part of, for the trace (name_invocations),
  and the emulator's clock offset comes back on each answer (follow_clock);
- SigV4 without the HMAC chain, User-Agent strings remembered, retries at
  once (sign_without_hmac, remember_user_agents, retry_at_once).

The learner's code can undo any of it; that only slows or muddles its own
run, never the grading.
"""

import io
import json
import os
import socket
import struct
import threading

RUN_DIR = os.environ.get("REDRIVE_RUN_DIR", "/run/emu")
EMULATOR_SOCKET = RUN_DIR + "/emulator.sock"
FORWARD_PORT = int(os.environ.get("REDRIVE_FORWARD_PORT", "4566"))
# grader.trace.INVOCATION_HEADER: names the Lambda invocation a learner request is part of.
INVOCATION_HEADER = "X-Redrive-Invocation"
# grader.emulator.clock.OFFSET_HEADER: the emulator clock's offset after each call.
CLOCK_HEADER = "X-Redrive-Clock-Offset"
# The trace's id of the invocation each thread is running, while it runs one
# (set by main.call_function): per thread, because CallMany runs several at once.
invocations = threading.local()
# How far the emulator's clock is ahead of the wall clock; main.py's time functions add it.
clock = {"offset": 0.0}


def install():
    """Everything below, in the order the wrappers must nest: the clock is
    read from whatever answer the framed or HTTP path returns."""
    name_invocations()
    remember_user_agents()
    sign_without_hmac()
    frame_requests_to_the_emulator()
    follow_clock()
    connect_to_the_emulator()
    retry_at_once()


def name_invocations():
    """Send the invocation in progress with every AWS request, so the emulator's
    trace can attribute what the learner's code sends to the message it handles.

    At the endpoint, below every session and client the learner could build,
    and per thread, so concurrent invocations (CallMany) each name their own. A
    thread the learner's code starts sends no header: the trace then takes the
    one invocation in progress, if only one is. The learner can remove or forge
    the header: that only muddles its own run's drawing, never the grading.
    """
    from botocore.endpoint import Endpoint

    original = Endpoint.create_request

    def create_request(self, params, operation_model=None):
        invocation = getattr(invocations, "id", None)
        if invocation is not None and isinstance(params.get("headers"), dict):
            params["headers"][INVOCATION_HEADER] = invocation
        return original(self, params, operation_model)

    Endpoint.create_request = create_request


def follow_clock():
    """The emulator clock can move while a call runs (a grader's slow call): each
    answer carries its offset, and the learner's time.time() catches up at once,
    not only when the next function call starts. It only ever moves forward."""
    from botocore.endpoint import Endpoint

    original = Endpoint._send

    def _send(self, request):
        response = original(self, request)
        try:
            offset = float(response.headers.get(CLOCK_HEADER) or 0)
        except (AttributeError, TypeError, ValueError):
            return response
        if offset > clock["offset"]:
            clock["offset"] = offset
        return response

    Endpoint._send = _send


def connect_to_the_emulator():
    """boto3's connections to the endpoint go straight to the emulator's socket,
    not through the forwarder: the relay cost a connection of its own and a
    pass through this process's one forwarding thread for every request and
    response. The forwarder stays for any other HTTP client the learner's code
    uses. The learner can undo this; that only slows its own run."""
    from botocore.awsrequest import AWSHTTPConnection

    original = AWSHTTPConnection._new_conn

    def _new_conn(self):
        if (self.host, self.port) != ("127.0.0.1", FORWARD_PORT):
            return original(self)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if isinstance(self.timeout, (int, float)):
            sock.settimeout(self.timeout)
        try:
            sock.connect(EMULATOR_SOCKET)
        except OSError:
            sock.close()
            raise
        return sock

    AWSHTTPConnection._new_conn = _new_conn


def remember_user_agents():
    """botocore builds its User-Agent string from about twenty parts, twice
    for every request (a tenth of a call's CPU). The string is remembered per
    client configuration and set of features in use: the same parts give the
    same string. (A Config object changed after its client's first call would
    keep its first string: only the header says so.)"""
    from botocore import useragent
    from botocore.context import get_context

    original = useragent.UserAgentString.to_string

    def to_string(self):
        context = get_context()
        key = (
            id(self._client_config), frozenset(self._client_features or ()),
            frozenset(context.features) if context is not None else frozenset(),
        )
        # Shared with the copies with_client_config makes, which the key tells apart.
        remembered = self.__dict__.setdefault("_redrive_strings", {})
        if key not in remembered:
            remembered[key] = (self._client_config, original(self))  # the config kept alive, so its id stays its own
        return remembered[key][1]

    useragent.UserAgentString.to_string = to_string


def scope_only_auth():
    """botocore's SigV4 signer with a signature of zeros: its add_auth (the
    date, the token, a retry's header replaced) and the Authorization header
    with the credential scope moto reads the account and region from, with
    no canonical request or HMAC chain computed (a fifth of a call's CPU).
    For requests no endpoint checks the signature of. The grader's own
    clients use this class too (grader/local_clients.py). Made on demand: this
    file imports botocore only after the harness has loaded boto3."""
    from botocore import auth

    class ScopeOnlyAuth(auth.SigV4Auth):
        def canonical_request(self, request):
            return ""

        def string_to_sign(self, request, canonical_request):
            return ""

        def signature(self, string_to_sign, request):
            return "0" * 64

    return ScopeOnlyAuth


def sign_without_hmac():
    """The learner's SigV4 requests (every service here but S3) are signed by
    scope_only_auth(): the emulator checks no signature. S3's signer also
    sets the payload headers moto decodes a body by, so it stays."""
    from botocore import auth

    auth.AUTH_TYPE_MAPS["v4"] = scope_only_auth()


# grader/emulator/http_server.py API_MAGIC and its framing.
API_MAGIC = b"RDRV"
_api_connection = threading.local()
_TOKEN = frozenset("!#$%&'*+.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-")


def frame_requests_to_the_emulator():
    """boto3's requests to the emulator go as data, not HTTP text: method,
    target and headers in a JSON head, then the body, on a connection of the
    thread's own to the emulator's socket (grader/emulator/http_server.py).
    Neither side writes or parses HTTP headers (with urllib3's connection
    pool, a sixth of a call), and the emulator builds the same environ from
    the same fields. A request goes framed only when it would reach the
    emulator unchanged: with the headers urllib3 and http.client add, and a
    body of known length. Any other (a stream of unknown length, a header
    http.client would refuse or the server would rewrite, a proxy) goes as
    HTTP, exactly as before. Errors are botocore's: a socket that does not
    connect is an EndpointConnectionError, one that breaks mid-call a
    ConnectionClosedError, which boto3 retries."""
    from botocore.awsrequest import AWSResponse
    from botocore.endpoint import Endpoint
    from botocore.exceptions import ConnectionClosedError, EndpointConnectionError
    from botocore.httpsession import URLLib3Session
    from urllib3 import HTTPHeaderDict, HTTPResponse

    original = Endpoint._send
    prefix = f"http://127.0.0.1:{FORWARD_PORT}/"

    def _send(self, request):
        frame = None
        session = self.http_session
        if request.url.startswith(prefix) and isinstance(session, URLLib3Session) and not session._proxy_config.proxy_url_for(request.url):
            frame = _api_request(request)
        if frame is None:
            return original(self, request)
        sock = getattr(_api_connection, "sock", None)
        if sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(EMULATOR_SOCKET)
            except OSError as error:
                sock.close()
                raise EndpointConnectionError(endpoint_url=request.url, error=error) from None
            _api_connection.sock, _api_connection.rfile = sock, sock.makefile("rb")
        try:
            sock.sendall(frame)
            head = json.loads(_read_part(_api_connection.rfile))
            body = _read_part(_api_connection.rfile)
        except (OSError, EOFError, ValueError) as error:
            drop_api_connection()
            raise ConnectionClosedError(error=error, request=request, endpoint_url=request.url) from None
        headers = HTTPHeaderDict()
        for name, value in head["headers"]:
            headers.add(name, value)
        if any(name.lower() == "connection" and value == "close" for name, value in head["headers"]):
            drop_api_connection()
        raw = HTTPResponse(
            body=io.BytesIO(body), headers=headers, status=head["status"], version=11, version_string="HTTP/1.1",
            reason=head["reason"], preload_content=False, decode_content=False, enforce_content_length=False,
            request_method=request.method, request_url=request.url,
        )
        response = AWSResponse(request.url, head["status"], raw.headers, raw)
        if not request.stream_output:
            response.content
        return response

    Endpoint._send = _send


def _read_part(rfile):
    """A 4-byte length, then that many bytes (a buffered reader returns all of them or the end)."""
    prefix = rfile.read(4)
    if len(prefix) < 4:
        raise EOFError
    (size,) = struct.unpack(">I", prefix)
    data = rfile.read(size)
    if len(data) < size:
        raise EOFError
    return data


def drop_api_connection():
    """Close this thread's framed connection to the emulator, if it has one."""
    sock = getattr(_api_connection, "sock", None)
    _api_connection.sock = None
    if sock is not None:
        _api_connection.rfile.close()
        sock.close()


def _api_request(request):
    """The framed request, with the headers http.client would have sent; None
    for a request to send as HTTP."""
    method = request.method
    if not method or not set(method) <= _TOKEN:
        return None
    target = request.url[request.url.index("/", len("http://")):]
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in target):
        return None
    given = list(request.headers.items())
    names = {name.lower() for name, _ in given}
    headers = []
    # What urllib3 and http.client add: the host, an identity encoding and
    # the body's length (for a method that expects a body, 0 without one);
    # without a User-Agent of botocore's, urllib3 would add its own: HTTP then.
    if "host" not in names:
        headers.append(["Host", f"127.0.0.1:{FORWARD_PORT}"])
    if "accept-encoding" not in names:
        headers.append(["Accept-Encoding", "identity"])
    if "transfer-encoding" in names or "user-agent" not in names:
        return None
    for name, value in given:
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        elif not isinstance(value, str):
            return None
        if not name or not set(name) <= _TOKEN or "\r" in value or "\n" in value or value[:1] in (" ", "\t"):
            return None
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            return None
        headers.append([name, value])
    declared = next((value for name, value in headers if name.lower() == "content-length"), None)
    body = _request_body(request.body, declared)
    if body is None:
        return None
    if declared is None and (request.body is not None or method.upper() in ("PATCH", "POST", "PUT")):
        headers.insert(len(headers) - len(given), ["Content-Length", str(len(body))])
    head = json.dumps({"method": method, "target": target, "headers": headers}, ensure_ascii=False).encode()
    return API_MAGIC + struct.pack(">I", len(head)) + head + struct.pack(">I", len(body)) + body


def _request_body(body, declared):
    """The bytes urllib3 would send, or None to send the request as HTTP: text
    in UTF-8 (urllib3's encoding), a stream read to its end when its length
    is declared (botocore puts an S3 body in one, and seeks it back itself for
    a retry; without a length urllib3 would send it chunked), and always as
    many bytes as the declared Content-Length."""
    if body is None:
        data = b""
    elif isinstance(body, str):
        data = body.encode("utf-8")
    elif isinstance(body, (bytes, bytearray)):
        data = bytes(body)
    elif declared is not None and callable(getattr(body, "read", None)) and getattr(body, "seekable", lambda: False)():
        start = body.tell()
        data = body.read()
        if not isinstance(data, bytes) or str(len(data)) != declared.strip():
            body.seek(start)
            return None
        return data
    else:
        return None
    if declared is not None and str(len(data)) != declared.strip():
        return None
    return data


def retry_at_once():
    """boto3 waits before it retries a failed call: a random share of 25 ms to
    seconds, doubling with each attempt. In the emulator no failure clears with
    wall-clock time (the grader decides which calls fail, and its clock moves
    only when the grader moves it), so the wait changed nothing but how long
    the learner waited for a verdict: a retry now goes out at once. What is
    retried, how often and in what order is boto3's, unchanged; the learner's
    own time.sleep still sleeps. grader/inprocess.py does the same."""
    import types

    from botocore import endpoint

    endpoint.time = types.SimpleNamespace(sleep=lambda seconds: None)  # the module's only use of time
