"""The JSON API: one django-ninja NinjaAPI at /api/, a router per app
(flashcards/api.py, labs/api.py, classes/api.py), the OpenAPI document at
/api/openapi.json and interactive docs at /api/docs.

Every 4xx has one shape (accounts/api_errors.py), whoever answers it: the
token middleware (401), the body parser (400, 413), schema validation (400,
naming each field), a router (400, 403, 404, 409, 429), a method the path
does not take (405) or a path that names nothing (404). Validation errors
are 400, not 422: the API answered 400 for bad input before it had schemas,
and a client has one status to handle for "fix your request".
"""

from functools import wraps

import pydantic_core
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.urls import URLPattern, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from accounts.api_auth import NEED_TOKEN, api_auth
from accounts.api_errors import api_error_response
from classes.api import router as classes_router
from flashcards.api import router as flashcards_router
from labs.api import router as labs_router

_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


class BodyNotJson(ValueError):
    pass


class StrictJsonParser(Parser):
    """JSON as RFC 8259 has it, parsed by pydantic-core: no NaN or Infinity,
    no lone surrogate escapes ("\\ud800" decodes to no character), and nesting
    bounded by the parser's own limit rather than Python's stack, so `[`
    repeated 100,000 times is a 400, never a RecursionError. A form post
    (which the labs API has always taken for `code`) is read as its fields.
    Every body is an object: anything else is refused here."""

    def parse_body(self, request):
        if request.content_type in _FORMS:
            return {key: request.POST.get(key) for key in request.POST}
        try:
            body = pydantic_core.from_json(request.body, allow_inf_nan=False)
        except ValueError as exc:
            raise BodyNotJson(f"the request body must be a JSON object, and this is not JSON: {_reason(str(exc))}") from None
        if not isinstance(body, dict):
            # Every body this API takes is an object; ninja would read a list as no fields at all.
            kind = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(body), "a number")
            raise BodyNotJson(f"the request body must be a JSON object, not {kind}")
        return body


def _reason(parser_message: str) -> str:
    """pydantic-core's words, with the cases a client most needs told plainly."""
    if "recursion limit" in parser_message:
        return "it nests arrays or objects too deeply"
    if "surrogate" in parser_message or "hex escape" in parser_message:
        return f"a \\u escape is not a character (a lone surrogate?) ({parser_message})"
    return f"{parser_message} (NaN and Infinity are not JSON numbers)" if "value" in parser_message or "number" in parser_message else parser_message


api = NinjaAPI(
    title="Redrive API",
    version="1",
    description=(
        "Flashcards, labs and classes for scripts and apps. Send `Authorization: Bearer <token>` "
        "(create a token on your account page). Every 4xx answers "
        '`{"error": "<sentence>", "detail": [{"field": ..., "message": ...}]}`.'
    ),
    urls_namespace="api",
    auth=api_auth(),
    parser=StrictJsonParser(),
)
api.add_router("/flashcards/", flashcards_router)
api.add_router("/classes/", classes_router)
api.add_router("/", labs_router)


_MESSAGES = {
    "missing": "{field} is required",
    "int_type": "{field} must be a whole number (a JSON integer, not a string, a fraction or a boolean)",
    "int_from_float": "{field} must be a whole number (a JSON integer, not a string, a fraction or a boolean)",
    "greater_than_equal": "{field} must be at least {ge}",
    "less_than_equal": "{field} must be at most {le}",
    "string_type": "{field} must be a string",
    "string_too_long": "{field} must be at most {max_length} characters",
    "string_pattern_mismatch": "{field} must match {pattern}",
    "bool_type": "{field} must be true or false",
}


def _field(loc) -> str | None:
    # ninja's locations start with the source ("body", "path", "query") and, for
    # a body, the view's parameter name: drop both, keep the client's own names.
    parts = [str(part) for part in loc]
    if parts[:1] == ["body"]:
        parts = parts[2:]
    elif parts[:1] in (["path"], ["query"], ["header"]):
        parts = parts[1:]
    return ".".join(parts) or None


def _message(error: dict, field: str | None) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if field is None and kind in ("missing", "model_attributes_type", "dict_type", "model_type"):
        return "the request body must be a JSON object"
    if kind == "value_error" and "error" in ctx:
        return f"{field} {ctx['error']}"  # our validators' sentences (accounts/api_types.py)
    template = _MESSAGES.get(kind)
    if template is None:
        return f"{field}: {error.get('msg', 'is not valid')}"
    return template.format(field=field, **{k: v for k, v in ctx.items() if k != "field"})


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    detail = []
    for error in exc.errors:
        field = _field(error.get("loc", ()))
        detail.append((field, _message(error, field)))
    return api_error_response(detail[0][1] if detail else "the request is not valid", status=400, detail=detail)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api_error_response(NEED_TOKEN, status=401, detail=[("Authorization", "no token and no session")])


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    # Django raises it on reading request.body past DATA_UPLOAD_MAX_MEMORY_SIZE
    # (ninja reads it before its own parser); left alone it is an HTML 400.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api_error_response(f"the request body is larger than this site accepts ({limit:,} bytes)", status=413)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    cause = exc.__cause__
    if isinstance(cause, RequestDataTooBig):
        return _too_big(request, cause)
    if isinstance(cause, BodyNotJson):
        return api_error_response(str(cause), status=400)
    return api_error_response(str(exc), status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request, exc):
    # The same words whatever was missing: a class you do not teach and one
    # that does not exist must read alike.
    return api_error_response("not found", status=404)


def _json_405(view):
    """ninja answers a method a path does not take with a plain-text 405: the
    same answer (and Allow header) in the API's shape."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        allowed = response.get("Allow", "")
        json_response = api_error_response(f"{request.method} is not allowed here; use {allowed}", status=405)
        json_response["Allow"] = allowed
        return json_response

    return wrapped


@csrf_exempt
def api_not_found(request, rest=""):
    hint = " (API paths end with a slash)" if not request.path.endswith("/") else ""
    return api_error_response(f"no API endpoint at {request.path}{hint}", status=404)


def api_urlpatterns() -> list:
    """ninja's URLs, each answering 405 in the API's shape, then a JSON 404 for
    any other path under /api/ (rather than the site's HTML page, or a slash
    redirect that a POST cannot follow)."""
    patterns, _app_name, _namespace = api.urls
    wrapped = [URLPattern(p.pattern, _json_405(p.callback), p.default_args, p.name) for p in patterns]
    return wrapped + [re_path(r"^(?P<rest>.*)$", api_not_found)]
