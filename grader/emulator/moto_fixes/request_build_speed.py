"""moto's request object for an in-process call (the grader's), built directly.

Every call the grader makes reaches moto through `BotocoreStubber`, which
turns botocore's prepared request into moto's `Request` with
`Request.from_primitives`, that is werkzeug's `EnvironBuilder`: a test-client
builder that parses the URL twice, copies the headers into a `Headers` and
back out, and probes for forms and files. That was about a twelfth of a
grader call's CPU. The WSGI environ it produces for an ordinary request is
built here in one pass, with the same keys and values; a request outside
the ordinary (a non-ASCII or upper-case host, a path werkzeug would read as
a host, a header value werkzeug would refuse, a body that is not bytes or
text, an empty multipart form) goes to moto's own builder, as before.
Behaviour is unchanged: tests compare the two environs key by key.
"""

import io
import sys
from urllib.parse import unquote, urlparse

from moto.core import request as moto_request

_original = moto_request.Request.__dict__["from_primitives"]


def _dance(text: str) -> str:
    """werkzeug's _wsgi_encoding_dance: text as the latin-1 reading of its UTF-8."""
    return text.encode("utf-8").decode("latin-1")


def _plain_host(host: str) -> bool:
    """A host werkzeug's iri_to_uri gives back unchanged: lower-case ASCII
    labels IDNA accepts as they are, and a numeric port if any."""
    name, colon, port = host.partition(":")
    labels = name.split(".")
    return (
        host.isascii() and host == host.lower() and not set("@[]%\\/ ") & set(host)
        and all(0 < len(label) < 64 for label in labels)
        and (not colon or (port.isascii() and port.isdigit() and port == str(int(port)) and int(port) < 65536))
    )


def _ordinary(parsed, header_items, body) -> bool:
    return (
        _plain_host(parsed.netloc)
        and parsed.path.isascii() and not parsed.path.startswith("//")
        and (body is None or isinstance(body, (bytes, str)))
        and all("\r" not in value and "\n" not in value for _key, value in header_items)
    )


def environ_for(method: str, url: str, header_items: list[tuple[str, str]], body) -> dict | None:
    """The environ EnvironBuilder would build for moto's from_primitives, or
    None when the request is not one this shortcut is sure of."""
    parsed = urlparse(url)
    if not _ordinary(parsed, header_items, body):
        return None
    data = body.encode() if isinstance(body, str) else (body or b"")
    content_type = next((value for key, value in header_items if key.lower() == "content-type"), None)
    if data:
        content_length: int | None = len(data)
    else:
        mimetype = content_type.partition(";")[0].strip() if content_type else None
        if mimetype == "multipart/form-data":
            return None  # werkzeug encodes an (empty) form and adds a boundary
        if mimetype == "application/x-www-form-urlencoded":
            content_length = 0  # werkzeug encodes the (empty) form
        else:
            declared = next((value for key, value in header_items if key.lower() == "content-length"), None)
            try:
                content_length = int(declared) if declared is not None else None
            except ValueError:
                content_length = None
    host = parsed.netloc
    server_name, colon, port = host.partition(":")
    server_port = int(port) if colon else 443 if parsed.scheme == "https" else 80
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": _dance(unquote(parsed.path)),
        "QUERY_STRING": _dance(parsed.query),
        "REQUEST_URI": _dance(parsed.path),
        "RAW_URI": _dance(parsed.path),
        "SERVER_NAME": server_name,
        "SERVER_PORT": str(server_port),
        "HTTP_HOST": host,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parsed.scheme,
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if content_type is not None:
        environ["CONTENT_TYPE"] = content_type
    if content_length is not None:
        environ["CONTENT_LENGTH"] = str(content_length)
    combined: dict[str, list[str]] = {}
    for key, value in header_items:
        if key.lower() in ("content-type", "content-length"):
            continue
        combined.setdefault(f"HTTP_{key.upper().replace('-', '_')}", []).append(value)
    for key, values in combined.items():
        environ[key] = ", ".join(values)
    return environ


def from_primitives(cls, method, url, headers, body):
    if isinstance(body, moto_request.AwsChunkedWrapper):
        body = body.read()
    header_items = [
        (key, value.decode("utf-8") if isinstance(value, bytes) else value)
        for key, value in headers.items()
        if key.lower() not in ["transfer-encoding"]
    ]
    if not all(isinstance(value, str) for _key, value in header_items):
        return _original.__func__(cls, method, url, headers, body)
    environ = environ_for(method, url, header_items, body)
    if environ is None:
        return _original.__func__(cls, method, url, headers, body)
    request = cls(environ)
    # As moto's from_primitives: original spellings of preserved header names,
    # and a Content-Length even for a request without a body.
    request.environ[moto_request.PRESERVED_HEADER_NAMES_ENVIRON_KEY] = {
        moto_request.environ_key_for_header(key): key
        for key, _ in header_items
        if moto_request.should_preserve_original_header_name(key)
    }
    request.environ.setdefault("CONTENT_LENGTH", "0")
    return request


def apply() -> None:
    moto_request.Request.from_primitives = classmethod(from_primitives)
