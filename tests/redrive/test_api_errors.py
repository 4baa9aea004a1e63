"""The API's answers to bad input: each of issue 17's former 500s and loose
types is a 4xx in the one error shape, {"error": ..., "detail": [{"field",
"message"}]}, naming the field at fault, and nothing is written."""

import json

import pytest

from accounts.services.tokens import api_token_create
from classes.models import Assignment, Classroom
from flashcards.models import Card, ReviewLog
from labs.models import Submission
from tests.classes.conftest import grant_teach

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status: int, field: str | None = "") -> dict:
    """`field` "" means any; None means the request as a whole."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "detail"} and isinstance(body["error"], str) and body["error"]
    assert all(set(item) == {"field", "message"} for item in body["detail"])
    if field != "":
        assert body["detail"] and body["detail"][0]["field"] == field, body
    return body


@pytest.fixture
def world(synced_course, alice, django_user_model):
    ivy = grant_teach(django_user_model.objects.create_user("ivy", "ivy@example.com", "correct-horse-battery"))
    from classes.services.classes import classroom_create

    classroom = classroom_create(user=ivy, name="Messaging 101")
    from labs.models import Lab

    return {
        "card": Card.objects.order_by("id").first(),
        "lab": Lab.objects.get(),
        "classroom": classroom,
        "alice": {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(user=alice, name="t")[1]},
        "ivy": {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(user=ivy, name="t")[1]},
    }


def post_raw(client, url, raw: str | bytes, auth: dict):
    return client.post(url, raw, content_type="application/json", **auth)


def review_body(world, **fields) -> dict:
    return {"card_id": world["card"].id, "rating": 3, "version": 0, **fields}


def _endpoints(world):
    """The five JSON POST endpoints, each with its caller."""
    return [
        ("/api/flashcards/reviews/", world["alice"]),
        (f"/api/labs/{world['lab'].slug}/submissions/", world["alice"]),
        ("/api/classes/", world["ivy"]),
        ("/api/classes/join/", world["alice"]),
        (f"/api/classes/{world['classroom'].id}/assignments/", world["ivy"]),
    ]


def nothing_written():
    return not ReviewLog.objects.exists() and not Submission.objects.exists() and not Assignment.objects.exists() and Classroom.objects.count() == 1


# --- Former 500s -----------------------------------------------------------


def test_deep_nesting_is_a_400_on_every_json_post(client, world):
    for url, auth in _endpoints(world):
        assert_error_shape(post_raw(client, url, "[" * 100_000, auth), 400, None)
        assert_error_shape(post_raw(client, url, '{"a":' * 50_000 + "1" + "}" * 50_000, auth), 400, None)
    assert nothing_written()


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN", "1e400", "-1e400"])
@pytest.mark.parametrize("field", ["rating", "card_id", "version", "duration_ms"])
def test_non_finite_numbers_in_a_review_are_a_400(client, world, number, field):
    body = json.dumps(review_body(world)).replace(f'"{field}": ', f'"{field}": {number}, "_was": ', 1)
    if field == "duration_ms":
        body = body[:-1] + f', "duration_ms": {number}}}'
    response = post_raw(client, "/api/flashcards/reviews/", body, world["alice"])
    # Infinity and NaN are not JSON: the body as a whole is refused. 1e400 is a
    # float where an integer belongs; the site-wide request guard, where it
    # runs, may refuse it first as a number too large, for the body as a whole.
    assert assert_error_shape(response, 400)["detail"][0]["field"] in ({field, None} if number.endswith("e400") else {None})
    assert nothing_written()


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "1e400", str(10**30), "1.5"])
def test_a_target_count_that_is_not_a_storable_whole_number_is_a_400(client, world, number):
    body = '{"kind": "deck", "slug": "basics", "due_at": "2031-05-01", "target_count": %s}' % number
    response = post_raw(client, f"/api/classes/{world['classroom'].id}/assignments/", body, world["ivy"])
    field = assert_error_shape(response, 400)["detail"][0]["field"]
    # As above: the request guard may refuse 1e400 for the body as a whole.
    assert field == (None if "Infinity" in number else "target_count") or (number == "1e400" and field is None)
    assert nothing_written()


@pytest.mark.parametrize("due_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1899-12-31", "9001-01-01T00:00Z"])
def test_a_due_date_the_database_cannot_round_trip_is_a_400(client, world, due_at):
    body = {"kind": "lab", "slug": world["lab"].slug, "due_at": due_at}
    response = post_raw(client, f"/api/classes/{world['classroom'].id}/assignments/", json.dumps(body), world["ivy"])
    assert "between the years" in assert_error_shape(response, 400, "due_at")["error"]
    assert nothing_written()
    assert client.get(f"/api/classes/{world['classroom'].id}/gradebook/", **world["ivy"]).status_code == 200


def test_a_lone_surrogate_in_code_is_a_400(client, world):
    response = post_raw(client, f"/api/labs/{world['lab'].slug}/submissions/", '{"code": "x\\ud800"}', world["alice"])
    # The request guard names the field; without it the API's parser refuses the body as not JSON.
    assert assert_error_shape(response, 400)["detail"][0]["field"] in ("code", None)
    assert nothing_written()


@pytest.mark.parametrize(
    "url_key,body,field",
    [
        ("lab", {"code": "x = 1\x00"}, "code"),
        ("classes", {"name": "Sagas\x00"}, "name"),
        ("join", {"join_code": "AB\x00CD"}, "join_code"),
        ("assign", {"kind": "lab", "slug": "jobs-queue", "due_at": "2031-05-01\x00"}, "due_at"),
    ],
)
def test_nul_in_a_text_field_is_a_400_naming_it(client, world, url_key, body, field):
    urls = {
        "lab": (f"/api/labs/{world['lab'].slug}/submissions/", "alice"),
        "classes": ("/api/classes/", "ivy"),
        "join": ("/api/classes/join/", "alice"),
        "assign": (f"/api/classes/{world['classroom'].id}/assignments/", "ivy"),
    }
    url, who = urls[url_key]
    response = post_raw(client, url, json.dumps(body), world[who])
    assert "NUL" in assert_error_shape(response, 400, field)["error"]
    assert nothing_written()


def test_a_body_over_the_upload_limit_is_a_json_413(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post_raw(client, f"/api/labs/{world['lab'].slug}/submissions/", json.dumps({"code": "x" * 20_000}), world["alice"])
    assert_error_shape(response, 413, None)
    assert nothing_written()


def test_code_over_the_submission_limit_is_a_400(client, world):
    from labs.services.submissions import MAX_CODE_BYTES

    response = post_raw(client, f"/api/labs/{world['lab'].slug}/submissions/", json.dumps({"code": "x" * (MAX_CODE_BYTES + 1)}), world["alice"])
    assert_error_shape(response, 400, "code")
    assert nothing_written()


@pytest.mark.parametrize("path", ["/api/classes/99999999999999999999999/gradebook/", "/api/submissions/99999999999999999999999/"])
def test_an_id_past_64_bits_in_the_path_is_a_400(client, world, path):
    assert_error_shape(client.get(path, **world["ivy"]), 400)


# --- Loose types -------------------------------------------------------------


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"rating": 3.7}, "rating"),
        ({"rating": "3"}, "rating"),
        ({"rating": True}, "rating"),
        ({"card_id": 1.5}, "card_id"),
        ({"card_id": "1"}, "card_id"),
        ({"version": 0.0}, "version"),
        ({"duration_ms": 1.5}, "duration_ms"),
        ({"duration_ms": -1}, "duration_ms"),
        ({"card_id": 2**63}, "card_id"),
    ],
)
def test_a_review_with_a_loose_type_is_a_400(client, world, fields, field):
    response = post_raw(client, "/api/flashcards/reviews/", json.dumps(review_body(world, **fields)), world["alice"])
    assert field in assert_error_shape(response, 400, field)["error"]
    assert nothing_written()


@pytest.mark.parametrize("name", [[1], 1, None, {"a": 1}, True])
def test_a_class_name_that_is_not_a_string_is_a_400(client, world, name):
    response = post_raw(client, "/api/classes/", json.dumps({"name": name}), world["ivy"])
    assert assert_error_shape(response, 400, "name")["error"] == "name must be a string"
    assert nothing_written()


def test_a_class_name_over_the_column_is_a_400(client, world):
    response = post_raw(client, "/api/classes/", json.dumps({"name": "x" * 121}), world["ivy"])
    assert_error_shape(response, 400, "name")
    assert nothing_written()


@pytest.mark.parametrize("count", [1.5, "5", 0, True])
def test_a_target_count_that_is_not_a_whole_number_is_a_400(client, world, count):
    body = {"kind": "deck", "slug": "basics", "due_at": "2031-05-01", "target_count": count}
    response = post_raw(client, f"/api/classes/{world['classroom'].id}/assignments/", json.dumps(body), world["ivy"])
    assert_error_shape(response, 400, "target_count")
    assert nothing_written()


def test_a_body_that_is_not_an_object_is_a_400(client, world):
    for raw in ("", "[1]", '"x"', "3", "null", "{not json"):
        assert "JSON object" in assert_error_shape(post_raw(client, "/api/classes/", raw, world["ivy"]), 400, None)["error"]
    assert_error_shape(post_raw(client, "/api/classes/", "{}", world["ivy"]), 400, "name")


# --- The same shape for 401, 403, 404, 405, 409 ---------------------------------


def test_every_status_has_the_shape(client, world, alice):
    assert_error_shape(client.get("/api/flashcards/due/"), 401, "Authorization")
    assert_error_shape(client.get("/api/flashcards/due/", HTTP_AUTHORIZATION="Bearer nope"), 401, "Authorization")
    assert_error_shape(post_raw(client, "/api/classes/", '{"name": "x"}', world["alice"]), 403, None)
    assert_error_shape(client.get(f"/api/classes/{world['classroom'].id}/gradebook/", **world["alice"]), 404, None)
    assert_error_shape(client.get("/api/no/such/thing/", **world["alice"]), 404, None)
    assert "slash" in assert_error_shape(client.get("/api/flashcards/due", **world["alice"]), 404, None)["error"]
    not_allowed = client.delete("/api/flashcards/due/", **world["alice"])
    assert_error_shape(not_allowed, 405, None)
    assert not_allowed["Allow"] == "GET"
    first = post_raw(client, "/api/flashcards/reviews/", json.dumps(review_body(world)), world["alice"])
    assert first.status_code == 201
    assert_error_shape(post_raw(client, "/api/flashcards/reviews/", json.dumps(review_body(world)), world["alice"]), 409, "version")


def test_a_session_post_needs_the_csrf_token(world, alice):
    """django-ninja exempts its views from the CSRF middleware; the session auth checks it itself."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    response = browser.post("/api/flashcards/reviews/", json.dumps(review_body(world)), content_type="application/json")
    assert_error_shape(response, 403, None)
    assert browser.get("/api/flashcards/due/").status_code == 200  # reading needs no token
    assert not ReviewLog.objects.exists()


def test_a_form_post_of_code_is_still_taken(client, world, monkeypatch, django_capture_on_commit_callbacks):
    """The labs API has always taken a form's `code`; the request guard parses forms first."""
    sent = []
    monkeypatch.setattr("labs.services.submissions.submission_dispatch", lambda *, submission_id: sent.append(submission_id))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/labs/{world['lab'].slug}/submissions/", {"code": "x = 1"}, **world["alice"])
    assert response.status_code == 202 and sent == [response.json()["id"]]
