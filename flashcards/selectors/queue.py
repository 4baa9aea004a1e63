"""What to study next, and how much is due: one query for the counts, two for
the card (the state picked, then the card with its deck; a new card is picked
from the cards). The page, its htmx partials and the API all ask here.

Order: learning and relearning cards due now; then review cards, lowest
retrievability first; new cards interleaved among the reviews, those of
lessons the learner has read (and their own cards) first. Daily limits count
the reviews logged since the start of the UTC day. When nothing else is left,
learning cards due within LEARN_AHEAD are shown early, as Anki does.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Case, Exists, OuterRef, Q, Value, When

from flashcards.models import Card, CardState, StudyPreferences
from flashcards.models.study import State
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


# The due states of one learner, as _states() has them with the ORM (the
# tests hold the two to each other): the WHERE of every statement below, so the
# counts and the card picked always agree on what is due.
DUE_STATES = """s.user_id = %(user)s AND s.studied AND NOT s.suspended
      AND (s.buried_until IS NULL OR s.buried_until <= %(now)s)"""

# Everything due_counts_for() reads, in one statement: each count is a small
# subquery over an index (see due_counts_for), the day's tallies and the
# learner's limits are joined (NULL when absent). Written as SQL rather than
# built with the ORM on every call because building it took 7.5 ms of CPU per
# request against 0.3 ms to run it: it is on the path of every card shown.
# The same statement runs on SQLite and PostgreSQL; new_cards_for() lists the
# "course + own - started - held" set with the ORM, and
# tests/flashcards/selectors/test_queue.py holds the two to each other.
COUNTS_SQL = """
SELECT
  (SELECT COUNT(*) FROM flashcards_cardstate s
    WHERE """ + DUE_STATES + """
      AND s.state IN (%(learning)s, %(relearning)s) AND s.due <= %(now)s) AS learning,
  (SELECT COUNT(*) FROM flashcards_cardstate s
    WHERE """ + DUE_STATES + """
      AND s.state = %(review)s AND s.due <= %(now)s) AS review,
  (SELECT COALESCE(SUM(d.card_count), 0) FROM flashcards_deck d
    WHERE d.is_active
      AND d.id NOT IN (SELECT p.deck_id FROM flashcards_deckpause p WHERE p.user_id = %(user)s)) AS course,
  (SELECT COUNT(*) FROM flashcards_card c JOIN flashcards_deck d ON d.id = c.deck_id
    WHERE c.owner_id = %(user)s AND c.is_active AND d.is_active
      AND NOT EXISTS (SELECT 1 FROM flashcards_deckpause p WHERE p.user_id = %(user)s AND p.deck_id = c.deck_id)) AS own,
  (SELECT t.started FROM flashcards_studytally t WHERE t.user_id = %(user)s) AS started,
  (SELECT COUNT(*) FROM flashcards_cardstate s
    WHERE s.user_id = %(user)s AND s.state = %(new)s AND s.studied
      AND (s.suspended OR s.buried_until > %(now)s)) AS held,
  r.reviews, r.new_reviews, r.review_reviews, sp.new_per_day, sp.reviews_per_day
FROM (SELECT 1 AS one) AS learner
LEFT JOIN flashcards_reviewday r ON r.user_id = %(user)s AND r.day = %(today)s
LEFT JOIN flashcards_studypreferences sp ON sp.user_id = %(user)s
"""


def due_counts_for(*, user, now: datetime, prefs=None) -> DueCounts:
    """Everything due, in one query, which also reads the daily limits when
    `prefs` is not given.

    Nothing here counts a learner's whole history: due cards come through the
    partial index on (user, state, due); "new" is the course cards of the decks
    studied (Deck.card_count, counted at sync) plus own cards, minus the states
    started (StudyTally) and the NEW states held back by suspending or burying
    (few, through the partial index cardstate_new_held); today's reviews are one
    ReviewDay row. new_cards_for() is the same set, listed."""
    with connection.cursor() as cursor:
        cursor.execute(COUNTS_SQL, _params(user=user, now=now))
        (learning, review, course, own, started, held, done, done_new, done_review,
         new_per_day, reviews_per_day) = cursor.fetchone()
    if prefs is not None:
        new_per_day, reviews_per_day = prefs.new_per_day, prefs.reviews_per_day
    new = course + own - (started or 0) - held
    new_left = max(0, (DEFAULT_NEW if new_per_day is None else new_per_day) - (done_new or 0))
    review_left = max(0, (DEFAULT_REVIEWS if reviews_per_day is None else reviews_per_day) - (done_review or 0))
    return DueCounts(
        learning=learning,
        review=min(review, review_left),
        new=min(new, new_left),
        new_left=new_left,
        review_left=review_left,
        done_today=done or 0,
    )


# The first due state of a kind, in the queue's order. The subquery reads the
# due-cards index alone (on PostgreSQL it covers every column named in it) and
# the one state it names is read through the (user, card) key: ordered after
# reading whole rows, PostgreSQL read every due state first. SQL rather than
# the ORM for the reason COUNTS_SQL is: building the ORM's statement cost
# 1.3 ms of CPU on every card shown, running it 0.2.
PICK_SQL = """
SELECT picked.* FROM flashcards_cardstate picked
WHERE picked.user_id = %(user)s AND picked.card_id = (
  SELECT s.card_id FROM flashcards_cardstate s
  WHERE """ + DUE_STATES + """ AND {kind}
  ORDER BY {order}, s.card_id LIMIT 1)
"""
# Learning and relearning cards due by %(until)s (now, or LEARN_AHEAD later), soonest first.
LEARNING_SQL = PICK_SQL.format(kind="s.state IN (%(learning)s, %(relearning)s) AND s.due <= %(until)s", order="s.due")
# Reviews due, least likely to be recalled first: retrievability falls as
# (now - last_review) / stability grows, so the largest ratio goes first.
REVIEW_SQL = PICK_SQL.format(kind="s.state = %(review)s AND s.due <= %(now)s", order="(%(now_ts)s - s.last_review_ts) / s.stability DESC")


def _params(*, user, now: datetime, ahead: timedelta = timedelta(0)) -> dict:
    ops = connection.ops
    return {
        "user": user.pk,
        "now": ops.adapt_datetimefield_value(now),
        "now_ts": now.timestamp(),
        "until": ops.adapt_datetimefield_value(now + ahead),
        "today": ops.adapt_datefield_value(day_start(now).date()),
        "new": State.NEW, "learning": State.LEARNING, "review": State.REVIEW, "relearning": State.RELEARNING,
    }


def _state_item(sql: str, params: dict, kind: str) -> QueueItem | None:
    """The state `sql` picks, with its card and deck (a second query, by primary
    key). The card's lesson loads when a page asks for it: the API never does."""
    state = next(iter(CardState.objects.raw(sql, params)), None)
    if state is None:
        return None
    state.card = Card.objects.select_related("deck").get(pk=state.card_id)
    return QueueItem(state.card, state, kind)


def _new_item(*, user, now: datetime) -> QueueItem | None:
    card = new_cards_for(user=user, now=now).select_related("deck").first()
    if card is None:
        return None
    # Usually None: a state row exists for a new card only once it was suspended or buried.
    return QueueItem(card, CardState.objects.filter(user=user, card=card).first(), "new")


def next_card_for(*, user, now: datetime, prefs=None, counts: DueCounts | None = None) -> QueueItem | None:
    """The card to study now, or None. The counts (due_counts_for) decide which
    kind comes next, so this costs two more queries: the state, then its card."""
    counts = counts or due_counts_for(user=user, now=now, prefs=prefs)
    if counts.learning:
        item = _state_item(LEARNING_SQL, _params(user=user, now=now), "learning")
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
        item = _state_item(REVIEW_SQL, _params(user=user, now=now), "review")
        if item:
            return item
    return _state_item(LEARNING_SQL, _params(user=user, now=now, ahead=LEARN_AHEAD), "learning")


def counts_with_item(*, counts: DueCounts, item: QueueItem | None, now: datetime) -> DueCounts:
    """The counts a learner reads beside `item`, the card on screen, which they
    always include in its state: a learning card shown ahead of its due time
    (LEARN_AHEAD) is not yet due, and a card brought back by undo or a link may
    not be counted either, and "0 learning" above a learning card reads as a bug."""
    if item is None:
        return counts
    if item.kind == "learning" and item.state is not None and item.state.due > now:
        return replace(counts, learning=counts.learning + 1)
    if getattr(counts, item.kind) == 0:
        return replace(counts, **{item.kind: 1})
    return counts


def next_learning_due(*, user, now: datetime) -> datetime | None:
    """When the next learning card comes back (for "come back in 8 minutes")."""
    state = _states(user=user, now=now).filter(state__in=(State.LEARNING, State.RELEARNING)).order_by("due").first()
    return state.due if state else None


def due_badge_for(*, user, now: datetime) -> int:
    """The number in the navigation: what the learner could study right now."""
    return due_counts_for(user=user, now=now).total
