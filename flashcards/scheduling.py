"""The bridge to the `fsrs` package: a learner's scheduler, and CardState to
and from fsrs.Card. Everything is in UTC."""

from datetime import datetime, timedelta, timezone
from functools import lru_cache

import fsrs

from flashcards.models.study import State

MIN_RETENTION, MAX_RETENTION = 0.70, 0.97


@lru_cache(maxsize=256)
def _scheduler(retention: float, learning: tuple, relearning: tuple, maximum_interval: int, fuzz: bool) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        desired_retention=retention,
        learning_steps=tuple(timedelta(minutes=m) for m in learning),
        relearning_steps=tuple(timedelta(minutes=m) for m in relearning),
        maximum_interval=maximum_interval,
        enable_fuzzing=fuzz,
    )


def scheduler_for(prefs, *, fuzz: bool = True) -> fsrs.Scheduler:
    """The learner's scheduler. Previews of the rating buttons use fuzz=False:
    fuzz is random, so a preview can only show the interval before fuzzing."""
    return _scheduler(
        float(prefs.desired_retention),
        tuple(prefs.learning_steps),
        tuple(prefs.relearning_steps),
        int(prefs.maximum_interval),
        fuzz,
    )


def to_fsrs(state, *, now: datetime) -> fsrs.Card:
    """An fsrs.Card for a CardState (a NEW one becomes fsrs's fresh Learning card)."""
    if state.state == State.NEW:
        return fsrs.Card(card_id=state.card_id or 1, state=fsrs.State.Learning, step=0, due=now)
    return fsrs.Card(
        card_id=state.card_id or 1,
        state=fsrs.State(state.state),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due.astimezone(timezone.utc) if state.due else now,
        last_review=state.last_review.astimezone(timezone.utc) if state.last_review else None,
    )


def apply_fsrs(state, card: fsrs.Card) -> None:
    state.state = int(card.state)
    state.step = card.step
    state.stability = card.stability
    state.difficulty = card.difficulty
    state.due = card.due
    state.last_review = card.last_review
    state.last_review_ts = card.last_review.timestamp() if card.last_review else None


def retrievability(scheduler: fsrs.Scheduler, state, *, now: datetime) -> float | None:
    if state.state == State.NEW or state.stability is None:
        return None
    return scheduler.get_card_retrievability(to_fsrs(state, now=now), current_datetime=now)


def interval_label(delta: timedelta) -> str:
    """'1m', '10m', '3h', '4d', '2.5mo', '1.2y': short enough for a button."""
    seconds = max(0, delta.total_seconds())
    minutes = seconds / 60
    if minutes < 60:
        return f"{max(1, round(minutes))}m"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}".rstrip("0").rstrip(".") + "mo"
    return f"{days / 365:.1f}".rstrip("0").rstrip(".") + "y"


RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def interval_previews(prefs, state, *, now: datetime) -> list[dict]:
    """What each rating would do to the card now: [{rating, name, label}].
    `state` may be None (a new card never touched). Unfuzzed (see scheduler_for)."""
    from flashcards.models import CardState

    scheduler = scheduler_for(prefs, fuzz=False)
    card = to_fsrs(state or CardState(), now=now)
    previews = []
    for rating, name in RATING_NAMES.items():
        reviewed, _ = scheduler.review_card(card, fsrs.Rating(rating), review_datetime=now)
        previews.append({"rating": rating, "name": name, "label": interval_label(reviewed.due - now)})
    return previews
