"""The JSON API, with bearer tokens as a script would use it."""

import pytest

from classes.models import Assignment, ClassMembership, Classroom
from accounts.services.tokens import api_token_create

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, secret = api_token_create(user=user, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, user):
    return client.post(url, body, content_type="application/json", **bearer(user))


def test_an_instructor_creates_a_class(client, ivy):
    response = post(client, "/api/classes/", {"name": "Sagas"}, ivy)
    assert response.status_code == 201
    body = response.json()
    classroom = Classroom.objects.get(id=body["id"])
    assert body["join_code"] == classroom.join_code and classroom.name == "Sagas"


def test_a_learner_cannot_create_a_class(client, sam):
    response = post(client, "/api/classes/", {"name": "Sagas"}, sam)
    assert response.status_code == 403
    assert "Only instructors can create classes" in response.json()["error"]


def test_a_class_needs_a_name(client, ivy):
    response = post(client, "/api/classes/", {}, ivy)
    assert response.status_code == 400 and "name" in response.json()["error"]


def test_a_body_that_is_not_json_is_a_400(client, ivy):
    response = client.post("/api/classes/", "name=x", content_type="application/json", **bearer(ivy))
    assert response.status_code == 400 and "JSON object" in response.json()["error"]


def test_without_a_token_the_api_answers_401(client):
    assert client.post("/api/classes/", {"name": "x"}, content_type="application/json").status_code == 401


def test_a_student_joins_with_a_code_and_joining_again_is_harmless(client, messaging, vic):
    response = post(client, "/api/classes/join/", {"join_code": messaging.join_code.lower()}, vic)
    assert response.status_code == 201 and response.json()["id"] == messaging.id
    again = post(client, "/api/classes/join/", {"join_code": messaging.join_code}, vic)
    assert again.status_code == 200 and again.json()["joined"] is False
    assert ClassMembership.objects.filter(user=vic).count() == 1


def test_a_wrong_code_is_a_400(client, vic):
    response = post(client, "/api/classes/join/", {"join_code": "ZZZZZZZZ"}, vic)
    assert response.status_code == 400 and "No class has that join code" in response.json()["error"]


def test_an_instructor_assigns_a_lab_with_a_due_date(client, ivy, messaging, lab):
    response = post(client, f"/api/classes/{messaging.id}/assignments/", {"kind": "lab", "slug": lab.slug, "due_at": "2031-05-01T12:00:00Z"}, ivy)
    assert response.status_code == 201
    assert response.json()["due_at"] == "2031-05-01T12:00:00+00:00"
    assert Assignment.objects.get().lab == lab


@pytest.mark.parametrize(
    "body,message",
    [
        ({"kind": "quiz", "slug": "dlq-basics", "due_at": "2031-05-01"}, "kind must be one of lesson, deck or lab"),
        ({"kind": "lab", "slug": "no-such-lab", "due_at": "2031-05-01"}, "No lab has the slug “no-such-lab”"),
        ({"kind": "lab", "slug": "dlq-basics", "due_at": "soon"}, "is not a date and time"),
        ({"kind": "lab", "slug": "dlq-basics", "due_at": "2031-02-30T10:00"}, "is not a date and time"),
        ({"kind": "lab", "slug": "dlq-basics"}, "Give a due date"),
        ({"kind": "lesson", "slug": "", "due_at": "2031-05-01"}, "Give the lesson's slug"),
    ],
)
def test_bad_assignments_get_a_clear_400(client, ivy, messaging, lab, body, message):
    response = post(client, f"/api/classes/{messaging.id}/assignments/", body, ivy)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_assigning_the_same_lab_twice_is_a_400(client, ivy, messaging, lab, lab_assignment):
    response = post(client, f"/api/classes/{messaging.id}/assignments/", {"kind": "lab", "slug": lab.slug, "due_at": "2031-05-01"}, ivy)
    assert response.status_code == 400 and "already assigned" in response.json()["error"]


def test_a_student_cannot_assign_work(client, sam, messaging, lab):
    response = post(client, f"/api/classes/{messaging.id}/assignments/", {"kind": "lab", "slug": lab.slug, "due_at": "2031-05-01"}, sam)
    assert response.status_code == 404


def test_the_gradebook_api_gives_each_students_results(client, ivy, messaging, sam, lab, lab_assignment, submit):
    submit(user=sam, lab=lab, score=0.5)
    response = client.get(f"/api/classes/{messaging.id}/gradebook/", **bearer(ivy))
    assert response.status_code == 200
    body = response.json()
    assert body["assignments"][0]["slug"] == lab.slug
    sam_row = next(s for s in body["students"] if s["username"] == "sam")
    assert sam_row["display_name"] == "Sam Student"
    assert sam_row["results"][0] | {} == {
        "assignment": lab_assignment.id, "status": "started", "done": False, "late": False, "overdue": False,
        "score": 0.5, "attempts": 1, "late_attempts": 0,
    }
