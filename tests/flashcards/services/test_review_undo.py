"""review_undo restores the exact state before the last review."""

from datetime import timedelta

from flashcards.models import CardState, ReviewLog
from flashcards.models.study import State
from flashcards.services.reviews import card_review, review_undo


def _row(user, card):
    return CardState.objects.filter(user=user, card=card).values().get()


def test_undo_restores_the_exact_previous_state(alice, card, now):
    when = now
    for _ in range(4):
        state = card_review(user=alice, card=card, rating=3, now=when).state
        when = state.due
    before = _row(alice, card)
    card_review(user=alice, card=card, rating=1, now=when)
    assert _row(alice, card) != before

    assert review_undo(user=alice) == card
    assert _row(alice, card) == before
    assert ReviewLog.objects.filter(user=alice).count() == 4


def test_undo_of_a_first_review_makes_the_card_new_again(alice, card, now):
    card_review(user=alice, card=card, rating=4, now=now)
    review_undo(user=alice)
    state = CardState.objects.get(user=alice, card=card)
    assert (state.state, state.stability, state.due, state.reps) == (State.NEW, None, None, 0)
    assert not ReviewLog.objects.exists()


def test_undo_takes_back_only_the_latest_review(alice, card, decks, now):
    other = card.deck.cards.exclude(pk=card.pk).first()
    card_review(user=alice, card=card, rating=3, now=now)
    card_review(user=alice, card=other, rating=3, now=now + timedelta(seconds=5))
    assert review_undo(user=alice) == other
    assert ReviewLog.objects.get(user=alice).card == card


def test_undo_with_nothing_to_undo_returns_none(alice, bob, card, now):
    card_review(user=bob, card=card, rating=3, now=now)
    assert review_undo(user=alice) is None
    assert ReviewLog.objects.filter(user=bob).count() == 1
