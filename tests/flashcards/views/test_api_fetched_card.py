"""Rating the card the API's GET just gave: on PostgreSQL the POST starts from
what the GET read (selectors.fetched) and its one statement checks that none of
it changed; whatever changed in between, the rating is the one a fresh read
would give. (On SQLite every POST reads afresh: the same outcomes, by the other path.)"""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from flashcards.models import Card, CardState, ReviewLog, StudyPreferences
from flashcards.services.cards import card_suspend
from flashcards.services.reviews import card_review
from accounts.models import ApiToken
from accounts.services.tokens import api_token_create

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the fetched state is used on PostgreSQL: `make test` runs this in its PostgreSQL pass"
)


@pytest.fixture
def alice_token(alice):
    return "Bearer " + api_token_create(user=alice, name="t")[1]


@pytest.fixture
def started(alice, card):
    """`card`, started long ago and due again now (a learning step), so the GET gives it."""
    card_review(user=alice, card=card, rating=3, now=timezone.now() - timedelta(days=30))
    return card


def _fetch(client, token, card):
    data = client.get("/api/flashcards/due/", HTTP_AUTHORIZATION=token).json()
    assert data["card"]["id"] == card.id
    return data


def _rate(client, token, card, rating=3):
    body = json.dumps({"card_id": card.id, "rating": rating, "duration_ms": 1200})
    return client.post("/api/flashcards/reviews/", body, content_type="application/json", HTTP_AUTHORIZATION=token)


@on_postgresql
def test_rating_the_card_just_fetched_is_one_statement(client, alice, started, alice_token):
    _fetch(client, alice_token, started)
    with CaptureQueriesContext(connection) as queries:
        response = _rate(client, alice_token, started)
    assert response.status_code == 201
    assert len(queries.captured_queries) == 1 and queries.captured_queries[0]["sql"].startswith("WITH claimed AS (UPDATE")
    log = ReviewLog.objects.filter(user=alice).latest("id")
    assert (log.before["reps"], log.duration_ms) == (1, 1200)
    assert CardState.objects.get(user=alice, card=started).reps == 2


def test_a_card_reviewed_elsewhere_since_the_fetch_is_rated_from_its_new_state(client, alice, started, alice_token):
    _fetch(client, alice_token, started)
    card_review(user=alice, card=started, rating=3)  # the review page, in another tab
    assert _rate(client, alice_token, started).status_code == 201
    assert ReviewLog.objects.filter(user=alice).latest("id").before["reps"] == 2
    assert CardState.objects.get(user=alice, card=started).reps == 3


def test_a_card_suspended_since_the_fetch_is_logged_as_suspended_before_the_rating(client, alice, started, alice_token):
    _fetch(client, alice_token, started)
    card_suspend(user=alice, card=started)  # changes neither reps nor due: only the row's version tells
    assert _rate(client, alice_token, started).status_code == 201
    assert ReviewLog.objects.filter(user=alice).latest("id").before["suspended"] is True


def test_settings_changed_since_the_fetch_schedule_the_rating(client, alice, started, alice_token):
    _fetch(client, alice_token, started)
    StudyPreferences.objects.create(user=alice, maximum_interval=1)
    data = _rate(client, alice_token, started, rating=4).json()  # Easy would graduate it for days
    assert data["interval"] <= 1


def test_a_token_revoked_since_the_fetch_is_refused_and_nothing_is_written(client, alice, started, alice_token):
    _fetch(client, alice_token, started)
    ApiToken.objects.filter(user=alice).update(revoked_at=timezone.now())  # as another web process would
    assert _rate(client, alice_token, started).status_code == 401
    assert ReviewLog.objects.filter(user=alice).count() == 1


def test_a_card_withdrawn_since_the_fetch_is_unknown(client, alice, started, alice_token):
    _fetch(client, alice_token, started)
    Card.objects.filter(pk=started.pk).update(is_active=False)  # its states' `studied` left as they were
    response = _rate(client, alice_token, started)
    assert response.status_code == 400 and "unknown card_id" in response.json()["error"]
    assert ReviewLog.objects.filter(user=alice).count() == 1


def test_a_bad_rating_of_the_fetched_card_is_a_400_and_the_next_good_one_counts(client, alice, started, alice_token):
    _fetch(client, alice_token, started)
    assert _rate(client, alice_token, started, rating=9).status_code == 400
    assert _rate(client, alice_token, started, rating=3).status_code == 201
    assert ReviewLog.objects.filter(user=alice).count() == 2
