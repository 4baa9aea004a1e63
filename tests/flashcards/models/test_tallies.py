"""StudyTally and ReviewDay, kept by database triggers, always equal the counts
they stand for, whatever writes the card states and the review log."""

from collections import Counter
from datetime import timedelta

from django.contrib.auth import get_user_model

from flashcards.models import Card, CardState, Deck, ReviewDay, ReviewLog, StudyTally
from flashcards.models.study import State
from flashcards.services.cards import card_bury, card_create, card_delete, card_suspend
from flashcards.services.decks import deck_pause
from flashcards.services.reviews import review_undo
from tests.flashcards.reviewing import rate


def _started(user) -> int:
    tally = StudyTally.objects.filter(user=user).first()
    return tally.started if tally else 0


def _days(user) -> dict:
    # A day whose reviews were all undone keeps its row, at zero.
    return {r.day: (r.reviews, r.new_reviews, r.review_reviews) for r in ReviewDay.objects.filter(user=user) if r.reviews}


def _counted_days(user) -> dict:
    days = Counter()
    for log in ReviewLog.objects.filter(user=user):
        day = log.reviewed_at.date()  # UTC: USE_TZ stores and returns UTC
        days[(day, "all")] += 1
        days[(day, "new")] += log.state_before == State.NEW
        days[(day, "review")] += log.state_before == State.REVIEW
    return {day: (days[(day, "all")], days[(day, "new")], days[(day, "review")]) for day, kind in days if kind == "all"}


def assert_tallies_true(user):
    assert _started(user) == CardState.objects.filter(user=user, studied=True, state__gt=State.NEW).count()
    assert _days(user) == _counted_days(user)


def test_tallies_follow_reviews_undo_suspension_pauses_and_deletions(alice, decks, now):
    cards = list(Card.objects.filter(owner__isnull=True).order_by("id"))
    for card in cards[:4]:
        rate(user=alice, card=card, rating=3, now=now)
    rate(user=alice, card=cards[0], rating=3, now=now + timedelta(days=1))
    assert _started(alice) == 4
    assert_tallies_true(alice)

    review_undo(user=alice)  # the second review of cards[0], a day later
    review_undo(user=alice)  # the first review of cards[3]: new again
    assert _started(alice) == 3
    assert_tallies_true(alice)

    card_suspend(user=alice, card=cards[5])  # a NEW state row: not started
    card_bury(user=alice, card=cards[4], now=now)
    assert_tallies_true(alice)

    deck = cards[0].deck
    deck_pause(user=alice, deck=deck)
    assert _started(alice) == CardState.objects.filter(user=alice, studied=True, state__gt=0).count() < 3
    deck_pause(user=alice, deck=deck, paused=False)
    assert _started(alice) == 3

    own = card_create(user=alice, deck=deck, front="What does a DLQ hold?", back="Messages that failed too often.")
    rate(user=alice, card=own, rating=1, now=now)
    assert _started(alice) == 4
    card_delete(user=alice, card=own)  # its state and its log go with it
    assert _started(alice) == 3
    assert_tallies_true(alice)


def test_a_course_deck_removed_at_sync_stops_counting_its_started_cards(alice, decks, now):
    from flashcards.services.states import states_studied_refresh

    card = Card.objects.filter(owner__isnull=True).first()
    rate(user=alice, card=card, rating=3, now=now)
    Deck.objects.filter(pk=card.deck_id).update(is_active=False)
    states_studied_refresh()
    assert _started(alice) == 0
    assert_tallies_true(alice)


def test_each_learner_has_their_own_tallies(alice, bob, decks, now):
    card = Card.objects.filter(owner__isnull=True).first()
    rate(user=alice, card=card, rating=3, now=now)
    assert (_started(alice), _started(bob)) == (1, 0)
    assert ReviewDay.objects.filter(user=bob).count() == 0


def test_reviews_count_on_the_utc_day_they_were_made(alice, decks, now):
    cards = list(Card.objects.filter(owner__isnull=True).order_by("id")[:2])
    midnight = now.replace(hour=0, minute=0)
    rate(user=alice, card=cards[0], rating=3, now=midnight - timedelta(seconds=1))
    rate(user=alice, card=cards[1], rating=3, now=midnight)
    assert _days(alice) == {(midnight - timedelta(days=1)).date(): (1, 1, 0), midnight.date(): (1, 1, 0)}


def test_deleting_a_learner_with_history_deletes_their_tallies(alice, decks, now):
    for card in Card.objects.filter(owner__isnull=True)[:3]:
        rate(user=alice, card=card, rating=3, now=now)
    get_user_model().objects.filter(pk=alice.pk).delete()
    assert not StudyTally.objects.exists() and not ReviewDay.objects.exists()
