import pytest
from django.contrib.auth import get_user_model


@pytest.fixture(autouse=True)
def _own_cache(settings):
    # The counter lives in Django's cache: a fresh one per test.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "signup-tests"}}
    from django.core.cache import cache

    cache.clear()


def _sign_up(client, name, ip="203.0.113.5"):
    data = {"username": name, "email": "", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"}
    response = client.post("/accounts/signup/", data, REMOTE_ADDR=ip)
    client.logout()
    return response


@pytest.mark.django_db
def test_sign_ups_from_one_address_stop_at_the_hourly_limit_with_a_wait(client, settings):
    settings.SIGNUP_LIMIT_PER_HOUR = 3
    assert [_sign_up(client, f"user{i}").status_code for i in range(3)] == [302, 302, 302]
    refused = _sign_up(client, "user3")
    assert refused.status_code == 429
    assert "Too many accounts were made from your network" in refused.content.decode()
    assert "Try again in" in refused.content.decode()
    assert not get_user_model().objects.filter(username="user3").exists()


@pytest.mark.django_db
def test_another_address_can_still_sign_up(client, settings):
    settings.SIGNUP_LIMIT_PER_HOUR = 1
    assert _sign_up(client, "first").status_code == 302
    assert _sign_up(client, "second").status_code == 429
    assert _sign_up(client, "second", ip="198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_a_refused_form_does_not_count(client, settings):
    settings.SIGNUP_LIMIT_PER_HOUR = 1
    bad = {"username": "x", "password1": "a", "password2": "b"}
    for _ in range(3):
        assert client.post("/accounts/signup/", bad, REMOTE_ADDR="203.0.113.5").status_code == 200
    assert _sign_up(client, "carol").status_code == 302
