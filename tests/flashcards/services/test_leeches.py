"""A card that lapses leech_threshold times is tagged a leech and suspended."""

from datetime import timedelta

from flashcards.models import CardState, StudyPreferences
from tests.flashcards.reviewing import rate


def _lapse(user, card, when):
    """From Review: Again (a lapse), then Good through relearning back to Review."""
    result = rate(user=user, card=card, rating=1, now=when)
    if not result.state.suspended:
        rate(user=user, card=card, rating=3, now=result.state.due)
    return result


def _to_review(user, card, now):
    rate(user=user, card=card, rating=4, now=now)
    return CardState.objects.get(user=user, card=card).due


def test_the_eighth_lapse_makes_a_suspended_leech(alice, card, now):
    when = _to_review(alice, card, now)
    for lapse in range(1, 9):
        result = _lapse(alice, card, when)
        assert result.became_leech == (lapse == 8)
        when = CardState.objects.get(user=alice, card=card).due + timedelta(hours=1)
    state = CardState.objects.get(user=alice, card=card)
    assert (state.lapses, state.is_leech, state.suspended) == (8, True, True)


def test_the_threshold_is_configurable(alice, card, now):
    StudyPreferences.objects.create(user=alice, leech_threshold=2)
    when = _to_review(alice, card, now)
    assert _lapse(alice, card, when).became_leech is False
    when = CardState.objects.get(user=alice, card=card).due
    assert _lapse(alice, card, when).became_leech is True


def test_again_on_a_learning_card_is_not_a_lapse(alice, card, now):
    StudyPreferences.objects.create(user=alice, leech_threshold=1)
    for minute in range(5):
        result = rate(user=alice, card=card, rating=1, now=now + timedelta(minutes=minute))
    assert (result.state.lapses, result.state.is_leech, result.became_leech) == (0, False, False)
