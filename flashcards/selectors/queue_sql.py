"""The review hot path in plain SQL (standard enough for PostgreSQL and SQLite).

Every review round trip runs these: the ORM built the same queries, but
compiling its nested subqueries cost more than running them. Each query
mirrors an ORM definition in queue.py, which the tests hold to the same
behaviour: _states() for the card states studied, new_cards_for() for new cards.
"""

from datetime import datetime

from django.db import connection

from flashcards.models import Card, CardState, Deck, DeckPause, ReviewLog, StudyPreferences
from flashcards.selectors import rows
from learning.models import LessonProgress

S, C, D, P, L, LP, PR = (m._meta.db_table for m in (CardState, Card, Deck, DeckPause, ReviewLog, LessonProgress, StudyPreferences))

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
# New cards are counted as: course cards of the decks studied (Deck.card_count,
# counted at sync) + own cards - the studied cards already started, suspended
# or buried (those have a state with studied = true, see CardState.studied):
# three small counts instead of an anti-join over every card.
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


def counts_row(*, user_id: int, now: datetime, day: datetime) -> tuple:
    """(learning due, review due, new, done today, new done today, reviews done today,
    the learner's new_per_day and reviews_per_day or None if they kept the defaults)."""
    t, d = _dt(now), _dt(day)
    sql = f"""SELECT
 (SELECT COUNT(*) FROM {S} s WHERE {_STATE_OK} AND s.state IN (1, 3) AND s.due <= %s),
 (SELECT COUNT(*) FROM {S} s WHERE {_STATE_OK} AND s.state = 2 AND s.due <= %s),
 (SELECT COALESCE(SUM(d.card_count), 0) FROM {D} d WHERE d.is_active AND d.id NOT IN (SELECT p.deck_id FROM {P} p WHERE p.user_id = %s))
 + (SELECT COUNT(*) {_SCOPE_FROM} AND c.owner_id = %s)
 - (SELECT COUNT(*) FROM {S} s WHERE s.user_id = %s AND s.studied
   AND (s.state > 0 OR s.suspended OR s.buried_until > %s)),
 (SELECT COUNT(*) FROM {L} l WHERE l.user_id = %s AND l.reviewed_at >= %s),
 (SELECT COUNT(*) FROM {L} l WHERE l.user_id = %s AND l.reviewed_at >= %s AND l.state_before = 0),
 (SELECT COUNT(*) FROM {L} l WHERE l.user_id = %s AND l.reviewed_at >= %s AND l.state_before = 2),
 (SELECT new_per_day FROM {PR} WHERE user_id = %s),
 (SELECT reviews_per_day FROM {PR} WHERE user_id = %s)"""
    params = (
        _state_params(user_id, t) + [t] + _state_params(user_id, t) + [t] + [user_id] + _scope_params(user_id) + [user_id] + [user_id, t]
        + [user_id, d, user_id, d, user_id, d, user_id, user_id]
    )
    with rows.hot_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return tuple(int(v or 0) for v in row[:6]) + tuple(row[6:])


def first_learning(*, user_id: int, now: datetime, until: datetime) -> tuple[str, list]:
    """SQL for the id of the learning or relearning state due first, if due by `until`."""
    sql = f"SELECT s.id FROM {S} s WHERE {_STATE_OK} AND s.state IN (1, 3) AND s.due <= %s ORDER BY s.due, s.id LIMIT 1"
    return sql, _state_params(user_id, _dt(now)) + [_dt(until)]


def lowest_retrievability(*, user_id: int, now: datetime) -> tuple[str, list]:
    """SQL for the id of the due review state the learner is least likely to recall:
    R falls as (now - last_review) / stability grows, so the largest ratio goes first."""
    sql = (
        f"SELECT s.id FROM {S} s WHERE {_STATE_OK} AND s.state = 2 AND s.due <= %s "
        f"ORDER BY (%s - s.last_review_ts) / s.stability DESC, s.id LIMIT 1"
    )
    return sql, _state_params(user_id, _dt(now)) + [_dt(now), now.timestamp()]


def first_new_card(*, user_id: int, now: datetime) -> tuple[str, list]:
    """SQL for the id of the next new card: own cards and cards of lessons read first, then course order."""
    sql = (
        f"SELECT c.id {_NEW_FROM} ORDER BY CASE WHEN c.owner_id = %s OR EXISTS "
        f"(SELECT 1 FROM {LP} lp WHERE lp.user_id = %s AND lp.lesson_id = c.lesson_id) THEN 0 ELSE 1 END, "
        f"d.position, c.position, c.id LIMIT 1"
    )
    return sql, _new_params(user_id, _dt(now)) + [user_id, user_id]


# _STATE_OK for rows already limited to the learner's.
_STATE_OK_OWN = "s.studied AND NOT s.suspended AND (s.buried_until IS NULL OR s.buried_until <= %s)"


_KINDS = ("learning", "new", "review", "learning")


def due_and_next_row(*, user_id: int, now: datetime, day: datetime, until: datetime, default_new: int, default_reviews: int) -> tuple:
    """The review API's GET in one statement: the counts (counts_row, after the
    daily limits as queue.due_counts_for applies them) and the card
    queue.next_card_for picks, decided in SQL the same way. Returns (learning due,
    review due, new, kind or None, card id, front_html, back_html, tags (raw), deck slug).

    The pick is encoded as card id * 4 + kind (0 learning, 1 new, 2 review, 3
    learning ahead); CASE and COALESCE run a candidate's subquery only when it
    is reached, as next_card_for runs one query after another. The learner's card
    states are counted in one pass (COUNT FILTER), not one scan per count."""
    t, d, u = _dt(now), _dt(day), _dt(until)
    first_learning_sql, first_learning_params = first_learning(user_id=user_id, now=now, until=now)
    review_sql, review_params = lowest_retrievability(user_id=user_id, now=now)
    new_sql, new_params = first_new_card(user_id=user_id, now=now)
    ahead_sql, ahead_params = first_learning(user_id=user_id, now=now, until=until)
    pick = lambda sql, code: sql.replace("SELECT s.id ", f"SELECT s.card_id * 4 + {code} ", 1).replace(  # noqa: E731
        "SELECT c.id ", f"SELECT c.id * 4 + {code} ", 1
    )
    gap = "(rv_ / CASE WHEN nv_ > 1 THEN nv_ ELSE 1 END)"
    sql = f"""WITH st AS MATERIALIZED (SELECT
 COUNT(*) FILTER (WHERE {_STATE_OK_OWN} AND s.state IN (1, 3) AND s.due <= %s) AS l_,
 COUNT(*) FILTER (WHERE {_STATE_OK_OWN} AND s.state = 2 AND s.due <= %s) AS r_,
 COUNT(*) FILTER (WHERE s.studied AND (s.state > 0 OR s.suspended OR s.buried_until > %s)) AS started_
 FROM {S} s WHERE s.user_id = %s),
k0 AS MATERIALIZED (SELECT st.l_, st.r_,
 (SELECT COALESCE(SUM(d.card_count), 0) FROM {D} d WHERE d.is_active AND d.id NOT IN (SELECT p.deck_id FROM {P} p WHERE p.user_id = %s))
 + (SELECT COUNT(*) {_SCOPE_FROM} AND c.owner_id = %s) - st.started_ AS n_,
 (SELECT COUNT(*) FROM {L} l WHERE l.user_id = %s AND l.reviewed_at >= %s) AS done_,
 (SELECT COUNT(*) FROM {L} l WHERE l.user_id = %s AND l.reviewed_at >= %s AND l.state_before = 0) AS dn_,
 (SELECT COUNT(*) FROM {L} l WHERE l.user_id = %s AND l.reviewed_at >= %s AND l.state_before = 2) AS dr_,
 COALESCE((SELECT new_per_day FROM {PR} WHERE user_id = %s), %s) AS npd_,
 COALESCE((SELECT reviews_per_day FROM {PR} WHERE user_id = %s), %s) AS rpd_ FROM st),
k1 AS MATERIALIZED (SELECT l_, done_, r_, n_,
 CASE WHEN npd_ - dn_ > 0 THEN npd_ - dn_ ELSE 0 END AS nl_,
 CASE WHEN rpd_ - dr_ > 0 THEN rpd_ - dr_ ELSE 0 END AS rl_ FROM k0),
k AS MATERIALIZED (SELECT l_, done_, CASE WHEN r_ < rl_ THEN r_ ELSE rl_ END AS rv_, CASE WHEN n_ < nl_ THEN n_ ELSE nl_ END AS nv_ FROM k1),
pk AS MATERIALIZED (SELECT l_, rv_, nv_, COALESCE(
 CASE WHEN l_ <> 0 THEN ({pick(first_learning_sql, 0)}) END,
 CASE WHEN nv_ <> 0 AND (rv_ = 0 OR done_ %% (1 + {gap}) = {gap}) THEN ({pick(new_sql, 1)}) END,
 CASE WHEN rv_ <> 0 THEN ({pick(review_sql, 2)}) END,
 ({pick(ahead_sql, 3)})) AS pick_ FROM k)
SELECT pk.l_, pk.rv_, pk.nv_, pk.pick_, c.id, c.front_html, c.back_html, c.tags, d.slug
 FROM pk LEFT JOIN {C} c ON c.id = pk.pick_ / 4 LEFT JOIN {D} d ON d.id = c.deck_id"""
    params = (
        [t, t, t, t, t, user_id]
        + [user_id] + _scope_params(user_id) + [user_id]
        + [user_id, d, user_id, d, user_id, d, user_id, default_new, user_id, default_reviews]
        + first_learning_params + new_params + review_params + ahead_params
    )
    with rows.hot_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    learning, review, new, encoded = (int(v) if v is not None else None for v in row[:4])
    kind = None if encoded is None or row[4] is None else _KINDS[encoded % 4]
    return (learning, review, new, kind) + tuple(row[4:])
