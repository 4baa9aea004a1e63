"""Two instructors (ivy, olga), students (sam, tess, uma, vic) and a lab and
lessons made directly as rows. ivy teaches "Messaging 101" (sam, tess); olga
teaches "Streams" (uma, and tess too). vic is in no class."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from labs.models import Submission
from learning.models import Lesson, Module
from classes.services.classes import assignment_create, classroom_create, classroom_join



def grant_teach(user):
    user.user_permissions.add(Permission.objects.get(codename="teach_class", content_type__app_label="classes"))
    return type(user).objects.get(pk=user.pk)  # drop the cached permissions


@pytest.fixture
def make_user(django_user_model):
    def make(username, *, instructor=False, **fields):
        user = django_user_model.objects.create_user(username, f"{username}@example.com", "correct-horse-battery", **fields)
        return grant_teach(user) if instructor else user

    return make


@pytest.fixture
def ivy(make_user):
    return make_user("ivy", instructor=True, first_name="Ivy", last_name="Instructor")


@pytest.fixture
def olga(make_user):
    return make_user("olga", instructor=True)


@pytest.fixture
def sam(make_user):
    return make_user("sam", first_name="Sam", last_name="Student")


@pytest.fixture
def tess(make_user):
    return make_user("tess")


@pytest.fixture
def uma(make_user):
    return make_user("uma")


@pytest.fixture
def vic(make_user):
    return make_user("vic")


@pytest.fixture
def lab(make_lab):
    return make_lab(slug="dlq-basics", title="DLQ basics")


@pytest.fixture
def lesson(db):
    module = Module.objects.create(stable_id="mod-c-1", slug="class-mod", title="Class module")
    return Lesson.objects.create(stable_id="les-c-1", slug="fan-out", module=module, title="Fan-out", segments=[])


@pytest.fixture
def messaging(ivy, sam, tess):
    classroom = classroom_create(user=ivy, name="Messaging 101")
    classroom_join(user=sam, code=classroom.join_code)
    classroom_join(user=tess, code=classroom.join_code)
    return classroom


@pytest.fixture
def streams(olga, uma, tess):
    classroom = classroom_create(user=olga, name="Streams")
    classroom_join(user=uma, code=classroom.join_code)
    classroom_join(user=tess, code=classroom.join_code)
    return classroom


def due_in(days: float):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def lab_assignment(messaging, lab):
    return assignment_create(classroom=messaging, kind="lab", slug=lab.slug, due_at=due_in(3))


CHECKPOINTS_FAIL = [
    {"id": "dlq", "title": "DLQ attached", "passed": True, "points": 1, "feedback": "The queue has a redrive policy."},
    {"id": "count", "title": "maxReceiveCount is 3", "passed": False, "points": 1, "feedback": "maxReceiveCount is 10; the lab asks for 3."},
]
CHECKPOINTS_PASS = [dict(c, passed=True, feedback="ok") for c in CHECKPOINTS_FAIL]


@pytest.fixture
def submit(db):
    """A finished submission with a chosen score and time."""

    def make(*, user, lab, score=1.0, at=None, status=None, checkpoints=None, code="import boto3\n", output=""):
        status = status or (Submission.Status.PASSED if score >= 1 else Submission.Status.FAILED)
        attempt = Submission.objects.filter(user=user, lab=lab).count() + 1
        submission = Submission.objects.create(
            user=user, lab=lab, code=code, attempt=attempt, status=status, score=score, output=output,
            checkpoints=checkpoints if checkpoints is not None else (CHECKPOINTS_PASS if score >= 1 else CHECKPOINTS_FAIL),
        )
        if at is not None:
            Submission.objects.filter(pk=submission.pk).update(created_at=at)
            submission.refresh_from_db()
        return submission

    return make
