"""Log-in throttling (django-axes): a username from one address is locked after
AXES_FAILURE_LIMIT wrong passwords, for AXES_COOLOFF_TIME, on the site's
log-in page and the admin's; the same username from elsewhere is not."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings

WRONG = {"username": "alice", "password": "not-her-password"}
RIGHT = {"username": "alice", "password": "correct-horse-battery"}
ATTACKER = "203.0.113.9"


def _fail_until_locked(client, url=None, *, ip=ATTACKER):
    url = url or "/accounts/login/"
    answers = [client.post(url, WRONG, REMOTE_ADDR=ip).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    return answers


def test_wrong_passwords_lock_the_username_from_that_address_with_a_wait_in_minutes(client, alice):
    answers = _fail_until_locked(client)
    # The limit-th failure is itself answered with the lockout page.
    assert answers[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1) and answers[-1] == 429
    response = client.post("/accounts/login/", RIGHT, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429, "the right password must not get through a lock"
    page = response.content.decode()
    assert f"Wait <strong>{settings.AXES_COOLOFF_MINUTES} minutes</strong>" in page
    assert "_auth_user_id" not in client.session


def test_the_same_user_from_another_address_can_still_log_in(client, alice):
    _fail_until_locked(client)
    response = client.post("/accounts/login/", RIGHT, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302


def test_another_user_from_the_locked_address_can_still_log_in(client, alice, bob):
    _fail_until_locked(client)
    response = client.post("/accounts/login/", {"username": "bob", "password": "correct-horse-battery"}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 302


def test_the_lock_expires_after_the_cool_off(client, alice):
    _fail_until_locked(client)
    assert client.post("/accounts/login/", RIGHT, REMOTE_ADDR=ATTACKER).status_code == 429
    # Age the recorded failures past the cool-off instead of sleeping for it.
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
        attempt.save()
    assert client.post("/accounts/login/", RIGHT, REMOTE_ADDR=ATTACKER).status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/accounts/login/", WRONG, REMOTE_ADDR=ATTACKER)
    assert client.post("/accounts/login/", RIGHT, REMOTE_ADDR=ATTACKER).status_code == 302
    client.post("/accounts/logout/")
    assert client.post("/accounts/login/", WRONG, REMOTE_ADDR=ATTACKER).status_code == 200


@pytest.mark.django_db
def test_the_admin_log_in_is_throttled_too(client, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.com", "correct-horse-battery")
    wrong = {"username": "root", "password": "guess", "next": "/admin/"}
    answers = [client.post("/admin/login/", wrong, REMOTE_ADDR=ATTACKER).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert answers[-1] == 429
    response = client.post("/admin/login/", {**wrong, "password": "correct-horse-battery"}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
    assert "Too many log-in attempts" in response.content.decode()


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_what_is_locked(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", WRONG, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert client.post("/accounts/login/", RIGHT, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    # alice's own requests come through the same proxy from her own address.
    assert client.post("/accounts/login/", RIGHT, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20").status_code == 302


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_an_over_long_username_is_refused_before_it_is_recorded(client, alice, url):
    response = client.post(url, {"username": "a" * 300, "password": "x"}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 200
    assert "A username has at most 150 characters." in response.content.decode()
    assert not AccessAttempt.objects.exists()
