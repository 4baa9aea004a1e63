"""What to study next, and how much is due, in a handful of indexed queries.

Order: learning and relearning cards due now; then review cards, lowest
retrievability first; new cards interleaved among the reviews, those of
lessons the learner has read (and their own cards) first. Daily limits count
the reviews logged since the start of the UTC day. When nothing else is left,
learning cards due within LEARN_AHEAD are shown early, as Anki does.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Case, Exists, ExpressionWrapper, F, FloatField, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from flashcards.models import Card, CardState, ReviewLog
from flashcards.models.study import State
from flashcards.selectors.cards import studied_scope
from learning.models import LessonProgress

LEARN_AHEAD = timedelta(minutes=20)


def day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class DueCounts:
    learning: int
    review: int
    new: int
    new_left: int  # today's new limit minus new cards already introduced
    review_left: int
    done_today: int

    @property
    def total(self) -> int:
        return self.learning + self.review + self.new


@dataclass
class QueueItem:
    card: Card
    state: CardState | None  # None: a new card never touched
    kind: str  # "learning", "review" or "new"


def _not_buried(now: datetime) -> Q:
    return Q(buried_until__isnull=True) | Q(buried_until__lte=now)


def _states(*, user, now: datetime):
    return (
        CardState.objects.filter(user=user, suspended=False)
        .filter(_not_buried(now))
        .filter(studied_scope(user=user, prefix="card__"))
    )


def _learning(*, user, now: datetime, ahead: timedelta = timedelta(0)):
    return _states(user=user, now=now).filter(state__in=(State.LEARNING, State.RELEARNING), due__lte=now + ahead)


def _reviews(*, user, now: datetime):
    return _states(user=user, now=now).filter(state=State.REVIEW, due__lte=now)


def new_cards_for(*, user, now: datetime):
    """Cards the learner has not started, in the order they are introduced."""
    started = CardState.objects.filter(user=user, card=OuterRef("pk")).filter(
        Q(state__gt=State.NEW) | Q(suspended=True) | Q(buried_until__gt=now)
    )
    read = LessonProgress.objects.filter(user=user, lesson_id=OuterRef("lesson_id"))
    return (
        Card.objects.filter(studied_scope(user=user))
        .filter(~Exists(started))
        .annotate(priority=Case(When(owner=user, then=Value(0)), When(Exists(read), then=Value(0)), default=Value(1)))
        .order_by("priority", "deck__position", "position", "id")
    )


def _count(qs) -> Coalesce:
    """COUNT(*) of `qs` as a scalar subquery, so several counts share one query."""
    return Coalesce(Subquery(qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]), 0)


def due_counts_for(*, user, now: datetime, prefs) -> DueCounts:
    """Everything due, in one query: each count is a scalar subquery."""
    today = ReviewLog.objects.filter(user=user, reviewed_at__gte=day_start(now))
    row = (
        get_user_model().objects.filter(pk=user.pk)
        .annotate(
            c_learning=_count(_learning(user=user, now=now)),
            c_review=_count(_reviews(user=user, now=now)),
            c_new=_count(new_cards_for(user=user, now=now)),
            c_done=_count(today),
            c_done_new=_count(today.filter(state_before=State.NEW)),
            c_done_review=_count(today.filter(state_before=State.REVIEW)),
        )
        .values("c_learning", "c_review", "c_new", "c_done", "c_done_new", "c_done_review")
        .get()
    )
    new_left = max(0, prefs.new_per_day - row["c_done_new"])
    review_left = max(0, prefs.reviews_per_day - row["c_done_review"])
    return DueCounts(
        learning=row["c_learning"],
        review=min(row["c_review"], review_left),
        new=min(row["c_new"], new_left),
        new_left=new_left,
        review_left=review_left,
        done_today=row["c_done"],
    )


def _lowest_retrievability_first(qs, now: datetime):
    # R falls as (now - last_review) / stability grows, so the largest ratio goes first.
    ratio = ExpressionWrapper((Value(now.timestamp()) - F("last_review_ts")) / F("stability"), output_field=FloatField())
    return qs.annotate(elapsed_ratio=ratio).order_by("-elapsed_ratio", "id")


def next_card_for(*, user, now: datetime, prefs, counts: DueCounts | None = None) -> QueueItem | None:
    counts = counts or due_counts_for(user=user, now=now, prefs=prefs)
    related = ("card", "card__deck", "card__lesson")
    if counts.learning:
        state = _learning(user=user, now=now).select_related(*related).order_by("due", "id").first()
        if state:
            return QueueItem(state.card, state, "learning")
    review = None
    if counts.review:
        review = _lowest_retrievability_first(_reviews(user=user, now=now), now).select_related(*related).first()
    if counts.new:
        # Spread new cards evenly among the reviews left today.
        gap = 1 + counts.review // max(1, counts.new)
        if review is None or counts.done_today % gap == gap - 1:
            card = new_cards_for(user=user, now=now).select_related("deck", "lesson").first()
            if card:
                state = CardState.objects.filter(user=user, card=card).first()
                return QueueItem(card, state, "new")
    if review:
        return QueueItem(review.card, review, "review")
    state = _learning(user=user, now=now, ahead=LEARN_AHEAD).select_related(*related).order_by("due", "id").first()
    if state:
        return QueueItem(state.card, state, "learning")
    return None


def next_learning_due(*, user, now: datetime) -> datetime | None:
    """When the next learning card comes back (for "come back in 8 minutes")."""
    state = _states(user=user, now=now).filter(state__in=(State.LEARNING, State.RELEARNING)).order_by("due").first()
    return state.due if state else None


def due_badge_for(*, user, now: datetime) -> int:
    """The number in the navigation: what the learner could study right now."""
    from flashcards.selectors.preferences import study_preferences_for

    return due_counts_for(user=user, now=now, prefs=study_preferences_for(user=user)).total
