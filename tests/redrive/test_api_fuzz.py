"""Schemathesis against /api/openapi.json on a live server, as a learner and as
an instructor: no input gives a 5xx, and every answer (status, content type,
body, headers) is one the OpenAPI document declares. Also the negative pass:
a body or parameter that breaks the schema (a float for an integer, a string
too long, a missing field) must be refused with a 4xx.

Marked `fuzz`: it runs once, in the PostgreSQL pass (Makefile). Bounded to
MAX_EXAMPLES per operation and per token, which keeps it near a minute on a
busy 2-core machine."""

import pytest
import schemathesis
from django.contrib.auth.models import Permission
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from accounts.services.tokens import api_token_create
from classes.services.classes import assignment_create, classroom_create, classroom_join

pytestmark = pytest.mark.fuzz

MAX_EXAMPLES = 15


class _Dispatched(list):
    """Submissions the API queued; sent nowhere (the broker is not under test here)."""

    def __call__(self, *, submission_id):
        self.append(submission_id)


@pytest.fixture
def api_world(transactional_db, live_server, course_copy, django_user_model, monkeypatch):
    """A synced small course, an instructor with a class that assigns its lab,
    a learner in it, and a token for each."""
    call_command("sync_course", str(course_copy), "--skip-lab-grading")
    monkeypatch.setattr("labs.services.submissions.submission_dispatch", _Dispatched())
    from labs.models import Lab

    ivy = django_user_model.objects.create_user("ivy", "ivy@example.com", "correct-horse-battery")
    ivy.user_permissions.add(Permission.objects.get(codename="teach_class", content_type__app_label="classes"))
    ivy = django_user_model.objects.get(pk=ivy.pk)
    sam = django_user_model.objects.create_user("sam", "sam@example.com", "correct-horse-battery")
    classroom = classroom_create(user=ivy, name="Messaging 101")
    classroom_join(user=sam, code=classroom.join_code)
    from django.utils import timezone

    lab = Lab.objects.get()
    assignment_create(classroom=classroom, kind="lab", slug=lab.slug, due_at=timezone.now() + timezone.timedelta(days=3))
    return {
        "learner": "Bearer " + api_token_create(user=sam, name="fuzz")[1],
        "instructor": "Bearer " + api_token_create(user=ivy, name="fuzz")[1],
        # Real objects for the path, so generated bodies reach the services rather than a 404.
        "path": {"class_id": classroom.id, "slug": lab.slug},
    }


def _operations(url: str):
    schema = schemathesis.openapi.from_url(url)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8, "the API's eight operations must be in its OpenAPI document"
    return operations


# Every operation, with data that fits its schema and with data that does not.
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
# Not run: "schema-valid data must be accepted". A schema says what a request
# looks like, not whether card 0 exists, "tomorrow" is a date or a lab has
# been run a minute ago; those are the services' rules and answer a
# documented 400. Every other default check runs, negative_data_rejection
# (schema-invalid data must be refused with a 4xx) included.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]


def test_no_input_breaks_the_api_or_its_schema(api_world, live_server):
    """Each generated request is sent with each token and all of Schemathesis'
    default checks run on the answer; the first failing request fails the test
    (after Hypothesis shrinks it)."""
    calls = 0
    for operation in _operations(f"{live_server.url}/api/openapi.json"):
        names = {parameter.name for parameter in operation.path_parameters}
        real = {name: value for name, value in api_world["path"].items() if name in names}
        strategies = [operation.as_strategy(generation_mode=mode) for mode in MODES]
        if real:  # and again with a class or lab that exists
            strategies += [operation.as_strategy(generation_mode=mode, path_parameters=real) for mode in MODES]
        for strategy in strategies:

            @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
            @given(case=strategy)
            def run(case):
                nonlocal calls
                for who in ("learner", "instructor"):
                    case.call_and_validate(headers={"Authorization": api_world[who]}, excluded_checks=EXCLUDED)
                    calls += 1

            run()
    print(f"schemathesis: {calls} requests")
    assert calls >= 8 * len(MODES) * 2  # every operation was reached, in both modes, with both tokens
