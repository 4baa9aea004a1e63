"""Bearer-token look-ups: cached, and forgotten on every change that ends a token's life."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services.tokens import api_token_authenticate, api_token_create, api_token_revoke


@pytest.fixture
def token(alice):
    return api_token_create(user=alice, name="script")


def test_a_token_seen_before_is_answered_from_the_cache_without_a_query(token, alice, django_assert_num_queries):
    _token, secret = token
    assert api_token_authenticate(secret=secret) == alice  # reads the row, writes last_used_at
    with django_assert_num_queries(0):
        user = api_token_authenticate(secret=secret)
    assert user.pk == alice.pk and user.username == "alice"


def test_a_revoked_token_is_refused_at_once_although_it_was_cached(token, alice):
    row, secret = token
    assert api_token_authenticate(secret=secret) is not None
    assert api_token_revoke(user=alice, token_id=row.id)
    assert api_token_authenticate(secret=secret) is None


def test_a_token_revoked_by_saving_the_row_as_the_admin_does_is_refused(token):
    row, secret = token
    assert api_token_authenticate(secret=secret) is not None
    row.revoked_at = timezone.now()
    row.save()
    assert api_token_authenticate(secret=secret) is None


def test_a_deleted_token_is_refused(token):
    row, secret = token
    assert api_token_authenticate(secret=secret) is not None
    row.delete()
    assert api_token_authenticate(secret=secret) is None


def test_a_deactivated_user_s_tokens_are_refused(token, alice):
    _row, secret = token
    assert api_token_authenticate(secret=secret) is not None
    alice.is_active = False
    alice.save()
    assert api_token_authenticate(secret=secret) is None


def test_a_deleted_user_s_tokens_are_refused(token, alice):
    _row, secret = token
    assert api_token_authenticate(secret=secret) is not None
    alice.delete()
    assert api_token_authenticate(secret=secret) is None


def test_a_renamed_user_is_seen_under_the_new_name(token, alice):
    _row, secret = token
    assert api_token_authenticate(secret=secret).username == "alice"
    alice.username = "alice2"
    alice.save()
    assert api_token_authenticate(secret=secret).username == "alice2"


def test_the_time_of_use_is_written_at_most_once_a_minute(token, django_assert_num_queries):
    row, secret = token
    api_token_authenticate(secret=secret)
    first = ApiToken.objects.get(pk=row.pk).last_used_at
    assert first is not None
    with django_assert_num_queries(0):
        api_token_authenticate(secret=secret)
    assert ApiToken.objects.get(pk=row.pk).last_used_at == first


def test_the_time_of_use_is_written_again_after_a_minute(token, monkeypatch):
    row, secret = token
    api_token_authenticate(secret=secret)
    first = ApiToken.objects.get(pk=row.pk).last_used_at
    later = first + timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    api_token_authenticate(secret=secret)
    assert ApiToken.objects.get(pk=row.pk).last_used_at == later
