"""The labs API (django-ninja router, mounted at /api/ by redrive/api.py):
submit code, read a verdict. Authentication is the API's (accounts.api_auth);
the checks are submission_create's and the access helpers'."""

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from ninja import Path, Router, Schema
from ninja.responses import Status

from accounts.api_errors import api_error_body, errors
from accounts.api_types import INT64_MAX, Text
from labs.selectors.submissions import submission_verdict
from labs.services.submissions import MAX_CODE_BYTES, RateLimited, SubmissionRejected, submission_create
from labs.views.access import _get_lab_for_user, _get_submission_for_user

router = Router(tags=["labs"])

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"  # what the URL's slug converter matches


# Characters, bounded by the byte limit: no string longer than this can be
# under it, and submission_create measures the bytes.
Code = Text(max_length=MAX_CODE_BYTES, description=f"the learner's module, at most {MAX_CODE_BYTES // 1024} KiB as UTF-8")


class SubmissionIn(Schema):
    code: Code


class SubmissionCreated(Schema):
    id: int
    url: str
    status: str


class Verdict(Schema):
    id: int
    lab: str
    attempt: int
    status: str
    finished: bool
    score: float | None
    checkpoints: list[dict[str, Any]]
    output: str
    error: str
    duration_ms: int | None
    flow: dict[str, Any]
    created_at: str  # ISO 8601, as submission_verdict writes it
    started_at: str | None
    finished_at: str | None


@router.post(
    "/labs/{slug:slug}/submissions/",
    response={202: SubmissionCreated, **errors(400, 401, 403, 404, 409, 413, 429)},
    url_name="submissions",
)
def submission_create_api(
    request, response: HttpResponse, body: SubmissionIn, slug: str = Path(..., max_length=80, pattern=SLUG_PATTERN)
):
    """Queue `code` for grading (202); poll the verdict at `url`. 409 while a
    run of this lab is still being graded, 429 (with Retry-After) over the
    per-minute limit."""
    lab = _get_lab_for_user(slug, request.user)
    try:
        submission = submission_create(user=request.user, lab=lab, code=body.code)
    except SubmissionRejected as exc:
        if isinstance(exc, RateLimited):
            response["Retry-After"] = "60"
        return Status(exc.http_status, api_error_body(str(exc), [("code", str(exc))] if exc.http_status == 400 else []))
    url = request.build_absolute_uri(reverse("api:submission", args=[submission.id]))
    response["Location"] = url
    return Status(202, {"id": submission.id, "url": url, "status": submission.status})


@router.get(
    "/submissions/{int:submission_id}/", response={200: Verdict, **errors(400, 401, 404)}, url_name="submission"
)
def submission_detail_api(request, submission_id: int = Path(..., ge=0, le=INT64_MAX)):
    """A submission's verdict: yours, or a student's in a class you teach (else 404)."""
    submission = _get_submission_for_user(submission_id, request.user)
    return submission_verdict(submission)
