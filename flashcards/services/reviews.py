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

from flashcards.models import Card, CardState, ReviewLog, StudyPreferences
from flashcards.models.study import State
from flashcards.scheduling import apply_fsrs, scheduler_for, to_fsrs
from flashcards.services.states import studied_for

MAX_DURATION_MS = 60 * 60 * 1000


class InvalidReview(ValueError):
    pass


@dataclass
class ReviewResult:
    log: ReviewLog
    state: CardState
    became_leech: bool = False


class StaleVersion(Exception):
    """The rating was made from a version of the card's state that is no longer
    the current one: the card was rated or undone since the client read it."""


def _encode(snapshot: dict) -> dict:
    return {k: (DjangoJSONEncoder().default(v) if isinstance(v, datetime) else v) for k, v in snapshot.items()}


def _decode(snapshot: dict) -> dict:
    decoded = dict(snapshot)
    for key in ("due", "last_review", "buried_until"):
        if decoded.get(key):
            decoded[key] = parse_datetime(decoded[key])
    return decoded


def parse_rating(value) -> int:
    try:
        rating = int(value)
    except (TypeError, ValueError):
        raise InvalidReview("rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)") from None
    if rating not in (1, 2, 3, 4) or isinstance(value, bool):
        raise InvalidReview("rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)")
    return rating


def parse_version(value) -> int:
    """The version of the card's state a rating was made from (0 for a card never
    rated): a whole number, or its digits as a form sends them."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise InvalidReview("version must be the card's version as it was read: a whole number, 0 or more")


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


# Written by a review; everything else on the row (suspended by hand, studied)
# is left alone unless the review makes the card a leech.
_REVIEW_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "last_review_ts", "reps", "lapses", "buried_until", "version")


def _locked_state(*, user, card: Card) -> CardState:
    """The learner's CardState for `card` locked FOR UPDATE (their settings read
    with it), or a new one inserted in NEW state. A first review racing another
    for the same card loses on the unique (user, card) constraint: StaleVersion,
    as the winner made the state this rating was read from a past one.
    Must be called inside a transaction."""
    # get(), not first(): one row by a unique key needs no ORDER BY (first() also
    # clones the query twice; 0.2 ms of CPU on every review).
    try:
        return (
            CardState.objects.select_for_update(of=("self",))
            .select_related("user__study_preferences")
            .get(user=user, card=card)
        )
    except CardState.DoesNotExist:
        pass
    state = CardState(user=user, card=card, studied=studied_for(user=user, card=card))
    try:
        with transaction.atomic():
            state.save(force_insert=True)
    except IntegrityError:
        raise StaleVersion from None
    return state


def _preferences(state: CardState, user) -> StudyPreferences:
    """The learner's settings, joined to a locked state (a state just inserted reads them)."""
    try:
        return state.user.study_preferences
    except StudyPreferences.DoesNotExist:
        return StudyPreferences(user=user)


def card_review(*, user, card: Card, rating, version, duration_ms=None, now: datetime | None = None) -> ReviewResult:
    """Schedule `card` for `user` after a rating of 1-4 made from the card's
    state at `version` (CardState.version as the client read it, 0 for a card
    never rated), and log the review.

    The caller has checked that the user may see the card (selectors.cards).
    Raises InvalidReview for a bad rating, version or duration, and StaleVersion,
    writing nothing, when the state is no longer at `version`: the same rating
    sent twice, or from a second tab, applies once. The state is locked from
    the read to the commit, so reviews and undos of one card apply one at a
    time, and `now` (by default) is taken under that lock, so log times follow
    the order reviews were applied in.
    """
    rating = parse_rating(rating)
    version = parse_version(version)
    duration_ms = parse_duration(duration_ms)
    with transaction.atomic():
        state = _locked_state(user=user, card=card)
        if state.version != version:
            raise StaleVersion
        now = now or timezone.now()
        prefs = _preferences(state, user)
        before = state.snapshot()
        reviewed, _log = scheduler_for(prefs).review_card(
            to_fsrs(state, now=now), fsrs.Rating(rating), review_datetime=now, review_duration=duration_ms
        )
        apply_fsrs(state, reviewed)
        state.reps += 1
        state.version += 1
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
        state.save(update_fields=_REVIEW_FIELDS + (("is_leech", "suspended") if became_leech else ()))
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
    """Undo the learner's latest review (the last applied: highest id): restore
    the card's exact state before it, delete the log, and move the state's
    version on. Returns the card, or None if there is nothing to undo.

    The card's state is locked before the log is taken for good, and the
    log is checked to be still the latest once it is: a review of that card
    cannot slip in between, and two undos at once undo two reviews, one each."""
    while True:
        latest = ReviewLog.objects.filter(user=user).order_by("-id").values_list("id", "card_id").first()
        if latest is None:
            return None
        with transaction.atomic():
            state = CardState.objects.select_for_update(of=("self",)).select_related("card").filter(user=user, card_id=latest[1]).first()
            log = ReviewLog.objects.select_for_update().filter(user=user).order_by("-id").first()
            if log is None:
                return None
            if log.id != latest[0]:
                continue  # undone or overtaken while we waited for the lock: look again
            if state is None:  # not expected (a log comes with its state), but the log still says what it was
                state = CardState(user=user, card=log.card, studied=studied_for(user=user, card=log.card))
            for key, value in _decode(log.before).items():
                setattr(state, key, value)
            state.version += 1
            state.save()
            log.delete()
            return state.card
