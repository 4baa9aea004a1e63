"""Input that no view can use, refused with 400 before any view runs.

One layer for the whole site, so no form, query or JSON field can forget it:

- NUL and lone surrogates (coursefiles/text.py says why) in the path, the
  query string, form fields or JSON strings and keys;
- JSON nested deeper than MAX_JSON_DEPTH (checked on the bytes before
  anything parses them: `[` x 100,000 makes json.loads recurse until Python
  gives up) and JSON numbers that are not finite (`Infinity`, `NaN`, `1e400`,
  which JSON itself does not have but Python's parser accepts);
- on /api/, a body over DATA_UPLOAD_MAX_MEMORY_SIZE answers a JSON 413
  instead of Django's HTML 400 page.

API clients get the API's error shape (accounts/api_errors.py); pages
get the sentence as plain text (a page template would echo the bad input
back through the navigation's search box).
"""

import json
import math
import re

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse

from accounts.api_errors import api_error_response
from coursefiles.text import bad_character

# Every JSON body the site takes is an object of scalars or short lists; 32
# leaves room for any client while staying far below Python's recursion limit.
MAX_JSON_DEPTH = 32

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_OPENERS = frozenset(b"[{")
_CLOSERS = frozenset(b"]}")


class Refused(Exception):
    def __init__(self, message: str, loc: list, *, status: int = 400):
        super().__init__(message)
        self.message, self.loc, self.status = message, loc, status


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether `body`, read as JSON, nests arrays and objects deeper than
    `limit`. Brackets inside strings do not count. Cheap for ordinary bodies:
    one count, no scan, unless there are more brackets than the limit."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for byte in _JSON_STRING.sub(b"", body):
        if byte in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif byte in _CLOSERS:
            depth -= 1
    return False


def _not_a_json_number(text: str):
    raise ValueError(f"{text} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Refused(f"the number {text[:40]} is too large", ["body"])
    return value


def _check_json(value, loc: list) -> None:
    """Every string and key in a parsed body (nesting already bounded)."""
    if isinstance(value, str):
        problem = bad_character(value)
        if problem:
            where = ".".join(bad_safe(str(part)) for part in loc[1:])
            raise Refused(f"{where or 'the body'} {problem}", [p if isinstance(p, int) else bad_safe(p) for p in loc])
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_json(key, loc + [key])
            _check_json(item, loc + [key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, loc + [index])


def _check_body_json(body: bytes) -> None:
    if json_too_deep(body):
        raise Refused(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels", ["body"])
    try:
        parsed = json.loads(body, parse_constant=_not_a_json_number, parse_float=_finite_float)
    except Refused:
        raise
    except ValueError as exc:
        if "is not a JSON number" in str(exc):
            raise Refused("Infinity and NaN are not JSON numbers", ["body"]) from None
        return  # not JSON at all: the view says so in its own words
    _check_json(parsed, ["body"])


def _check_pairs(pairs, where: str) -> None:
    for key, values in pairs:
        for text in (key, *values):
            problem = bad_character(text)
            if problem:
                raise Refused(f"the {where} field “{bad_safe(key)}” {problem}", [where, bad_safe(key)])


def bad_safe(text: str) -> str:
    """`text` with forbidden characters replaced, fit to echo in a message."""
    return re.sub("[\x00\ud800-\udfff]", "\ufffd", text)[:60]


def _is_json(request) -> bool:
    content_type = request.META.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    return content_type == "application/json" or content_type.endswith("+json")


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            self._check(request)
        except Refused as refused:
            return self._refuse(request, refused)
        return self.get_response(request)

    def _check(self, request) -> None:
        problem = bad_character(request.path)
        if problem:
            raise Refused(f"the address {problem}", ["path"])
        _check_pairs(request.GET.lists(), "query")
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        is_api = request.path.startswith("/api/")
        try:
            if is_api:
                # Read the body whole before any form is parsed from the stream:
                # the API's parser reads request.body afterwards, which Django
                # refuses once request.POST has consumed the stream (a form post
                # to the labs API was a 500). API bodies are small (no uploads).
                request.body
            form = request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded")
            if _is_json(request) or (is_api and not form):
                _check_body_json(request.body)
            else:
                _check_pairs(request.POST.lists(), "form")
        except RequestDataTooBig:
            raise Refused("the request body is larger than this site accepts", ["body"], status=413) from None
        except TooManyFieldsSent:
            raise Refused("the form has more fields than this site accepts", ["body"]) from None

    @staticmethod
    def _refuse(request, refused: Refused):
        if request.path.startswith("/api/"):
            # The API's one error shape; the field is the location after its
            # source ("body", "query", "form", "path"), or null for the whole.
            field = ".".join(str(part) for part in refused.loc[1:]) or None
            return api_error_response(refused.message, status=refused.status, detail=[(field, refused.message)])
        return HttpResponse(
            f"Bad request: {refused.message}.\n", status=refused.status, content_type="text/plain; charset=utf-8"
        )
