"""The JSON API's one error shape, for every 4xx it answers:

    {"error": "<a sentence a person can act on>",
     "detail": [{"field": "rating", "message": "..."}, ...]}

`field` names the input at fault (a body field, a path parameter, a header
such as "Authorization"), or is null when the fault is the request as a
whole (a body that is not JSON, a path that names nothing). There is always
at least one item. Built here, below
every app, because the token middleware (this app) answers 401s before any
router runs, and the routers declare `ApiError` for each status they answer.
"""

from typing import Iterable

from django.http import JsonResponse
from ninja import Schema


class ErrorDetail(Schema):
    field: str | None
    message: str


class ApiError(Schema):
    error: str
    detail: list[ErrorDetail]


def api_error_body(message: str, detail: Iterable[tuple[str | None, str]] = ()) -> dict:
    """`detail` is (field, message) pairs; without any, the one item is the
    message about the request as a whole (field null), so `detail` is never empty."""
    items = [{"field": field, "message": text} for field, text in detail] or [{"field": None, "message": message}]
    return {"error": message, "detail": items}


def api_error_response(message: str, *, status: int, detail: Iterable[tuple[str | None, str]] = ()) -> JsonResponse:
    return JsonResponse(api_error_body(message, detail), status=status)


def errors(*statuses: int) -> dict:
    """`response=` entries declaring ApiError for each of `statuses`, so the
    OpenAPI document lists every answer an operation can give."""
    return {status: ApiError for status in statuses}
