"""Class pages. Every action is a plain form post that redirects (so all of it
works without JavaScript); the gradebook's sort and filter links also answer
htmx with just the table."""

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.api_auth import accepts_bearer_token
from coursefiles.spreadsheet import csv_row_safe
from classes.models import ClassMembership, Classroom
from classes.selectors.class_labs import lab_report_for, student_work_for
from classes.selectors.classes import (
    assignable_items,
    assignment_of,
    assignments_of,
    classes_attended_by,
    classes_taught_by,
    classroom_for_code,
    instructors_of,
    lab_assignment_for,
    membership_for,
    student_of_class,
    students_of,
    user_timezone_for,
    user_timezone_is_set,
)
from classes.selectors.gradebook import cells_for, gradebook_for, gradebook_table, learner_work_for, sort_clean
from classes.services.classes import (
    ClassError,
    assignment_create,
    assignment_delete,
    assignment_due_set,
    can_teach,
    classroom_create,
    classroom_join,
    classroom_join_code_rotate,
    classroom_join_set_open,
    classroom_lab_variant_set,
    due_at_parse,
    instructor_add,
    student_remove,
    timezone_names,
    user_timezone_remember,
    user_timezone_set,
)
from classes.views.gradebook_cells import gradebook_cells_render

NAV = {"nav_section": "classes"}


def _get_classroom_for_user(class_id: int, user, *, instructor: bool = False) -> tuple[Classroom, ClassMembership]:
    """The class and the user's membership in it, else 404: a class you are not
    in (or, for instructor pages, do not teach) does not exist for you."""
    membership = membership_for(user=user, class_id=class_id)
    if membership is None or (instructor and membership.role != ClassMembership.Role.INSTRUCTOR):
        raise Http404("No such class")
    return membership.classroom, membership


def _remember_browser_timezone(request):
    if request.user.is_authenticated and request.POST.get("tz"):
        user_timezone_remember(user=request.user, name=request.POST["tz"])


def _back(classroom, anchor=""):
    return redirect(reverse("classes:detail", args=[classroom.id]) + anchor)


def _section_message(request, level, text, section):
    """A message shown inside `section` of the class page (manage.html), which the
    redirect scrolls to; at the top of the page it would be out of sight."""
    messages.add_message(request, level, text, extra_tags=section)


def _confirm(request, classroom, *, heading, explanation, confirm_label, section):
    """The no-JavaScript confirmation of an action that removes something: its
    GET shows this page, whose form posts to the same URL."""
    return render(
        request,
        "classes/confirm.html",
        {
            "classroom": classroom,
            "heading": heading,
            "explanation": explanation,
            "confirm_label": confirm_label,
            "cancel_url": reverse("classes:detail", args=[classroom.id]) + f"#{section}",
            **NAV,
        },
    )


# --- Learner and common pages ------------------------------------------------


@require_GET
@login_required
def mine(request):
    now = timezone.now()
    return render(
        request,
        "classes/mine.html",
        {
            "work": learner_work_for(user=request.user, now=now),
            "attending": classes_attended_by(user=request.user),
            "teaching": classes_taught_by(user=request.user),
            "can_teach": can_teach(request.user),
            "tz": user_timezone_for(user=request.user),
            "tz_is_set": user_timezone_is_set(user=request.user),
            "tz_names": sorted(timezone_names()),
            "now": now,
            **NAV,
        },
    )


@require_POST
@login_required
def timezone_set(request):
    try:
        pref = user_timezone_set(user=request.user, name=request.POST.get("timezone", ""))
        messages.success(request, f"Due dates are now shown in {pref.name} time.")
    except ClassError as exc:
        messages.error(request, str(exc))
    return redirect("classes:mine")


@require_http_methods(["GET", "POST"])
@login_required
def create(request):
    name, error = "", ""
    if request.method == "POST":
        _remember_browser_timezone(request)
        name = request.POST.get("name", "")
        try:
            classroom = classroom_create(user=request.user, name=name)
        except ClassError as exc:
            error = str(exc)
        else:
            messages.success(request, f"“{classroom.name}” is ready. Share the join code {classroom.join_code} with your students.")
            return _back(classroom)
    status = 403 if not can_teach(request.user) else (400 if error else 200)
    return render(
        request, "classes/new.html", {"name": name, "error": error, "can_teach": can_teach(request.user), **NAV}, status=status
    )


@require_http_methods(["GET", "POST"])
@login_required
def join(request, code=""):
    """The join form (/classes/join/) and the join link (/classes/join/<code>/),
    which asks before joining so a link preview cannot enrol anyone."""
    code = request.POST.get("join_code", code)
    error = ""
    if request.method == "POST":
        _remember_browser_timezone(request)
        try:
            membership, created = classroom_join(user=request.user, code=code)
        except ClassError as exc:
            error = str(exc)
        else:
            name = membership.classroom.name
            messages.success(request, f"You joined “{name}”." if created else f"You are already in “{name}”.")
            return redirect("classes:mine")
    classroom = classroom_for_code(code=code) if code and not error else None
    return render(
        request,
        "classes/join.html",
        {"code": code, "error": error, "classroom": classroom, **NAV},
        status=400 if error else 200,
    )


@require_GET
@login_required
def detail(request, class_id):
    classroom, membership = _get_classroom_for_user(class_id, request.user)
    now = timezone.now()
    tz = user_timezone_for(user=request.user)
    if membership.role == ClassMembership.Role.STUDENT:
        assignments = assignments_of(classroom=classroom)
        cells = cells_for(assignments=assignments, user_ids=[request.user.id], now=now)
        return render(
            request,
            "classes/student_class.html",
            {"classroom": classroom, "cells": [cells[request.user.id, a.id] for a in assignments], "tz": tz, "now": now, **NAV},
        )
    return render(
        request,
        "classes/manage.html",
        {
            "classroom": classroom,
            "assignments": assignments_of(classroom=classroom),
            "students": students_of(classroom=classroom),
            "instructors": instructors_of(classroom=classroom),
            "items": assignable_items(),
            "join_url": request.build_absolute_uri(reverse("classes:join-link", args=[classroom.join_code])),
            "tz": tz,
            "now": now,
            **NAV,
        },
    )


# --- Instructor actions (POST, redirect back) --------------------------------


@require_POST
@login_required
def code_rotate(request, class_id):
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    classroom_join_code_rotate(classroom=classroom)
    _section_message(request, messages.SUCCESS, f"New join code: {classroom.join_code}. The old code and link no longer work.", "joining")
    return _back(classroom, "#joining")


@require_POST
@login_required
def join_open_set(request, class_id):
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    is_open = request.POST.get("open") == "1"
    classroom_join_set_open(classroom=classroom, is_open=is_open)
    _section_message(
        request, messages.SUCCESS, "The class is open to new students." if is_open else "The class is closed to new students.", "joining"
    )
    return _back(classroom, "#joining")


@require_POST
@login_required
def lab_variant_set(request, class_id):
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    try:
        classroom_lab_variant_set(classroom=classroom, value=request.POST.get("variant", ""))
    except ClassError as exc:
        _section_message(request, messages.ERROR, str(exc), "assignments")
        return _back(classroom, "#lab-variants")
    message = (
        "Each student gets their own variant of every lab." if classroom.lab_variant is None
        else f"Every student of the class now gets lab variant {classroom.lab_variant}."
    )
    _section_message(request, messages.SUCCESS, message, "assignments")
    return _back(classroom, "#lab-variants")


@require_http_methods(["GET", "POST"])
@login_required
def student_remove_view(request, class_id, user_id):
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    student = student_of_class(classroom=classroom, user_id=user_id)
    if student is None:
        raise Http404("No such student in this class")
    if request.method == "GET":
        return _confirm(
            request,
            classroom,
            heading=f"Remove {student.username} from “{classroom.name}”?",
            explanation="They stop seeing this class's assignments and leave the gradebook. Their own lessons, cards and lab attempts are kept; they can join again with the code.",
            confirm_label=f"Remove {student.username}",
            section="students",
        )
    student_remove(classroom=classroom, user_id=student.id)
    _section_message(request, messages.SUCCESS, f"{student.username} was removed from the class. Their own work is kept.", "students")
    return _back(classroom, "#students")


@require_POST
@login_required
def instructor_add_view(request, class_id):
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    try:
        membership = instructor_add(classroom=classroom, username=request.POST.get("username", ""))
        _section_message(request, messages.SUCCESS, f"{membership.user.username} now teaches this class.", "instructors")
    except ClassError as exc:
        _section_message(request, messages.ERROR, str(exc), "instructors")
    return _back(classroom, "#instructors")


@require_POST
@login_required
def assignment_add(request, class_id):
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    _remember_browser_timezone(request)
    kind, _, slug = request.POST.get("item", "").partition(":")
    try:
        due_at = due_at_parse(value=request.POST.get("due_at", ""), tz=user_timezone_for(user=request.user))
        assignment = assignment_create(
            classroom=classroom,
            kind=kind,
            slug=slug,
            due_at=due_at,
            deck_target=request.POST.get("deck_target", ""),
            deck_target_count=request.POST.get("deck_target_count", ""),
        )
    except ClassError as exc:
        _section_message(request, messages.ERROR, str(exc), "assignments")
    else:
        _section_message(request, messages.SUCCESS, f"Assigned “{assignment.title}”.", "assignments")
    return _back(classroom, "#assignments")


@require_http_methods(["GET", "POST"])
@login_required
def assignment_delete_view(request, class_id, assignment_id):
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    assignment = assignment_of(classroom=classroom, assignment_id=assignment_id)
    if assignment is None:
        raise Http404("No such assignment")
    if request.method == "GET":
        return _confirm(
            request,
            classroom,
            heading=f"Remove “{assignment.title}” from the class?",
            explanation="It leaves the students' lists and the gradebook. Their work on it is kept, and you can assign it again.",
            confirm_label="Remove assignment",
            section="assignments",
        )
    if assignment_delete(classroom=classroom, assignment_id=assignment.id):
        _section_message(request, messages.SUCCESS, f"“{assignment.title}” removed. Students' work on it is kept.", "assignments")
    return _back(classroom, "#assignments")


@require_http_methods(["GET", "POST"])
@login_required
def assignment_edit(request, class_id, assignment_id):
    """Change an assignment's due date."""
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    assignment = assignment_of(classroom=classroom, assignment_id=assignment_id)
    if assignment is None:
        raise Http404("No such assignment")
    tz = user_timezone_for(user=request.user)
    due_value, error = timezone.localtime(assignment.due_at, tz).strftime("%Y-%m-%dT%H:%M"), ""
    if request.method == "POST":
        due_value = request.POST.get("due_at", "")
        try:
            moved = assignment_due_set(classroom=classroom, assignment_id=assignment.id, due_at=due_at_parse(value=due_value, tz=tz))
        except ClassError as exc:
            error = str(exc)
        else:
            when = date_format(timezone.localtime(moved.due_at, tz), "D j M Y, H:i")
            _section_message(request, messages.SUCCESS, f"“{moved.title}” is now due {when} ({tz.key}).", "assignments")
            return _back(classroom, "#assignments")
    return render(
        request,
        "classes/assignment_edit.html",
        {"classroom": classroom, "assignment": assignment, "tz": tz, "due_value": due_value, "error": error, **NAV},
        status=400 if error else 200,
    )


# --- Instructor reads --------------------------------------------------------


def _gradebook_from_query(request, classroom):
    return gradebook_for(
        classroom=classroom,
        now=timezone.now(),
        sort=sort_clean(request.GET.get("sort", "name")),
        descending=request.GET.get("dir") == "desc",
        q=request.GET.get("q", "")[:100],
        show=request.GET.get("show", "all"),
        kind=request.GET.get("kind", ""),
    )


def _sort_urls(request, book) -> dict[str, str]:
    """Links that sort by a column (ascending first, then flipping), keeping the
    filters: the no-JavaScript way to sort, and what htmx fetches."""
    current, direction = book.filters["sort"], book.filters["dir"]
    kept = {k: v for k, v in book.filters.items() if k in ("q", "show", "kind") and v and v != "all"}

    def url(key, first="asc"):
        flip = "desc" if direction == "asc" else "asc"
        return request.path + "?" + urlencode({**kept, "sort": key, "dir": flip if key == current else first})

    urls = {"name": url("name"), "progress": url("progress", "desc")}
    for column in book.columns:
        key = f"a{column.assignment.id}"
        column.sort_url, column.sorted = url(key, "desc"), key == current
    return urls


@require_GET
@login_required
def gradebook(request, class_id):
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    book = _gradebook_from_query(request, classroom)
    gradebook_cells_render(book)
    context = {
        "classroom": classroom,
        "book": book,
        "sort_urls": _sort_urls(request, book),
        "tz": user_timezone_for(user=request.user),
        **NAV,
    }
    template = "classes/gradebook.html"
    if request.htmx and request.htmx.target == "gradebook-table":
        template += "#table"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


@accepts_bearer_token
@require_GET
@login_required
def gradebook_csv(request, class_id):
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    book = gradebook_for(classroom=classroom, now=timezone.now())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    safe_name = "".join(ch if ch.isalnum() else "-" for ch in classroom.name).strip("-").lower() or "class"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}-gradebook.csv"'
    writer = csv.writer(response)
    for line in gradebook_table(book):
        writer.writerow(csv_row_safe(line))
    return response


@require_GET
@login_required
def lab_report(request, class_id, slug):
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    assignment = lab_assignment_for(classroom=classroom, slug=slug)
    if assignment is None:
        raise Http404("That lab is not assigned in this class")
    report = lab_report_for(classroom=classroom, assignment=assignment, now=timezone.now())
    return render(
        request,
        "classes/lab_report.html",
        {"classroom": classroom, "report": report, "tz": user_timezone_for(user=request.user), **NAV},
    )


@require_GET
@login_required
def student_detail(request, class_id, user_id):
    classroom, _ = _get_classroom_for_user(class_id, request.user, instructor=True)
    student = student_of_class(classroom=classroom, user_id=user_id)
    if student is None:
        raise Http404("No such student in this class")
    standing, work = student_work_for(classroom=classroom, student=student, now=timezone.now())
    return render(
        request,
        "classes/student.html",
        {"classroom": classroom, "student": student, "standing": standing, "work": work, "tz": user_timezone_for(user=request.user), **NAV},
    )
