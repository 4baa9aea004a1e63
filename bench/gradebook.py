#!/usr/bin/env python
"""How fast the gradebook page renders for a big class, beside a baseline.

    .venv/bin/python bench/gradebook.py --json

What it does (loopback only, cleans up after itself):
- creates its own database: PostgreSQL `redrive_bench_gradebook` (dropped at
  the end) when a server answers at --postgres, else a SQLite file in a temp folder;
- fills it: one instructor, --students students in one class, --assignments
  assignments (two thirds labs, the rest lessons), each student with 0-4
  graded attempts per lab (some after the due date) and most lessons completed;
- times GET /classes/<id>/gradebook/ through Django's test client as the
  instructor, --runs times after --warmup unmeasured ones, counting queries;
- times the gradebook selector alone, and a baseline: the same site layout
  rendering an empty table of the same size (no queries beyond the page's own).
Prints one JSON object; exits 1 if the median is over --target-ms.
"""

import argparse
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_DB = "redrive_bench_gradebook"
sys.path.insert(0, str(REPO))  # run as a script from anywhere, like manage.py

from bench.support import BenchDatabase, log, percentile, run_bench  # noqa: E402

BASELINE_TEMPLATE = """{% extends "base.html" %}{% block content %}<table><thead><tr><th></th>
{% for column in columns %}<th>{{ column }}</th>{% endfor %}</tr></thead><tbody>
{% for row in rows %}<tr><th>{{ row }}</th>{% for column in columns %}<td></td>{% endfor %}</tr>
{% endfor %}</tbody></table>{% endblock %}"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--assignments", type=int, default=30)
    parser.add_argument("--runs", type=int, default=20, help="measured renders")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured renders first")
    parser.add_argument("--target-ms", type=float, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres", help="server to create the bench database on; 'none' for SQLite")
    return parser.parse_args()


def summary(times):
    return {"median_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 95), 1)}


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="redrive-bench-gradebook-"))
        self.database = None

    def prepare(self):
        self.database = BenchDatabase(
            self.args.postgres, BENCH_DB, script="bench/gradebook.py", sqlite_path=self.tmp / "bench.sqlite3", log_to=self.args
        )
        os.environ.update(
            DJANGO_SETTINGS_MODULE="redrive.settings",
            DATABASE_URL=self.database.url,
            REDRIVE_VAR_DIR=str(self.tmp / "var"),
            DEBUG="0",  # production settings: no query log, cached templates
            SECRET_KEY=secrets.token_urlsafe(40),
            ALLOWED_HOSTS="testserver",
            LOG_LEVEL="WARNING",
        )
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        # Production settings expect collectstatic's manifest; static URLs are not what this measures.
        settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

        call_command("migrate", verbosity=0, interactive=False)

    def cleanup(self):
        if self.database is not None:
            self.database.drop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def populate(self):
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from labs.models import Lab, Submission
        from classes.models import Assignment, ClassMembership
        from learning.models import Lesson, LessonProgress, Module
        from classes.services.classes import classroom_create, instructor_grant

        rng = random.Random(self.args.seed)
        User = get_user_model()
        instructor = User.objects.create_user("bench-instructor", password="x")
        instructor_grant(user=instructor)
        instructor = User.objects.get(pk=instructor.pk)
        classroom = classroom_create(user=instructor, name="Bench class")
        students = User.objects.bulk_create(
            User(username=f"student{i:03d}", first_name=f"Student {i}", last_name=rng.choice(["Ng", "Okafor", "Silva", "Berg"]))
            for i in range(self.args.students)
        )
        ClassMembership.objects.bulk_create(ClassMembership(classroom=classroom, user=s, role="student") for s in students)

        n_labs = round(self.args.assignments * 2 / 3)
        n_lessons = self.args.assignments - n_labs
        module = Module.objects.create(stable_id="bench-mod", slug="bench", title="Bench")
        lessons = Lesson.objects.bulk_create(
            Lesson(stable_id=f"bench-les-{i}", slug=f"bench-lesson-{i}", module=module, title=f"Bench lesson {i}", segments=[], position=i)
            for i in range(n_lessons)
        )
        labs = Lab.objects.bulk_create(
            Lab(stable_id=f"bench-lab-{i}", slug=f"bench-lab-{i}", title=f"Bench lab {i}", starter_code="", solution_code="", position=i)
            for i in range(n_labs)
        )
        now = timezone.now()
        lab_due = {lab.id: now + timedelta(days=rng.randint(-20, 20)) for lab in labs}
        Assignment.objects.bulk_create(
            [Assignment(classroom=classroom, kind="lab", lab=lab, due_at=lab_due[lab.id]) for lab in labs]
            + [Assignment(classroom=classroom, kind="lesson", lesson=l, due_at=now + timedelta(days=rng.randint(-20, 20))) for l in lessons]
        )
        checkpoints_fail = [{"id": "a", "title": "First", "passed": True, "points": 1, "feedback": "ok"},
                            {"id": "b", "title": "Second", "passed": False, "points": 1, "feedback": "Expected 1 message, found 0."}]
        submissions, progress = [], []
        for student in students:
            for lab in labs:
                for attempt in range(1, rng.randint(0, 4) + 1):
                    score = rng.choice([0.0, 0.25, 0.5, 0.75, 1.0])
                    submissions.append(Submission(
                        user=student, lab=lab, code="import boto3\n" * 20, attempt=attempt,
                        status="passed" if score == 1.0 else "failed", score=score,
                        checkpoints=checkpoints_fail, output="",
                    ))
            for lesson in lessons:
                if rng.random() < 0.7:
                    done = now - timedelta(days=rng.randint(0, 30))
                    progress.append(LessonProgress(user=student, lesson=lesson, first_viewed_at=done, last_viewed_at=done, completed_at=done))
        Submission.objects.bulk_create(submissions, batch_size=2000)
        LessonProgress.objects.bulk_create(progress, batch_size=2000)
        # created_at is auto_now_add: spread attempts over the last month, so some land after their due date.
        for lab in labs:
            Submission.objects.filter(lab=lab).update(created_at=now - timedelta(days=rng.randint(0, 30)))
        self.counts = {"students": len(students), "assignments": len(labs) + len(lessons), "labs": len(labs),
                       "lessons": len(lessons), "submissions": len(submissions), "lessons_completed": len(progress)}
        return instructor, classroom

    def time(self, fn):
        for _ in range(self.args.warmup):
            fn()
        times = []
        for _ in range(self.args.runs):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        return times

    def run(self):
        self.prepare()
        log(self.args, "populating")
        instructor, classroom = self.populate()
        from django.db import connection
        from django.template import engines
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from classes.selectors.gradebook import gradebook_for

        client = Client()
        client.force_login(instructor)
        url = f"/classes/{classroom.id}/gradebook/"

        def page():
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        log(self.args, f"timing {url}")
        page_times = self.time(page)
        connection.queries_log.clear()  # a full log (maxlen) would make the count read zero
        with CaptureQueriesContext(connection) as ctx:
            response = page()
        page_queries = len(ctx.captured_queries)  # now: the log is cleared again below
        body = response.content.decode()
        cells = body.count('<td class="g ')

        selector_times = self.time(lambda: gradebook_for(classroom=classroom, now=timezone.now()))
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as selector_ctx:
            gradebook_for(classroom=classroom, now=timezone.now())
        selector_queries = len(selector_ctx.captured_queries)

        # Baseline: the same layout and context processors, an empty table of the same size, no gradebook work.
        template = engines["django"].from_string(BASELINE_TEMPLATE)
        request = client.get("/").wsgi_request  # a real request, for the context processors
        request.user = instructor
        columns = [f"Assignment {i}" for i in range(self.counts["assignments"])]
        rows = [f"student{i:03d}" for i in range(self.counts["students"])]
        baseline_times = self.time(lambda: template.render({"columns": columns, "rows": rows}, request))

        page_summary = summary(page_times)
        from django.conf import settings

        return {
            **self.counts,
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "runs": self.args.runs,
            "gradebook_page": {**page_summary, "queries": page_queries, "cells": cells, "html_kb": round(len(body) / 1024)},
            "gradebook_selector": {**summary(selector_times), "queries": selector_queries},
            "baseline_empty_table": summary(baseline_times),
            "ratio_median_to_baseline": round(page_summary["median_ms"] / statistics.median(baseline_times), 2),
            "target_ms": self.args.target_ms,
            "under_target": page_summary["median_ms"] < self.args.target_ms,
        }


def main():
    args = parse_args()
    return run_bench(Bench(args), args, lambda result: result["under_target"])


if __name__ == "__main__":
    sys.exit(main())
