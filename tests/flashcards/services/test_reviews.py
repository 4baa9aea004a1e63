"""services.reviews: a rating scheduled by FSRS (the fsrs package), its state
in columns and every review logged; the version a rating names; leeches; undo.
(Reviews at the same moment: test_reviews_concurrency.py, on PostgreSQL.)"""

from datetime import timedelta

import pytest

from flashcards.models import CardState, ReviewLog, StudyPreferences
from flashcards.models.study import State
from flashcards.services.reviews import InvalidReview, StaleVersion, card_review, review_undo
from tests.flashcards.reviewing import rate


def _graduate(user, card, now):
    """Good through both learning steps (1 min, 10 min): the card reaches Review."""
    rate(user=user, card=card, rating=3, now=now)
    rate(user=user, card=card, rating=3, now=now + timedelta(minutes=10))
    return CardState.objects.get(user=user, card=card)


def test_a_new_card_follows_the_learning_steps(alice, card, now):
    result = rate(user=alice, card=card, rating=1, now=now)
    assert result.state.state == State.LEARNING
    assert result.state.due == now + timedelta(minutes=1)
    result = rate(user=alice, card=card, rating=3, now=now + timedelta(minutes=1))
    assert result.state.due == now + timedelta(minutes=11)  # the second step: 10 minutes
    assert result.state.step == 1


def test_custom_learning_steps_are_honoured(alice, card, now):
    StudyPreferences.objects.create(user=alice, learning_steps=[5, 30, 120])
    assert rate(user=alice, card=card, rating=3, now=now).state.due == now + timedelta(minutes=30)
    later = now + timedelta(minutes=30)
    assert rate(user=alice, card=card, rating=3, now=later).state.due == later + timedelta(minutes=120)


def test_intervals_grow_on_good(alice, card, now):
    state = _graduate(alice, card, now)
    assert state.state == State.REVIEW
    intervals = []
    when = state.due
    for _ in range(4):
        state = rate(user=alice, card=card, rating=3, now=when).state
        intervals.append(state.due - when)
        when = state.due
    assert intervals == sorted(intervals)
    assert intervals[-1] > intervals[0] * 2


def test_again_shrinks_the_interval_and_counts_a_lapse(alice, card, now):
    state = _graduate(alice, card, now)
    when = state.due
    state = rate(user=alice, card=card, rating=3, now=when).state
    long_interval = state.due - when
    when = state.due
    lapsed = rate(user=alice, card=card, rating=1, now=when).state
    assert lapsed.state == State.RELEARNING
    assert lapsed.due - when == timedelta(minutes=10)  # the relearning step
    assert lapsed.lapses == 1
    relearned = rate(user=alice, card=card, rating=3, now=lapsed.due).state
    assert relearned.state == State.REVIEW
    assert relearned.due - lapsed.due < long_interval


def test_every_review_is_logged_with_the_state_before_and_after(alice, card, now):
    rate(user=alice, card=card, rating=3, now=now, duration_ms=4200)
    log = ReviewLog.objects.get(user=alice, card=card)
    assert (log.rating, log.duration_ms, log.reviewed_at) == (3, 4200, now)
    assert log.state_before == State.NEW and log.before["state"] == State.NEW
    assert log.state_after == State.LEARNING and log.due_after == now + timedelta(minutes=10)
    assert log.stability_after > 0


def test_higher_desired_retention_gives_shorter_intervals(alice, bob, card, now):
    StudyPreferences.objects.create(user=alice, desired_retention=0.97)
    StudyPreferences.objects.create(user=bob, desired_retention=0.70)
    strict = rate(user=alice, card=card, rating=4, now=now).state
    relaxed = rate(user=bob, card=card, rating=4, now=now).state
    assert strict.due < relaxed.due


def test_maximum_interval_caps_the_interval(alice, card, now):
    StudyPreferences.objects.create(user=alice, maximum_interval=3)
    when = now
    for _ in range(6):
        state = rate(user=alice, card=card, rating=4, now=when).state
        assert state.due - when <= timedelta(days=3)
        when = state.due


@pytest.mark.parametrize("rating", [0, 5, "good", None, True])
def test_a_bad_rating_is_refused_and_nothing_is_written(alice, card, now, rating):
    with pytest.raises(InvalidReview, match="rating must be"):
        card_review(user=alice, card=card, rating=rating, version=0, now=now)
    assert not ReviewLog.objects.exists()
    assert not CardState.objects.exists()


def test_a_negative_duration_is_refused(alice, card, now):
    with pytest.raises(InvalidReview, match="duration_ms"):
        rate(user=alice, card=card, rating=3, duration_ms=-5, now=now)


def test_each_review_moves_the_version_on(alice, card, now):
    assert card_review(user=alice, card=card, rating=3, version=0, now=now).state.version == 1
    assert card_review(user=alice, card=card, rating=3, version=1, now=now + timedelta(minutes=10)).state.version == 2


def test_a_rating_from_a_version_already_rated_is_refused_and_nothing_is_written(alice, card, now):
    card_review(user=alice, card=card, rating=3, version=0, now=now)
    with pytest.raises(StaleVersion):
        card_review(user=alice, card=card, rating=1, version=0, now=now + timedelta(minutes=1))  # the same tab's read, again
    state = CardState.objects.get(user=alice, card=card)
    assert (state.reps, state.version, ReviewLog.objects.count()) == (1, 1, 1)


def test_a_first_rating_of_a_card_already_started_elsewhere_is_refused(alice, card, now):
    card_review(user=alice, card=card, rating=3, version=0, now=now)  # another tab
    with pytest.raises(StaleVersion):
        card_review(user=alice, card=card, rating=4, version=0, now=now)


@pytest.mark.parametrize("version", [None, "", "x", -1, True, 1.5])
def test_a_missing_or_malformed_version_is_refused(alice, card, now, version):
    with pytest.raises(InvalidReview, match="version"):
        card_review(user=alice, card=card, rating=3, version=version, now=now)
    assert not CardState.objects.exists()


# Leeches: a card that lapses leech_threshold times is tagged a leech and suspended.


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


# Undo restores the exact state before the last review.


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
