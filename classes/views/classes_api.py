"""JSON API for classes, for instructors who script. Bearer token or session.

Errors are {"error": "..."} with 400 (bad input), 401 (no login), 403 (not an
instructor) or 404 (a class you do not teach).
"""

import json

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.api_auth import api_login_required
from classes.selectors.classes import user_timezone_for
from classes.selectors.gradebook import gradebook_for
from classes.services.classes import ClassError, assignment_create, classroom_create, classroom_join, due_at_parse
from classes.views.classes import _get_classroom_for_user


class BadBody(ValueError):
    pass


def _body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise BadBody("send a JSON object as the request body") from None
    if not isinstance(body, dict):
        raise BadBody("send a JSON object as the request body")
    return body


def _error(exc) -> JsonResponse:
    return JsonResponse({"error": str(exc)}, status=getattr(exc, "http_status", 400))


@require_POST
@api_login_required
def classroom_create_api(request):
    try:
        classroom = classroom_create(user=request.user, name=_body(request).get("name", ""))
    except (BadBody, ClassError) as exc:
        return _error(exc)
    return JsonResponse({"id": classroom.id, "name": classroom.name, "join_code": classroom.join_code}, status=201)


@require_POST
@api_login_required
def classroom_join_api(request):
    try:
        membership, created = classroom_join(user=request.user, code=_body(request).get("join_code", ""))
    except (BadBody, ClassError) as exc:
        return _error(exc)
    classroom = membership.classroom
    return JsonResponse({"id": classroom.id, "name": classroom.name, "joined": created}, status=201 if created else 200)


@require_POST
@api_login_required
def assignment_create_api(request, class_id):
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    try:
        body = _body(request)
        due_at = due_at_parse(value=body.get("due_at", ""), tz=user_timezone_for(user=request.user))
        assignment = assignment_create(
            classroom=classroom,
            kind=str(body.get("kind", "")),
            slug=body.get("slug", ""),
            due_at=due_at,
            deck_target=str(body.get("target", "") or ""),
            deck_target_count=body.get("target_count"),
        )
    except (BadBody, ClassError) as exc:
        return _error(exc)
    return JsonResponse(
        {
            "id": assignment.id,
            "kind": assignment.kind,
            "slug": assignment.slug,
            "title": assignment.title,
            "due_at": assignment.due_at.isoformat(),
        },
        status=201,
    )


@require_GET
@api_login_required
def gradebook_api(request, class_id):
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    book = gradebook_for(classroom=classroom, now=timezone.now())
    return JsonResponse(
        {
            "class": {"id": classroom.id, "name": classroom.name},
            "assignments": [
                {"id": c.assignment.id, "kind": c.assignment.kind, "slug": c.assignment.slug, "title": c.assignment.title,
                 "due_at": c.assignment.due_at.isoformat()}
                for c in book.columns
            ],
            "students": [
                {
                    "username": row.student.username,
                    "display_name": row.display_name,
                    "progress_percent": row.percent,
                    "results": [
                        {"assignment": cell.assignment.id, "status": cell.state, "done": cell.done, "late": cell.late,
                         "overdue": cell.overdue, "score": cell.score, "attempts": cell.attempts,
                         "late_attempts": cell.late_attempts}
                        for cell in row.cells
                    ],
                }
                for row in book.rows
            ],
        }
    )
