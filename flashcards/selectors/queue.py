"""What to study next, and how much is due, in a handful of indexed queries.

Order: learning and relearning cards due now; then review cards, lowest
retrievability first; new cards interleaved among the reviews, those of
lessons the learner has read (and their own cards) first. Daily limits count
the reviews logged since the start of the UTC day. When nothing else is left,
learning cards due within LEARN_AHEAD are shown early, as Anki does.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL

from flashcards.models import Card, CardState, Deck, StudyPreferences
from flashcards.models.study import State
from flashcards.selectors import queue_sql, rows
from flashcards.selectors.cards import studied_scope
from learning.models import LessonProgress

LEARN_AHEAD = timedelta(minutes=20)
DEFAULT_NEW = StudyPreferences._meta.get_field("new_per_day").default
DEFAULT_REVIEWS = StudyPreferences._meta.get_field("reviews_per_day").default


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
    # `studied` stands for studied_scope() on the card (see CardState.studied),
    # so this reads only card states, through the partial index on (user, state, due).
    return CardState.objects.filter(user=user, studied=True, suspended=False).filter(_not_buried(now))


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


def due_counts_for(*, user, now: datetime, prefs=None) -> DueCounts:
    """Everything due, in one query (queue_sql.counts_row), which also reads the
    daily limits when `prefs` is not given."""
    learning, review, new, done, done_new, done_review, new_per_day, reviews_per_day = queue_sql.counts_row(
        user_id=user.pk, now=now, day=day_start(now)
    )
    if prefs is not None:
        new_per_day, reviews_per_day = prefs.new_per_day, prefs.reviews_per_day
    new_left = max(0, (DEFAULT_NEW if new_per_day is None else new_per_day) - done_new)
    review_left = max(0, (DEFAULT_REVIEWS if reviews_per_day is None else reviews_per_day) - done_review)
    return DueCounts(
        learning=learning,
        review=min(review, review_left),
        new=min(new, new_left),
        new_left=new_left,
        review_left=review_left,
        done_today=done,
    )


# A lesson row carries its whole rendered text: a card needs only its title and address.
_HEAVY = ("lesson__segments", "lesson__toc", "lesson__search_text", "lesson__summary")


def _state_item(query: tuple[str, list], kind: str) -> QueueItem | None:
    """The state whose id the SQL picks, with its card and deck, in the same query.
    (The card's lesson loads when a page asks for it: the API never does.)"""
    sql, params = query
    S, C, D = (m._meta.db_table for m in (CardState, Card, Deck))
    with rows.hot_cursor() as cursor:
        cursor.execute(
            f"SELECT {rows.columns(CardState, 's')}, {rows.columns(Card, 'c')}, {rows.columns(Deck, 'd')} "
            f"FROM {S} s JOIN {C} c ON c.id = s.card_id JOIN {D} d ON d.id = c.deck_id WHERE s.id = ({sql})",
            params,
        )
        row = cursor.fetchone()
    if row is None:
        return None
    state, card, deck = rows.split(row, CardState, Card, Deck)
    card.deck = deck
    state.card = card
    return QueueItem(card, state, kind)


def _new_item(*, user, now: datetime) -> QueueItem | None:
    sql, params = queue_sql.first_new_card(user_id=user.pk, now=now)
    card = (
        Card.objects.select_related("deck", "lesson")
        .defer(*_HEAVY)
        .filter(pk=RawSQL(f"({sql})", params))
        .order_by()
        .first()
    )
    if card is None:
        return None
    # Usually None: a state row exists for a new card only once it was suspended or buried.
    return QueueItem(card, CardState.objects.filter(user=user, card=card).first(), "new")


def next_card_for(*, user, now: datetime, prefs=None, counts: DueCounts | None = None) -> QueueItem | None:
    """The card to study now, or None. The counts (due_counts_for) decide which
    kind comes next, so this costs one more query."""
    counts = counts or due_counts_for(user=user, now=now, prefs=prefs)
    if counts.learning:
        item = _state_item(queue_sql.first_learning(user_id=user.pk, now=now, until=now), "learning")
        if item:
            return item
    if counts.new:
        # Spread new cards evenly among the reviews left today.
        gap = 1 + counts.review // max(1, counts.new)
        if not counts.review or counts.done_today % gap == gap - 1:
            item = _new_item(user=user, now=now)
            if item:
                return item
    if counts.review:
        item = _state_item(queue_sql.lowest_retrievability(user_id=user.pk, now=now), "review")
        if item:
            return item
    return _state_item(queue_sql.first_learning(user_id=user.pk, now=now, until=now + LEARN_AHEAD), "learning")


def next_learning_due(*, user, now: datetime) -> datetime | None:
    """When the next learning card comes back (for "come back in 8 minutes")."""
    state = _states(user=user, now=now).filter(state__in=(State.LEARNING, State.RELEARNING)).order_by("due").first()
    return state.due if state else None


def due_badge_for(*, user, now: datetime) -> int:
    """The number in the navigation: what the learner could study right now."""
    return due_counts_for(user=user, now=now).total
