"""A review's write commits asynchronously on PostgreSQL, and only that write.

(SQLite has no such setting: the PostgreSQL pass of `make test` runs these.)"""

from datetime import timedelta

import pytest
from django.db import connection

from flashcards.models import ReviewLog
from flashcards.services.reviews import card_review

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="synchronous_commit is PostgreSQL's: `make test` runs this in its PostgreSQL pass"
)


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_the_claim_of_a_started_card_turns_synchronous_commit_off_for_its_transaction(alice, card, now):
    # Inside the test's own transaction, the setting the claim made is still visible.
    card_review(user=alice, card=card, rating=3, now=now)  # the first review inserts the state
    assert _synchronous_commit() == "on"
    card_review(user=alice, card=card, rating=3, now=now + timedelta(minutes=1))  # this one claims it
    assert _synchronous_commit() == "off"
    assert ReviewLog.objects.filter(user=alice, card=card).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_setting_ends_with_the_review_and_leaves_the_connection_as_it_was(alice, card, now):
    card_review(user=alice, card=card, rating=3, now=now)
    card_review(user=alice, card=card, rating=3, now=now + timedelta(minutes=1))
    assert _synchronous_commit() == "on"
    assert ReviewLog.objects.filter(user=alice, card=card).count() == 2
