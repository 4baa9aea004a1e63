"""review_undo restores the exact state before the last review."""

from datetime import timedelta

import pytest

from flashcards.models import CardState, ReviewLog
from flashcards.models.study import State
from flashcards.services.reviews import review_undo
from tests.flashcards.reviewing import rate


def _row(user, card):
    """The state's columns but its version, which every review and undo moves on."""
    row = CardState.objects.filter(user=user, card=card).values().get()
    del row["version"]
    return row


def test_undo_restores_the_exact_previous_state(alice, card, now):
    when = now
    for _ in range(4):
        state = rate(user=alice, card=card, rating=3, now=when).state
        when = state.due
    before = _row(alice, card)
    rate(user=alice, card=card, rating=1, now=when)
    assert _row(alice, card) != before

    assert review_undo(user=alice) == card
    assert _row(alice, card) == before
    assert ReviewLog.objects.filter(user=alice).count() == 4


def test_undo_of_a_first_review_makes_the_card_new_again(alice, card, now):
    rate(user=alice, card=card, rating=4, now=now)
    review_undo(user=alice)
    state = CardState.objects.get(user=alice, card=card)
    assert (state.state, state.stability, state.due, state.reps) == (State.NEW, None, None, 0)
    assert not ReviewLog.objects.exists()


def test_undo_takes_back_only_the_latest_review(alice, card, decks, now):
    other = card.deck.cards.exclude(pk=card.pk).first()
    rate(user=alice, card=card, rating=3, now=now)
    rate(user=alice, card=other, rating=3, now=now + timedelta(seconds=5))
    assert review_undo(user=alice) == other
    assert ReviewLog.objects.get(user=alice).card == card


def test_undo_with_nothing_to_undo_returns_none(alice, bob, card, now):
    rate(user=bob, card=card, rating=3, now=now)
    assert review_undo(user=alice) is None
    assert ReviewLog.objects.filter(user=bob).count() == 1


def test_undo_moves_the_version_on_so_a_rating_of_the_undone_state_is_refused(alice, card, now):
    from flashcards.services.reviews import StaleVersion, card_review

    card_review(user=alice, card=card, rating=3, version=0, now=now)
    review_undo(user=alice)
    assert CardState.objects.get(user=alice, card=card).version == 2
    with pytest.raises(StaleVersion):
        card_review(user=alice, card=card, rating=3, version=1, now=now)  # a tab that showed the rated card


def test_undo_takes_the_last_review_applied_even_when_its_time_is_earlier(alice, card, decks, now):
    other = card.deck.cards.exclude(pk=card.pk).first()
    rate(user=alice, card=card, rating=3, now=now)
    rate(user=alice, card=other, rating=3, now=now - timedelta(minutes=5))  # a clock behind: applied last all the same
    assert review_undo(user=alice) == other
