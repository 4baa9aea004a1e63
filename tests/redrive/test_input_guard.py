"""Input no view can use answers 400 (or 413) with a message, before any view
runs: the former 500s of issue 17."""

import json

import pytest

from accounts.services.tokens import api_token_create
from redrive.input_guard import MAX_JSON_DEPTH, json_too_deep
from tests.labs.conftest import broker, lab  # noqa: F401 (fixtures)

JSON_POSTS = ["/api/flashcards/reviews/", "/api/classes/", "/api/classes/join/", "/api/classes/1/assignments/", "/api/labs/queue-basics/submissions/"]


@pytest.fixture
def bearer(alice):
    _token, secret = api_token_create(user=alice, name="guard tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post_json(client, url, body: str | bytes, **extra):
    return client.post(url, body, content_type="application/json", **extra)


# --- the rule on its own --------------------------------------------------------


def test_depth_counts_nesting_not_brackets():
    assert not json_too_deep(b"[]" * 10_000)
    assert not json_too_deep(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH)
    assert json_too_deep(b"[" * (MAX_JSON_DEPTH + 1))
    assert json_too_deep(b'{"a":' * (MAX_JSON_DEPTH + 1))


def test_brackets_inside_strings_do_not_count():
    body = json.dumps({"code": "[" * 10_000 + '\\"[[[' + "{" * 500}).encode()
    assert not json_too_deep(body)


# --- pages: path, query string, form fields ----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/search/?q=%00", "/search/?q=a%00b", "/search/?%00=x", "/classes/1/gradebook/?sort=%00", "/lessons%00/"])
def test_a_nul_in_the_address_is_a_400_with_a_message(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_in_a_form_field_is_a_400(client, alice):
    client.force_login(alice)
    response = client.post("/classes/new/", {"name": "Messaging\x00 101"})
    assert response.status_code == 400
    assert "the form field “name” contains a NUL character" in response.content.decode()


def test_a_nul_in_lab_code_posted_from_the_page_is_a_400(client, alice, lab, broker):  # noqa: F811
    client.force_login(alice)
    response = client.post(f"/labs/{lab.slug}/run/", {"code": "x = '\x00'"})
    assert response.status_code == 400 and broker.sent == []


# --- the JSON API -------------------------------------------------------------------


def test_a_lone_surrogate_in_json_is_a_400_in_the_api_error_shape(client, lab, bearer, broker):  # noqa: F811
    response = _post_json(client, f"/api/labs/{lab.slug}/submissions/", b'{"code": "x\\ud800"}', **bearer)
    assert response.status_code == 400
    body = response.json()
    assert "lone surrogate (U+D800)" in body["error"]
    assert body["detail"] == [{"field": "code", "message": body["error"]}]
    assert broker.sent == []


def test_a_nul_escape_in_json_is_a_400(client, lab, bearer, broker):  # noqa: F811
    response = _post_json(client, f"/api/labs/{lab.slug}/submissions/", b'{"code": "x\\u0000"}', **bearer)
    assert response.status_code == 400 and "NUL" in response.json()["error"]


def test_a_surrogate_pair_and_an_escaped_backslash_u_are_ordinary_text(client, lab, bearer, broker):  # noqa: F811
    code = 'print("\\u0000", "\U0001F600")'  # Python source that *writes* an escape, and an emoji
    response = _post_json(client, f"/api/labs/{lab.slug}/submissions/", json.dumps({"code": code}), **bearer)
    assert response.status_code == 202


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN", "1e400", "-1e400"])
def test_numbers_json_does_not_have_are_a_400(client, bearer, number):
    body = '{"card_id": %s, "rating": %s, "duration_ms": %s}' % (number, number, number)
    response = _post_json(client, "/api/flashcards/reviews/", body, **bearer)
    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.parametrize("url", JSON_POSTS)
def test_deeply_nested_json_is_a_400_on_every_json_post(client, bearer, url):
    response = _post_json(client, url, b"[" * 100_000, **bearer)
    assert response.status_code == 400
    assert response.json()["error"] == f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels"


@pytest.mark.parametrize("url", JSON_POSTS)
def test_a_body_over_the_upload_limit_is_a_json_413(client, bearer, settings, url):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _post_json(client, url, json.dumps({"code": "x" * 2000}), **bearer)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"][0]["field"] is None


def test_not_json_at_all_is_left_to_the_view_to_explain(client, bearer):
    response = _post_json(client, "/api/flashcards/reviews/", b"card_id=1", **bearer)
    assert response.status_code == 400 and "JSON" in response.json()["error"]
