"""Lab pages. Every action works as a plain form post that redirects; with
htmx the same URLs return the page's named partials instead."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from labs.selectors.diffs import code_diff
from labs.selectors.drafts import EditorCode, editor_code_for
from labs.selectors.flows import flow_view_for
from labs.selectors.labs import lab_progress_for, labs_catalog_for, lessons_of_lab
from labs.selectors.code import python_html
from labs.selectors.submissions import (
    latest_submission_for,
    solution_unlocked_for,
    submission_summarise,
    submissions_for,
)
from labs.services.drafts import draft_save, draft_start_over
from labs.services.hints import hint_reveal_next, hints_revealed_count
from labs.services.submissions import InvalidCode, SubmissionRejected, submission_create
from labs.views.access import _get_lab_for_user, _get_submission_for_user

TEMPLATE = "labs/lab_detail.html"

# How long the lab page waits before each look at a running grading, in ms.
# Early looks are close together because most verdicts arrive within half a
# second of the click (a look costs four small queries); later ones back off to
# the old 1 s so a slow or queued grading costs one cheap request a second.
POLL_DELAYS_MS = (100, 100, 100, 100, 100, 150, 200, 300, 500, 1000)


def _draft_key(lab) -> str:
    return f"lab-draft-{lab.id}"


def _run_context(request, lab, submission, *, error: str = "") -> dict:
    """What the run region and its out-of-band companions need."""
    history = submissions_for(user=request.user, lab=lab)
    for item in history:
        item.diff = code_diff(previous=item.previous_code, current=item.code) if item.previous_code is not None else None
    unlocked = solution_unlocked_for(user=request.user, lab=lab)
    return {
        "lab": lab,
        "submission": submission_summarise(submission),
        "flow_view": flow_view_for(submission) if submission and submission.is_finished else None,
        "history": history,
        "solution_unlocked": unlocked,
        "solution_html": python_html(lab.solution_code) if unlocked else "",
        "run_error": error,
        "nav_section": "labs",
        "poll_next": 1,
        "poll_delay_ms": POLL_DELAYS_MS[0],
    }


def _poll_context(lab, submission, *, polls: int = 0) -> dict:
    """What the run region needs while a grading is under way: no history, no
    diffs, no solution, so a look that finds it still running stays cheap."""
    return {
        "lab": lab,
        "submission": submission_summarise(submission),
        "poll_next": polls + 1,
        "poll_delay_ms": POLL_DELAYS_MS[min(polls, len(POLL_DELAYS_MS) - 1)],
    }


def _polls_so_far(request) -> int:
    try:
        return max(0, int(request.GET.get("poll", 0)))
    except ValueError:
        return 0


def _page(request, lab, submission, editor: EditorCode):
    context = _run_context(request, lab, submission)
    rejected = request.session.pop(_draft_key(lab), None)
    if rejected is not None:  # a run refused a moment ago, without JavaScript: what they typed
        editor = EditorCode(code=rejected, source="rejected")
    shown = hints_revealed_count(session=request.session, lab=lab)
    context.update(
        code=editor.code,
        editor=editor,
        progress=lab_progress_for(user=request.user, lab=lab),
        lab_lessons=lessons_of_lab(lab=lab),
        hints_shown=lab.hints[:shown],
        hints_left=len(lab.hints) - shown,
    )
    return render(request, TEMPLATE, context)


@require_GET
def catalog(request):
    labs = labs_catalog_for(user=request.user)
    return render(
        request,
        "labs/catalog.html",
        {"labs": labs, "passed": sum(lab.progress.passed for lab in labs), "nav_section": "labs"},
    )


@require_GET
def lab_detail(request, slug):
    lab = _get_lab_for_user(slug, request.user)
    latest = latest_submission_for(user=request.user, lab=lab)
    return _page(request, lab, latest, editor_code_for(user=request.user, lab=lab, latest=latest))


@require_GET
@login_required
def attempt_detail(request, slug, submission_id):
    lab = _get_lab_for_user(slug, request.user)
    submission = _get_submission_for_user(submission_id, request.user, lab)
    # A past attempt's page opens that attempt's code, to read or to start from.
    return _page(request, lab, submission, EditorCode(code=submission.code, source="submission"))


@require_GET
@login_required
def attempt_status(request, slug, submission_id):
    """htmx polls this while a run is active, sooner at first (POLL_DELAYS_MS);
    the finished render carries no trigger, and 286 also stops the polling."""
    lab = _get_lab_for_user(slug, request.user)
    submission = _get_submission_for_user(submission_id, request.user, lab)
    if not request.htmx:
        return redirect(reverse("labs:attempt", args=[lab.slug, submission.id]) + "#run")
    if submission.is_finished:
        context = _run_context(request, lab, submission)
    else:
        context = _poll_context(lab, submission, polls=_polls_so_far(request))
    response = render(request, TEMPLATE + "#poll", context)
    if submission.is_finished:
        response.status_code = 286  # django_htmx.http.HttpResponseStopPolling's code; the body still swaps
    return response


@require_POST
@login_required
def submit(request, slug):
    lab = _get_lab_for_user(slug, request.user)
    code = request.POST.get("code", "").replace("\r\n", "\n")
    error = ""
    try:
        submission = submission_create(user=request.user, lab=lab, code=code)
    except SubmissionRejected as exc:
        error = str(exc)
        submission = latest_submission_for(user=request.user, lab=lab)
    if request.htmx:
        if error or submission is None or submission.is_finished:
            context = _run_context(request, lab, submission, error=error)
        else:
            context = _poll_context(lab, submission)  # the verdict is moments away: answer at once
        return render(request, TEMPLATE + "#poll", context)
    if error:
        request.session[_draft_key(lab)] = code  # keep what they typed across the redirect
        messages.error(request, error)
    return redirect(lab.get_absolute_url() + "#run")


@require_POST
@login_required
def hint_reveal(request, slug):
    lab = _get_lab_for_user(slug, request.user)
    shown = hint_reveal_next(session=request.session, lab=lab)
    if request.htmx:
        context = {"lab": lab, "hints_shown": lab.hints[:shown], "hints_left": len(lab.hints) - shown, "focus_hint": True}
        return render(request, TEMPLATE + "#hints", context)
    return redirect(lab.get_absolute_url() + f"#hint-{shown}")


@require_POST
@login_required
def draft(request, slug):
    """The editor's autosave: 204 when saved, else 400 with {"error": a reason for the learner}."""
    lab = _get_lab_for_user(slug, request.user)
    try:
        draft_save(user=request.user, lab=lab, code=request.POST.get("code", "").replace("\r\n", "\n"))
    except InvalidCode as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return HttpResponse(status=204)


@require_http_methods(["GET", "POST"])
@login_required
def start_over(request, slug):
    """GET asks (the page a click reaches without JavaScript; with it, a dialog
    on the lab page asks instead); POST replaces the draft with the starter."""
    lab = _get_lab_for_user(slug, request.user)
    if request.method == "POST":
        draft_start_over(user=request.user, lab=lab)
        return redirect(lab.get_absolute_url() + "#editor")
    return render(request, "labs/start_over.html", {"lab": lab, "nav_section": "labs"})
