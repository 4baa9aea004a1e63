"""Shared fixtures: users alice and bob (bob must never see alice's data), a
synced copy of the bundled course, and test-only speed-ups."""

import shutil
from itertools import count
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

# Browser assertions wait for what a worker does in the background (a lab
# grading starts a sandbox: seconds on a busy 2-core machine), not 5 s.
expect.set_options(timeout=30_000)

REPO = Path(__file__).resolve().parent.parent
FIXTURE_COURSE = REPO / "tests" / "fixtures" / "course"


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.com", "correct-horse-battery")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.com", "correct-horse-battery")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def course_copy(tmp_path):
    """A writable copy of the small fixture course, for tests that edit files."""
    target = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, target)
    return target


@pytest.fixture
def synced_course(db, course_copy):
    call_command("sync_course", str(course_copy), "--skip-lab-grading")
    return course_copy


@pytest.fixture
def bundled_course(db):
    """The real course/ folder, synced (labs are graded elsewhere)."""
    call_command("sync_course", str(settings.COURSE_DIR), "--skip-lab-grading")
    return settings.COURSE_DIR


LAB_STARTER = "import boto3\n\n\ndef setup():\n    pass\n"
LAB_SOLUTION = "import boto3\n\nsqs = boto3.client('sqs')\n\n\ndef setup():\n    sqs.create_queue(QueueName='orders')\n"
_lab_numbers = count(1)


@pytest.fixture
def make_lab(db):
    """Lab rows made directly, without a course sync; fields override the defaults."""
    from labs.models import Lab

    def make(**fields) -> Lab:
        n = next(_lab_numbers)
        defaults = {
            "stable_id": f"lab-{n}",
            "slug": f"queue-basics-{n}",
            "title": f"Queue basics {n}",
            "summary": "Create a queue and send to it.",
            "services": ["sqs"],
            "instructions": [{"kind": "html", "html": "<p>Create a queue called <code>orders</code>.</p>"}],
            "hints": ["<p>Use <code>create_queue</code>.</p>", "<p>The name is case-sensitive.</p>"],
            "starter_code": LAB_STARTER,
            "solution_code": LAB_SOLUTION,
            "attempts_before_solution": 3,
            "position": n,
        }
        defaults.update(fields)
        return Lab.objects.create(**defaults)

    return make


# The engine's own tests and the in-process lab grader tests touch no database:
# running them again in the PostgreSQL pass proves nothing new, so they carry
# `nodb` and that pass leaves them out (the Makefile). Their sandbox tests run
# there, once, as every `sandbox` test does.
NO_DATABASE_DIRS = ("tests/grader/", "tests/labs/course/")


def pytest_collection_modifyitems(config, items):
    root = str(config.rootpath)
    for item in items:
        where = str(item.path).removeprefix(root + "/")
        if where.startswith(NO_DATABASE_DIRS) and not item.get_closest_marker("sandbox"):
            item.add_marker(pytest.mark.nodb)
