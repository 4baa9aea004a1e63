"""The review hot path in plain SQL (standard enough for PostgreSQL and SQLite).

Every review round trip runs these: the ORM built the same queries, but
compiling its nested subqueries cost more than running them. Each query
mirrors an ORM definition in queue.py, which the tests hold to the same
behaviour: _states() for the card states studied, new_cards_for() for new cards.
"""

from datetime import datetime

from django.db import connection

from flashcards.models import Card, CardState, Deck, DeckPause, ReviewDay, StudyPreferences, StudyTally
from flashcards.selectors import rows
from flashcards.selectors.cards import review_read_columns
from flashcards.selectors.fetched import Fetched
from learning.models import LessonProgress
from accounts.selectors.tokens import live_row, with_live_token

S, C, D, P, LP, PR, T, RD = (
    m._meta.db_table for m in (CardState, Card, Deck, DeckPause, LessonProgress, StudyPreferences, StudyTally, ReviewDay)
)

# A card state the learner studies now: see CardState.studied and queue._states().
_STATE_OK = "s.user_id = %s AND s.studied AND NOT s.suspended AND (s.buried_until IS NULL OR s.buried_until <= %s)"
# A card never started (or only suspended/buried in the past): queue.new_cards_for().
_NEW_FROM = f"""FROM {C} c JOIN {D} d ON d.id = c.deck_id
 WHERE c.is_active AND d.is_active AND (c.owner_id IS NULL OR c.owner_id = %s)
 AND c.deck_id NOT IN (SELECT p.deck_id FROM {P} p WHERE p.user_id = %s)
 AND NOT EXISTS (SELECT 1 FROM {S} s WHERE s.user_id = %s AND s.card_id = c.id
                 AND (s.state > 0 OR s.suspended OR s.buried_until > %s))"""


# The cards a learner studies (queue's studied_scope()). Paused decks are a
# NOT IN, which the planner hashes once, rather than a probe per card.
# (How new cards are counted without an anti-join over every card: _counts.)
_SCOPE_FROM = f"""FROM {C} c JOIN {D} d ON d.id = c.deck_id
 WHERE c.is_active AND d.is_active AND (c.owner_id IS NULL OR c.owner_id = %s)
 AND c.deck_id NOT IN (SELECT p.deck_id FROM {P} p WHERE p.user_id = %s)"""


def _scope_params(user_id: int) -> list:
    return [user_id, user_id]


def _dt(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _state_params(user_id: int, now) -> list:
    return [user_id, now]


def _new_params(user_id: int, now) -> list:
    return [user_id, user_id, user_id, now]


def _date(day: datetime):
    return connection.ops.adapt_datefield_value(day.date())


def _counts(*, user_id: int, now: datetime, day: datetime, learning_count: tuple[str, list], review_count: tuple[str, list]) -> tuple[str, list]:
    """SELECT l_, r_, n_, done_, dn_, dr_, npd_, rpd_ (learning due, review due,
    new, done today, new done today, reviews done today, the learner's daily
    limits or NULL): the counts both queries below start from.

    Nothing here counts a learner's whole history: due cards come through the
    partial index on (user, state, due); "new" is the course cards of the decks
    studied (Deck.card_count, counted at sync) + own cards - the states started
    (StudyTally) - the NEW states held back by suspending or burying (few, through
    the partial index cardstate_new_held); today's reviews are one ReviewDay row."""
    t = _dt(now)
    sql = f"""SELECT
 {learning_count[0]} AS l_,
 {review_count[0]} AS r_,
 (SELECT COALESCE(SUM(d.card_count), 0) FROM {D} d WHERE d.is_active AND d.id NOT IN (SELECT p.deck_id FROM {P} p WHERE p.user_id = %s))
 + (SELECT COUNT(*) {_SCOPE_FROM} AND c.owner_id = %s)
 - COALESCE((SELECT t.started FROM {T} t WHERE t.user_id = %s), 0)
 - (SELECT COUNT(*) FROM {S} s WHERE s.user_id = %s AND s.state = 0 AND s.studied AND (s.suspended OR s.buried_until > %s)) AS n_,
 COALESCE(rd.reviews, 0) AS done_, COALESCE(rd.new_reviews, 0) AS dn_, COALESCE(rd.review_reviews, 0) AS dr_,
 (SELECT new_per_day FROM {PR} WHERE user_id = %s) AS npd_,
 (SELECT reviews_per_day FROM {PR} WHERE user_id = %s) AS rpd_
 FROM (SELECT 1 AS one_) one_ LEFT JOIN {RD} rd ON rd.user_id = %s AND rd.day = %s"""
    params = (
        learning_count[1] + review_count[1]
        + [user_id] + _scope_params(user_id) + [user_id] + [user_id] + [user_id, t]
        + [user_id, user_id, user_id, _date(day)]
    )
    return sql, params


def _due_count(*, user_id: int, now: datetime, states: str) -> tuple[str, list]:
    t = _dt(now)
    return f"(SELECT COUNT(*) FROM {S} s WHERE {_STATE_OK} AND s.state IN ({states}) AND s.due <= %s)", _state_params(user_id, t) + [t]


def counts_row(*, user_id: int, now: datetime, day: datetime) -> tuple:
    """(learning due, review due, new, done today, new done today, reviews done today,
    the learner's new_per_day and reviews_per_day or None if they kept the defaults)."""
    sql, params = _counts(
        user_id=user_id, now=now, day=day,
        learning_count=_due_count(user_id=user_id, now=now, states="1, 3"), review_count=_due_count(user_id=user_id, now=now, states="2"),
    )
    with rows.hot_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(int(v or 0) for v in row[:6]) + tuple(row[6:])


def first_learning(*, user_id: int, now: datetime, until: datetime) -> tuple[str, list]:
    """SQL for the id of the learning or relearning state due first, if due by `until`."""
    sql = f"SELECT s.id FROM {S} s WHERE {_STATE_OK} AND s.state IN (1, 3) AND s.due <= %s ORDER BY s.due, s.card_id LIMIT 1"
    return sql, _state_params(user_id, _dt(now)) + [_dt(until)]


# The due review states, least likely to be recalled first: R falls as
# (now - last_review) / stability grows, so the largest ratio goes first.
_LEAST_RECALLED = (
    f"FROM {S} s WHERE {_STATE_OK} AND s.state = 2 AND s.due <= %s "
    f"ORDER BY (%s - s.last_review_ts) / s.stability DESC, s.card_id LIMIT 1"
)


# PostgreSQL: the due review cards counted, and the least recalled kept, in one
# pass without a sort. MAX over ARRAY[R-order key, -card id] picks what
# _LEAST_RECALLED's ORDER BY puts first: the largest key, then the smallest id
# (a NULL key, as NULLS FIRST there, compares greater than any number here).
_REVIEWS_DUE = (
    f"SELECT COUNT(*) AS n_, MAX(ARRAY[(%s - s.last_review_ts) / s.stability, -s.card_id]) AS best_ "
    f"FROM {S} s WHERE {_STATE_OK} AND s.state = 2 AND s.due <= %s"
)


def _least_recalled_params(user_id: int, now: datetime) -> list:
    return _state_params(user_id, _dt(now)) + [_dt(now), now.timestamp()]


def lowest_retrievability(*, user_id: int, now: datetime) -> tuple[str, list]:
    """SQL for the id of the due review state the learner is least likely to recall."""
    return f"SELECT s.id {_LEAST_RECALLED}", _least_recalled_params(user_id, now)


def first_new_card(*, user_id: int, now: datetime) -> tuple[str, list]:
    """SQL for the id of the next new card: own cards and cards of lessons read first, then course order."""
    sql = (
        f"SELECT c.id {_NEW_FROM} ORDER BY CASE WHEN c.owner_id = %s OR EXISTS "
        f"(SELECT 1 FROM {LP} lp WHERE lp.user_id = %s AND lp.lesson_id = c.lesson_id) THEN 0 ELSE 1 END, "
        f"d.position, c.position, c.id LIMIT 1"
    )
    return sql, _new_params(user_id, _dt(now)) + [user_id, user_id]


# The kind encoded in a pick's last two bits (card id * 4 + kind); new cards come by _new_card_row.
_KINDS = {0: "learning", 2: "review", 3: "learning"}


# The statement's pick when a new card comes next: fetched by a second, small
# query (_new_card_row), which keeps the new-card search (an anti-join over
# the course's cards) out of the statement every GET prepares and runs.
_NEW_WANTED = -1


def _new_card_row(*, user_id: int, now: datetime):
    """(card id, front_html, back_html, tags (raw), deck slug) of the next new card, or None."""
    sql, params = first_new_card(user_id=user_id, now=now)
    with rows.hot_cursor() as cursor:
        cursor.execute(f"SELECT c.id, c.front_html, c.back_html, c.tags, d.slug FROM {C} c JOIN {D} d ON d.id = c.deck_id WHERE c.id = ({sql})", params)
        return cursor.fetchone()


def due_and_next_row(
    *, user_id: int, now: datetime, day: datetime, until: datetime, default_new: int, default_reviews: int,
    token_digest: str | None = None, new_allowed: bool = True,
) -> tuple:
    """The review API's GET in one statement: the counts (_counts, after the
    daily limits as queue.due_counts_for applies them) and the card
    queue.next_card_for picks, decided in SQL the same way. Returns (learning due,
    review due, new, kind or None, card id, front_html, back_html, tags (raw), deck slug,
    what rating the card may start from: a selectors.fetched.Fetched, or None).

    The pick is encoded as card id * 4 + kind (0 learning, 2 review, 3 learning
    ahead), or _NEW_WANTED when a new card comes next, which _new_card_row then
    fetches: one statement for most requests, two when a new card is shown. The learning
    cards due by `until` are read once (ln): counted if due now, and the one due
    first kept, which is next_card_for's first_learning() both for now and ahead.
    The due review cards are read once on PostgreSQL (rv, _REVIEWS_DUE): counted,
    and the least recalled kept. Elsewhere they are counted, and searched for
    the least recalled only when a review comes next (two index-only scans cost
    less than one that counts and sorts at once: 0.63 ms against 0.79 ms for 750
    due cards)."""
    t = _dt(now)
    one_scan = connection.vendor == "postgresql"
    counts_sql, counts_params = _counts(
        user_id=user_id, now=now, day=day,
        learning_count=("COALESCE((SELECT ln.n_ FROM ln), 0)", []),
        review_count=("(SELECT rv.n_ FROM rv)", []) if one_scan else _due_count(user_id=user_id, now=now, states="2"),
    )
    if one_scan:
        reviews_cte, reviews_params = f"rv AS MATERIALIZED ({_REVIEWS_DUE}),\n", [now.timestamp()] + _state_params(user_id, t) + [t]
        least_recalled, least_recalled_params = "(SELECT (-rv.best_[2])::bigint * 4 + 2 FROM rv)", []
    else:
        reviews_cte, reviews_params = "", []
        least_recalled, least_recalled_params = f"(SELECT s.card_id * 4 + 2 {_LEAST_RECALLED})", _least_recalled_params(user_id, now)
    # PostgreSQL: the picked card's state and the learner's settings, with their
    # row versions, which the rating of this card starts from (selectors.fetched).
    read_columns, read_joins, read_params = "", "", []
    if one_scan:
        read_columns = f", {review_read_columns()}, s.xmin::text, p.xmin::text"
        read_joins = f" LEFT JOIN {S} s ON s.user_id = %s AND s.card_id = c.id LEFT JOIN {PR} p ON p.user_id = %s"
        read_params = [user_id, user_id]
    gap = "(rv_ / CASE WHEN nv_ > 1 THEN nv_ ELSE 1 END)"
    sql = f"""WITH ln AS MATERIALIZED (SELECT SUM(CASE WHEN s.due <= %s THEN 1 ELSE 0 END) OVER () AS n_, s.card_id * 4 AS pick_
 FROM {S} s WHERE {_STATE_OK} AND s.state IN (1, 3) AND s.due <= %s ORDER BY s.due, s.card_id LIMIT 1),
{reviews_cte}k0 AS MATERIALIZED ({counts_sql}),
k1 AS MATERIALIZED (SELECT l_, done_, r_, n_,
 CASE WHEN COALESCE(npd_, %s) - dn_ > 0 THEN COALESCE(npd_, %s) - dn_ ELSE 0 END AS nl_,
 CASE WHEN COALESCE(rpd_, %s) - dr_ > 0 THEN COALESCE(rpd_, %s) - dr_ ELSE 0 END AS rl_ FROM k0),
k AS MATERIALIZED (SELECT l_, done_, CASE WHEN r_ < rl_ THEN r_ ELSE rl_ END AS rv_, CASE WHEN n_ < nl_ THEN n_ ELSE nl_ END AS nv_ FROM k1),
pk AS MATERIALIZED (SELECT l_, rv_, nv_, COALESCE(
 CASE WHEN l_ <> 0 THEN (SELECT ln.pick_ FROM ln) END,
 CASE WHEN {"nv_ <> 0" if new_allowed else "0 = 1"} AND (rv_ = 0 OR done_ %% (1 + {gap}) = {gap}) THEN {_NEW_WANTED} END,
 CASE WHEN rv_ <> 0 THEN {least_recalled} END,
 (SELECT ln.pick_ + 3 FROM ln)) AS pick_ FROM k)
SELECT pk.l_, pk.rv_, pk.nv_, pk.pick_, c.id, c.front_html, c.back_html, c.tags, d.slug{read_columns}
 FROM pk LEFT JOIN {C} c ON c.id = pk.pick_ / 4 LEFT JOIN {D} d ON d.id = c.deck_id{read_joins}"""
    params = (
        [t] + _state_params(user_id, t) + [_dt(until)] + reviews_params
        + counts_params + [default_new, default_new, default_reviews, default_reviews] + least_recalled_params
        + read_params
    )
    if token_digest is not None:
        sql, params = with_live_token(sql, params, digest=token_digest, user_id=user_id)
    with rows.hot_cursor() as cursor:
        cursor.execute(sql, params)
        row = live_row(cursor.fetchone(), checked=token_digest is not None)
    learning, review, new, encoded = (int(v) if v is not None else None for v in row[:4])
    if encoded == _NEW_WANTED:
        card = _new_card_row(user_id=user_id, now=now)
        if card is not None:
            return (learning, review, new, "new") + tuple(card) + (None,)
        # The counts promised a new card that is not there (a deck's card_count out of
        # date): choose again among the others, as next_card_for would.
        return due_and_next_row(
            user_id=user_id, now=now, day=day, until=until, default_new=default_new, default_reviews=default_reviews, new_allowed=False
        )
    kind = None if encoded is None or row[4] is None else _KINDS[encoded % 4]
    return (learning, review, new, kind) + tuple(row[4:9]) + (_fetched(row[4], row[9:]),)


def _fetched(card_id, read: tuple) -> Fetched | None:
    """What due_and_next_row read for rating the card it picked (PostgreSQL, a started card)."""
    if not read or read[0] is None:  # read[0]: the state's id (none for a card never started)
        return None
    return Fetched(card_id=card_id, row=tuple(read[:-2]), state_version=read[-2], prefs_version=read[-1])
