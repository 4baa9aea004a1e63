"""Lab pages. Every action works as a plain form post that redirects; with
htmx the same URLs return the page's named partials instead."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from labs.selectors.diffs import code_diff
from labs.selectors.flows import flow_view_for
from labs.selectors.labs import lab_progress_for, labs_catalog_for
from labs.selectors.code import python_html
from labs.selectors.submissions import (
    latest_submission_for,
    solution_unlocked_for,
    submission_summarise,
    submissions_for,
)
from labs.services.hints import hint_reveal_next, hints_revealed_count
from labs.services.submissions import SubmissionRejected, submission_create
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


def _page(request, lab, submission):
    context = _run_context(request, lab, submission)
    draft = request.session.pop(_draft_key(lab), None)
    if request.GET.get("code") == "starter":
        code = lab.starter_code
    elif draft is not None:
        code = draft
    else:
        code = submission.code if submission else lab.starter_code
    shown = hints_revealed_count(session=request.session, lab=lab)
    context.update(
        code=code,
        progress=lab_progress_for(user=request.user, lab=lab),
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
    return _page(request, lab, latest_submission_for(user=request.user, lab=lab))


@require_GET
@login_required
def attempt_detail(request, slug, submission_id):
    lab = _get_lab_for_user(slug, request.user)
    submission = _get_submission_for_user(submission_id, request.user, lab)
    return _page(request, lab, submission)


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
