"""JSON API: submit code, read a verdict. Session or bearer-token auth."""

import json

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from labs.selectors.submissions import submission_verdict
from labs.services.submissions import RateLimited, SubmissionRejected, submission_create
from labs.views.access import _get_lab_for_user, _get_submission_for_user
from accounts.api_auth import api_login_required


def _code_from(request) -> str | None:
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
        code = body.get("code") if isinstance(body, dict) else None
    else:
        code = request.POST.get("code")
    return code if isinstance(code, str) else None


@require_POST
@api_login_required
def submission_create_api(request, slug):
    lab = _get_lab_for_user(slug, request.user)
    code = _code_from(request)
    if code is None:
        return JsonResponse({"error": 'send a JSON body like {"code": "..."}'}, status=400)
    try:
        submission = submission_create(user=request.user, lab=lab, code=code)
    except SubmissionRejected as exc:
        response = JsonResponse({"error": str(exc)}, status=exc.http_status)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = "60"
        return response
    url = request.build_absolute_uri(reverse("labs_api:submission", args=[submission.id]))
    response = JsonResponse({"id": submission.id, "url": url, "status": submission.status}, status=202)
    response["Location"] = url
    return response


@require_GET
@api_login_required
def submission_detail_api(request, submission_id):
    submission = _get_submission_for_user(submission_id, request.user)
    return JsonResponse(submission_verdict(submission))
