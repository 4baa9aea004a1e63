"""A due date no reader can load (issue 17: year 0 or 10000 in UTC, stored by
PostgreSQL from `0001-01-01T00:00:00+14:00`) no longer takes a class down:
classes 0004 brings stored ones into range, and from then on the database
refuses them, whoever writes. PostgreSQL only: SQLite stores text, and the
rows come from raw SQL, as PostgreSQL took them before the fix."""

import csv
import io

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from classes.models import Assignment
from classes.models.classes import DUE_AT_MAX, DUE_AT_MIN
from classes.services.classes import assignment_create
from tests.classes.conftest import due_in, grant_teach

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL stores the years Python cannot read")

BEFORE = ("classes", "0003_content_types_from_learning")  # 0004 brings the dates into range
BAD = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


@pytest.fixture
def one_class(django_user_model, make_lab):
    from classes.services.classes import classroom_create, classroom_join

    ivy = grant_teach(django_user_model.objects.create_user("ivy", "ivy@example.com", "pw-ivy-12345"))
    sam = django_user_model.objects.create_user("sam", "sam@example.com", "pw-sam-12345")
    classroom = classroom_create(user=ivy, name="Messaging 101")
    classroom_join(user=sam, code=classroom.join_code)
    labs = [make_lab(), make_lab(), make_lab()]
    assignments = [assignment_create(classroom=classroom, kind="lab", slug=lab.slug, due_at=due_in(3)) for lab in labs]
    return ivy, sam, classroom, assignments


def _store_raw(assignment_id: int, when: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE learning_assignment SET due_at = %s::timestamptz WHERE id = %s", [when, assignment_id])


def _every_reader_answers(client, ivy, sam, classroom) -> None:
    client.force_login(ivy)
    for name in ("classes:detail", "classes:gradebook", "classes:gradebook-csv"):
        response = client.get(reverse(name, args=[classroom.id]))
        assert response.status_code == 200, name
    assert client.get("/classes/").status_code == 200
    assert client.get(f"/api/classes/{classroom.id}/gradebook/").status_code == 200
    client.force_login(sam)
    assert client.get("/classes/").status_code == 200
    assert client.get(reverse("classes:detail", args=[classroom.id])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_migrating_brings_unreadable_stored_due_dates_into_range(client, one_class):
    ivy, sam, classroom, (low, high, fine) = one_class
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        _store_raw(low.id, BAD[0])
        _store_raw(high.id, BAD[1])
        with pytest.raises(Exception):  # what issue 17 saw: the row cannot be read back
            list(Assignment.objects.filter(id=low.id))
    finally:
        # Through 0004, which fixes the dates, on to today's schema the readers below use.
        forward = MigrationExecutor(connection)
        forward.migrate(forward.loader.graph.leaf_nodes())
    stored = {a.id: a.due_at for a in Assignment.objects.all()}
    assert stored[low.id] == DUE_AT_MIN and stored[high.id] == DUE_AT_MAX
    assert stored[fine.id] == fine.due_at
    _every_reader_answers(client, ivy, sam, classroom)
    rows = list(csv.reader(io.StringIO(client.get(reverse("classes:gradebook-csv", args=[classroom.id])).content.decode())))
    assert rows, "the CSV still lists the class"


@pytest.mark.django_db
@pytest.mark.parametrize("when", BAD)
def test_the_database_refuses_an_unreadable_due_date_from_raw_sql(one_class, when):
    _ivy, _sam, _classroom, (assignment, *_rest) = one_class
    with pytest.raises(IntegrityError, match="assignment_due_at_in_range"), transaction.atomic():
        _store_raw(assignment.id, when)
