import pytest
from django.contrib.auth import get_user_model

PASSWORDS = {"password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42", "email": ""}


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "signup-names"}}


@pytest.mark.django_db
def test_a_cyrillic_look_alike_of_a_latin_name_is_refused_with_a_message(client, alice):
    response = client.post("/accounts/signup/", {"username": "\u0430lice", **PASSWORDS})
    assert response.status_code == 200
    assert "one alphabet" in response.content.decode()
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db
def test_a_full_width_name_is_stored_nfkc_normalised(client):
    response = client.post("/accounts/signup/", {"username": "ｃａｒｏｌ", **PASSWORDS})
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="carol").exists()


@pytest.mark.django_db
def test_a_full_width_copy_of_a_taken_name_is_taken(client, alice):
    response = client.post("/accounts/signup/", {"username": "ａｌｉｃｅ", **PASSWORDS})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
