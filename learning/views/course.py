from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learning.models import Course, Lesson, QuickCheck
from learning.practice import lesson_panels_for
from learning.selectors.course import (
    continue_lesson_for,
    course_outline_for,
    lesson_for_slug,
    lesson_neighbours,
    lesson_progress_for,
    lesson_segments_for,
)
from learning.selectors.search import search_lessons
from learning.services.lessons import InvalidAnswer, lesson_complete, lesson_view_record, quick_check_answer
from learning.selectors.quickchecks import quick_check_options_for


def _get_lesson_for_user(slug: str, user) -> Lesson:
    """Lessons are public to read; only active ones exist as pages."""
    lesson = lesson_for_slug(slug=slug)
    if lesson is None:
        raise Http404("No lesson with that address")
    return lesson


@require_GET
def home(request):
    outline = course_outline_for(user=request.user)
    total = sum(len(m.lessons) for m in outline)
    done = sum(m.completed for m in outline)
    return render(
        request,
        "learning/home.html",
        {
            "course": Course.objects.first(),
            "outline": outline,
            "continue_lesson": continue_lesson_for(user=request.user, outline=outline),
            "total": total,
            "done": done,
            "nav_section": "course",
        },
    )


@require_GET
def lesson_detail(request, slug):
    lesson = _get_lesson_for_user(slug, request.user)
    if request.user.is_authenticated:
        lesson_view_record(user=request.user, lesson=lesson)
    previous, following = lesson_neighbours(lesson=lesson)
    segments = lesson_segments_for(lesson=lesson, user=request.user)
    again = request.GET.get("again")
    if again:
        # "Answer again" without JavaScript: that check is shown with nothing chosen.
        segments = [dict(s, answer=None) if s["kind"] == "quiz" and s["check"].stable_id == again else s for s in segments]
    return render(
        request,
        "learning/lesson.html",
        {
            "lesson": lesson,
            "segments": segments,
            "progress": lesson_progress_for(user=request.user, lesson=lesson),
            "previous": previous,
            "next": following,
            "practice": lesson_panels_for(lesson=lesson, user=request.user),
            "nav_section": "course",
        },
    )


@require_POST
@login_required
def lesson_complete_view(request, slug):
    lesson = _get_lesson_for_user(slug, request.user)
    completed = request.POST.get("completed", "1") != "0"
    progress = lesson_complete(user=request.user, lesson=lesson, completed=completed)
    if request.htmx:
        _previous, following = lesson_neighbours(lesson=lesson)
        return render(request, "learning/lesson.html#complete", {"lesson": lesson, "progress": progress, "next": following})
    if completed:
        messages.success(request, f"“{lesson.title}” marked complete.")
    return redirect(lesson.get_absolute_url() + "#complete")


@require_http_methods(["GET", "POST"])
@login_required
def quick_check_answer_view(request, slug, check_id):
    """POST answers the check. GET is "Answer again": the check with nothing
    chosen (htmx swaps it in; otherwise the lesson page shows it so)."""
    lesson = _get_lesson_for_user(slug, request.user)
    check = QuickCheck.objects.filter(lesson=lesson, stable_id=check_id, is_active=True).first()
    if check is None:
        raise Http404("No such quick check")
    if request.method == "GET":
        if request.htmx:
            context = {"lesson": lesson, "check": check, "options": quick_check_options_for(check=check, user=request.user)}
            return render(request, "learning/lesson.html#quick-check", {**context, "answer": None, "again": True})
        return redirect(f"{lesson.get_absolute_url()}?again={check.stable_id}#qc-{check.stable_id}")
    error = None
    answer = None
    try:
        selected = [int(v) for v in request.POST.getlist("option")]
        answer = quick_check_answer(user=request.user, quick_check=check, selected=selected)
    except ValueError as exc:  # InvalidAnswer, or a non-numeric option
        error = str(exc) if isinstance(exc, InvalidAnswer) else "That answer is not one of the options."
    if request.htmx:
        status = 200 if error is None else 422
        return render(
            request,
            "learning/lesson.html#quick-check",
            {"lesson": lesson, "check": check, "options": quick_check_options_for(check=check, user=request.user),
             "answer": answer, "error": error, "swapped": True},
            status=status,
        )
    if error:
        messages.error(request, error)
    return redirect(f"{lesson.get_absolute_url()}#qc-{check.stable_id}")


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()
    hits = search_lessons(query=query) if query else []
    return render(request, "learning/search.html", {"query": query, "search_query": query, "hits": hits})
