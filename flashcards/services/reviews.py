"""Rating a card and undoing it. The scheduling itself is fsrs's; this module
keeps the state in columns, logs every review with the full state before it,
and turns a card that lapses too often into a suspended leech."""

from dataclasses import dataclass
from datetime import datetime

import fsrs
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from flashcards.models import Card, CardState, ReviewLog
from flashcards.models.study import State
from flashcards.scheduling import apply_fsrs, scheduler_for, to_fsrs
from flashcards.selectors.preferences import study_preferences_for

MAX_DURATION_MS = 60 * 60 * 1000


class InvalidReview(ValueError):
    pass


@dataclass
class ReviewResult:
    log: ReviewLog
    state: CardState
    became_leech: bool = False


def _encode(snapshot: dict) -> dict:
    return {k: (DjangoJSONEncoder().default(v) if isinstance(v, datetime) else v) for k, v in snapshot.items()}


def _decode(snapshot: dict) -> dict:
    decoded = dict(snapshot)
    for key in ("due", "last_review", "buried_until"):
        if decoded.get(key):
            decoded[key] = parse_datetime(decoded[key])
    return decoded


def _locked_state(*, user, card: Card) -> CardState:
    """The learner's CardState for `card`, locked FOR UPDATE; created (NEW) if missing.
    Must be called inside a transaction."""
    state = CardState.objects.select_for_update().filter(user=user, card=card).first()
    if state is None:
        try:
            with transaction.atomic():
                return CardState.objects.create(user=user, card=card)
        except IntegrityError:  # a double submit raced us to it
            state = CardState.objects.select_for_update().get(user=user, card=card)
    return state


def parse_rating(value) -> int:
    try:
        rating = int(value)
    except (TypeError, ValueError):
        raise InvalidReview("rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)") from None
    if rating not in (1, 2, 3, 4) or isinstance(value, bool):
        raise InvalidReview("rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)")
    return rating


def parse_duration(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        duration = int(value)
    except (TypeError, ValueError):
        raise InvalidReview("duration_ms must be a whole number of milliseconds") from None
    if duration < 0:
        raise InvalidReview("duration_ms must not be negative")
    return min(duration, MAX_DURATION_MS)


def card_review(*, user, card: Card, rating, duration_ms=None, now: datetime | None = None) -> ReviewResult:
    """Schedule `card` for `user` after a rating of 1-4 and log the review.

    The caller has checked that the user may see the card (selectors.cards).
    Raises InvalidReview for a bad rating or duration.
    """
    rating = parse_rating(rating)
    duration_ms = parse_duration(duration_ms)
    now = now or timezone.now()
    prefs = study_preferences_for(user=user)
    with transaction.atomic():
        state = _locked_state(user=user, card=card)
        before = state.snapshot()
        reviewed, _log = scheduler_for(prefs).review_card(
            to_fsrs(state, now=now), fsrs.Rating(rating), review_datetime=now, review_duration=duration_ms
        )
        apply_fsrs(state, reviewed)
        state.reps += 1
        state.buried_until = None
        became_leech = False
        if before["state"] == State.REVIEW and rating == fsrs.Rating.Again:
            state.lapses += 1
            threshold = prefs.leech_threshold
            # Anki's rule: a leech at the threshold, and again every half threshold after.
            if state.lapses >= threshold and (state.lapses - threshold) % max(1, threshold // 2) == 0:
                became_leech = True
                state.is_leech = True
                state.suspended = True
        state.save()
        log = ReviewLog.objects.create(
            user=user,
            card=card,
            rating=rating,
            reviewed_at=now,
            duration_ms=duration_ms,
            state_before=before["state"],
            before=_encode(before),
            state_after=state.state,
            stability_after=state.stability,
            difficulty_after=state.difficulty,
            due_after=state.due,
        )
    return ReviewResult(log=log, state=state, became_leech=became_leech)


def review_undo(*, user) -> Card | None:
    """Undo the learner's latest review: restore the card's exact state before
    it and delete the log. Returns the card, or None if there is nothing to undo."""
    with transaction.atomic():
        log = ReviewLog.objects.select_for_update().filter(user=user).order_by("-reviewed_at", "-id").first()
        if log is None:
            return None
        state = _locked_state(user=user, card=log.card)
        for key, value in _decode(log.before).items():
            setattr(state, key, value)
        state.save()
        log.delete()
    return log.card
