"""Flashcards fixtures: the fixture course (two decks, six cards) synced, and
a fixed clock in UTC so intervals can be asserted."""

from datetime import datetime, timezone

import pytest

from flashcards.models import Card

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def decks(synced_course):
    return synced_course


@pytest.fixture
def card(decks):
    return Card.objects.get(stable_id="card-event-tense")
