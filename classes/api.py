"""The classes API (django-ninja router, mounted at /api/classes/ by
redrive/api.py), for instructors who script. Authentication is the API's
(accounts.api_auth): 401 without it; 403 for a learner creating a class; 404
for a class you do not teach. The rules (names, join codes, kinds, slugs, due
dates, card counts) are classes.services', which the class pages call too."""

from django.utils import timezone
from ninja import Path, Router, Schema
from pydantic import Field
from ninja.responses import Status

from accounts.api_errors import api_error_body, errors
from accounts.api_types import INT64_MAX, Int, Text
from classes.models import Assignment
from classes.models.classes import DECK_TARGET_COUNT_MAX
from classes.selectors.classes import user_timezone_for
from classes.selectors.gradebook import gradebook_for
from classes.services.classes import NAME_MAX, ClassError, assignment_create, classroom_create, classroom_join, due_at_parse
from classes.views.classes import _get_classroom_for_user

router = Router(tags=["classes"])

# What any field of these bodies needs at most: a slug is a SlugField(80), a
# due date in ISO 8601 is under 40 characters, a join code is 8 letters that
# people may type with spaces or a hyphen.
SLUG_MAX = Assignment._meta.get_field("lab").related_model._meta.get_field("slug").max_length
SHORT_TEXT_MAX = 64


ClassName = Text(max_length=NAME_MAX, description="the class's name, as its students see it")
JoinCode = Text(max_length=SHORT_TEXT_MAX, description="the code your instructor gave you, in any case")
Kind = Text(max_length=SHORT_TEXT_MAX, description="lesson, deck or lab")
Slug = Text(max_length=SLUG_MAX, description="the lesson's, deck's or lab's slug")
DueAt = Text(
    max_length=SHORT_TEXT_MAX,
    description="ISO 8601; without an offset it is read in your time zone, and a bare date means the end of that day",
)
Target = Text(max_length=SHORT_TEXT_MAX, description="decks: reviewed (the default) or mastered")
# The bound is the service's (deck_target_count_parse), stated here for the OpenAPI document.
TargetCount = Int(ge=1, le=DECK_TARGET_COUNT_MAX, description="decks: how many cards; none means every card")


class ClassIn(Schema):
    name: ClassName


class ClassCreated(Schema):
    id: int
    name: str
    join_code: str


class JoinIn(Schema):
    join_code: JoinCode


class Joined(Schema):
    id: int
    name: str
    joined: bool


class AssignmentIn(Schema):
    # Defaults of "" leave the sentence for a missing value to the service, as the class page shows it.
    kind: Kind = ""
    slug: Slug = ""
    due_at: DueAt = ""
    target: Target = ""
    target_count: TargetCount | None = None


class AssignmentOut(Schema):
    id: int
    kind: str
    slug: str
    title: str
    due_at: str


class GradebookClass(Schema):
    id: int
    name: str


class GradebookResult(Schema):
    assignment: int
    status: str
    done: bool
    late: bool
    overdue: bool
    score: float | None
    attempts: int
    late_attempts: int


class GradebookStudent(Schema):
    username: str
    display_name: str
    progress_percent: int
    results: list[GradebookResult]


class Gradebook(Schema):
    # "class" is a Python keyword: the field is `classroom`, written "class".
    classroom: GradebookClass = Field(..., alias="class")
    assignments: list[AssignmentOut]
    students: list[GradebookStudent]


def _error(exc: ClassError, field: str | None = None) -> Status:
    return Status(exc.http_status, api_error_body(str(exc), [(field, str(exc))]))


ClassId = Path(..., ge=0, le=INT64_MAX)


@router.post("/", response={201: ClassCreated, **errors(400, 401, 403, 413)}, url_name="classroom_create_api")
def classroom_create_api(request, body: ClassIn):
    """Create a class (instructors only); its join code is in the answer."""
    try:
        classroom = classroom_create(user=request.user, name=body.name)
    except ClassError as exc:
        return _error(exc)
    return Status(201, {"id": classroom.id, "name": classroom.name, "join_code": classroom.join_code})


@router.post("/join/", response={200: Joined, 201: Joined, **errors(400, 401, 403, 413)}, url_name="classroom_join_api")
def classroom_join_api(request, body: JoinIn):
    """Join a class as a student: 201 the first time, 200 (joined false) after."""
    try:
        membership, created = classroom_join(user=request.user, code=body.join_code)
    except ClassError as exc:
        return _error(exc)
    classroom = membership.classroom
    return Status(201 if created else 200, {"id": classroom.id, "name": classroom.name, "joined": created})


@router.post(
    "/{int:class_id}/assignments/",
    response={201: AssignmentOut, **errors(400, 401, 403, 404, 413)},
    url_name="assignment_create_api",
)
def assignment_create_api(request, body: AssignmentIn, class_id: int = ClassId):
    """Assign a lesson, deck or lab with a due date, in a class you teach."""
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    try:
        due_at = due_at_parse(value=body.due_at, tz=user_timezone_for(user=request.user))
    except ClassError as exc:
        return _error(exc, "due_at")
    try:
        assignment = assignment_create(
            classroom=classroom,
            kind=body.kind,
            slug=body.slug,
            due_at=due_at,
            deck_target=body.target,
            deck_target_count=body.target_count,
        )
    except ClassError as exc:
        return _error(exc)
    return Status(201, {
        "id": assignment.id,
        "kind": assignment.kind,
        "slug": assignment.slug,
        "title": assignment.title,
        "due_at": assignment.due_at.isoformat(),
    })


@router.get(
    "/{int:class_id}/gradebook/", response={200: Gradebook, **errors(400, 401, 404)}, url_name="gradebook_api", by_alias=True
)
def gradebook_api(request, class_id: int = ClassId):
    """Each student's results in a class you teach."""
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    book = gradebook_for(classroom=classroom, now=timezone.now())
    return {
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
