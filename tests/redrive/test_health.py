import json

import pytest

from tests.labs.conftest import broker_at


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("root", "root@example.com", "pw-root-1234", is_staff=True))
    return client


def test_healthz_tells_anyone_only_that_the_site_is_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


def test_healthz_reports_database_and_broker_to_staff(staff_client):
    body = json.loads(staff_client.get("/healthz").content)
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True and body["broker"]["ok"] is True


def test_a_logged_in_learner_gets_no_detail_either(client, alice):
    client.force_login(alice)
    assert json.loads(client.get("/healthz").content) == {"status": "ok"}


def test_healthz_is_503_when_the_broker_is_unreachable_and_says_nothing_more_to_anyone(client, db):
    with broker_at("redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unhealthy"}
    assert b"127.0.0.1" not in response.content


def test_staff_see_which_part_is_down_and_why(staff_client):
    with broker_at("redis://127.0.0.1:1/0"):
        response = staff_client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["broker"]["ok"] is False and "Connection refused" in body["broker"]["detail"]
    assert body["database"]["ok"] is True
