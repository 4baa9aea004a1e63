"""card_review: FSRS through the fsrs package, state in columns, every review logged."""

from datetime import timedelta

import pytest

from flashcards.models import CardState, ReviewLog, StudyPreferences
from flashcards.models.study import State
from flashcards.services.reviews import InvalidReview, StaleVersion, card_review
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
