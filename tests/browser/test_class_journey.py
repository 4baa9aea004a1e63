"""Issue 6 item 9 in a real browser: an instructor creates a class and assigns a
lab; a student joins with the code and passes the lab; the instructor sees the
score in the gradebook and downloads the CSV. Grading runs eagerly (Celery's
always-eager mode) inside the live server, through labs.services.grading and
labs.engine: the sandboxed grade_lab once it exists, else the engine's
in-process grader on the same grader code. A second test fills a class and screenshots the class
pages, light and dark and at phone width, into var/screenshots/classes/."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from labs.models import Lab, Submission
from classes.services.classes import (
    assignment_create,
    classroom_create,
    classroom_join,
    instructor_grant,
    user_timezone_set,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "classes"
PASSWORD = "a-long-pass-phrase-42"

# Code stored on the seeded submissions of the screenshot class.
STARTER = "import boto3\n\n\ndef setup():\n    pass\n"
SOLUTION = "import boto3\n\n\ndef setup():\n    boto3.client('sqs').create_queue(QueueName='orders')\n"


def _grade_in_process(lab, code):
    """Used only while labs.engine has no grade_lab yet: the engine's own
    in-process grader (the same Run and grader code, no sandbox) under moto."""
    from moto import mock_aws

    from grader.inprocess import grade_in_process

    with mock_aws():
        return grade_in_process({"slug": lab.slug, "time_limit_s": lab.time_limit_s, "grader_files": lab.grader_files}, code)


@pytest.fixture
def eager_grading(monkeypatch):
    """Grade inside the request that submits, as a worker would: Celery's eager
    mode runs labs.services.grading.submission_grade, which calls
    labs.engine.grade_lab (the sandboxed engine). Until that entry point lands,
    grade_lab is the engine's in-process grader."""
    import labs.engine
    from redrive.celery import app

    if not hasattr(labs.engine, "grade_lab"):
        monkeypatch.setattr(labs.engine, "grade_lab", _grade_in_process, raising=False)
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Log in", re.I)).click()
    expect(page.get_by_role("link", name=username)).to_be_visible()


def test_instructor_assigns_a_lab_student_passes_it_instructor_exports_grades(
    chromium, live_server, django_user_model, live_course, eager_grading
):
    lab = Lab.objects.get(slug="jobs-queue")  # the fixture course's tiny lab
    solution = (live_course / "labs" / "jobs-queue" / "solution.py").read_text()
    ivy = django_user_model.objects.create_user("ivy", password=PASSWORD)
    instructor_grant(user=ivy)
    django_user_model.objects.create_user("sam", password=PASSWORD, first_name="Sam", last_name="Okafor")
    base = live_server.url

    teacher = chromium.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Europe/Paris", accept_downloads=True)
    page = teacher.new_page()
    page.set_default_timeout(20_000)
    log_in(page, base, "ivy")
    page.get_by_role("link", name="Classes").click()
    page.get_by_label("Class name").fill("Messaging 101")
    page.get_by_role("button", name="Create class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messaging 101")
    code = page.get_by_test_id("join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)

    page.get_by_label("Assign", exact=True).select_option(label=lab.title)
    page.get_by_label(re.compile(r"^Due")).fill((timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT17:00"))
    page.get_by_role("button", name="Add assignment").click()
    expect(page.locator(".message-success")).to_contain_text(f"Assigned “{lab.title}”")
    expect(page.locator("#assignments")).to_contain_text("(Europe/Paris)")  # the browser's zone came with the form

    student = chromium.new_context(viewport={"width": 1280, "height": 900}, timezone_id="America/Chicago")
    spage = student.new_page()
    spage.set_default_timeout(30_000)
    log_in(spage, base, "sam")
    spage.goto(base + "/classes/")
    spage.get_by_label("Join code").fill(code.lower())
    spage.get_by_role("button", name="Join", exact=True).click()
    expect(spage.get_by_text("You joined “Messaging 101”.")).to_be_visible()
    due = spage.locator("#group-due + .work-list")
    expect(due).to_contain_text(lab.title)
    expect(spage.get_by_text("Due dates in America/Chicago time")).to_be_visible()

    due.get_by_role("link", name=lab.title).click()
    expect(spage.locator(".cm-content")).to_be_visible()  # the editor has taken over the textarea: fill it, not the hidden one
    spage.get_by_label("Your code").fill(solution)
    spage.get_by_role("button", name="Run & grade").click()
    expect(spage.locator("#run .verdict-pill")).to_have_text("✓ Passed")
    submission = Submission.objects.get(user__username="sam")
    assert (submission.status, submission.score) == ("passed", 1.0)
    spage.goto(base + "/classes/")
    expect(spage.locator("#group-done + .work-list")).to_contain_text(lab.title)
    student.close()

    page.get_by_role("link", name="Gradebook").click()
    row = page.locator("table.gradebook tbody tr", has_text="Sam Okafor")
    expect(row).to_contain_text("100%")
    expect(row).to_contain_text("1×")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text())))
    assert rows[0][:3] == ["username", "display name", f"{lab.title} (lab) score"]
    assert rows[1][:5] == ["sam", "Sam Okafor", "100", "1", ""]
    teacher.close()


# --- How the pages look -------------------------------------------------------

NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth",
         "Frances Allen", "Ken Thompson", "Radia Perlman", "Leslie Lamport", "Margaret Hamilton", "John Backus"]
CHECKS = [("queue", "Queue orders exists", "No queue named orders was created."),
          ("dlq", "Dead-letter queue attached", "orders has no redrive policy; attach orders-dlq with maxReceiveCount 3."),
          ("count", "maxReceiveCount is 3", "maxReceiveCount is 10; the lab asks for 3 so poison messages move sooner.")]


def _seed_class(django_user_model):
    """A class of twelve with three labs and a lesson, results varied on purpose."""
    import random

    from learning.models import Lesson, Module
    from learning.services.lessons import lesson_complete

    rng = random.Random(4)
    ivy = django_user_model.objects.create_user("ivy", password=PASSWORD, first_name="Ivy", last_name="Chen")
    instructor_grant(user=ivy)
    ivy = django_user_model.objects.get(pk=ivy.pk)
    user_timezone_set(user=ivy, name="Europe/Paris")
    classroom = classroom_create(user=ivy, name="Messaging 101 · spring")
    module = Module.objects.create(stable_id="m-shots", slug="queues", title="Queues")
    lesson = Lesson.objects.create(stable_id="l-shots", slug="visibility", module=module, title="Visibility timeout", segments=[])
    labs = [
        Lab.objects.create(stable_id=f"lab-shot-{i}", slug=slug, title=title, starter_code=STARTER, solution_code=SOLUTION)
        for i, (slug, title) in enumerate([("sqs-dlq", "Dead-letter queue"), ("sns-filter-fanout", "SNS filter fan-out"), ("eventbridge-routing", "EventBridge routing")])
    ]
    now = timezone.now()
    assignment_create(classroom=classroom, kind="lesson", slug=lesson.slug, due_at=now - timedelta(days=3))
    for i, lab in enumerate(labs):
        assignment_create(classroom=classroom, kind="lab", slug=lab.slug, due_at=now + timedelta(days=(i - 1) * 4))
    students = []
    for i, name in enumerate(NAMES):
        first, last = name.split()
        user = django_user_model.objects.create_user(first.lower(), password=PASSWORD, first_name=first, last_name=last)
        classroom_join(user=user, code=classroom.join_code)
        students.append(user)
        if rng.random() < 0.7:
            lesson_complete(user=user, lesson=lesson)
        for lab in labs:
            for attempt in range(1, rng.randint(0, 4) + 1):
                failing = rng.sample(CHECKS, rng.randint(0, 2))
                checkpoints = [{"id": c, "title": t, "points": 1, "passed": (c, t, f) not in failing,
                                "feedback": f if (c, t, f) in failing else "Looks right."} for c, t, f in CHECKS]
                score = sum(c["passed"] for c in checkpoints) / len(checkpoints)
                s = Submission.objects.create(user=user, lab=lab, code=SOLUTION, attempt=attempt, score=score,
                                              status="passed" if score == 1 else "failed", checkpoints=checkpoints,
                                              output="created orders\n")
                Submission.objects.filter(pk=s.pk).update(created_at=now - timedelta(days=rng.randint(0, 9), hours=rng.randint(0, 20)))
    return classroom, students[0], labs[0]


def _shoot(page, base, path, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for theme in ("light", "dark"):
        page.context.add_cookies([{"name": "theme", "value": theme, "url": base}])
        page.goto(base + path)
        page.screenshot(path=str(SHOTS / f"{name}-{theme}.png"), full_page=True)
    page.context.add_cookies([{"name": "theme", "value": "light", "url": base}])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + path)
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    # On a phone the page itself must not scroll sideways (wide tables scroll inside their own box).
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), f"{name} overflows at phone width"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_class_pages_in_both_themes_and_on_a_phone(chromium, live_server, django_user_model):
    classroom, ada, lab = _seed_class(django_user_model)
    base = live_server.url
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, "ivy")
    _shoot(page, base, f"/classes/{classroom.id}/gradebook/", "gradebook")
    expect(page.locator("table.gradebook tbody tr")).to_have_count(12)
    page.get_by_role("link", name=re.compile("^Dead-letter queue")).click()  # sort by that lab, best first
    expect(page).to_have_url(re.compile(r"sort=a\d+&dir=desc"))
    expect(page.locator("table.gradebook thead th[aria-sort=descending]")).to_contain_text("Dead-letter queue")
    page.get_by_label("Show").select_option("behind")
    expect(page).to_have_url(re.compile(r"show=behind"))
    _shoot(page, base, f"/classes/{classroom.id}/labs/{lab.slug}/", "lab-report")
    expect(page.locator(".checkpoint-stat").first).to_be_visible()
    _shoot(page, base, f"/classes/{classroom.id}/students/{ada.id}/", "student")
    _shoot(page, base, f"/classes/{classroom.id}/", "manage")
    context.close()

    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, "ada")
    _shoot(page, base, "/classes/", "my-classes")
    expect(page.locator("#group-late")).to_be_visible()
    context.close()
