"""Rating a card and undoing it. The scheduling itself is fsrs's; this module
keeps the state in columns, logs every review with the full state before it,
and turns a card that lapses too often into a suspended leech."""

from dataclasses import dataclass
from datetime import datetime

import fsrs
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from flashcards.models import Card, CardState, ReviewLog, StudyPreferences
from flashcards.models.study import State
from flashcards.selectors import rows
from flashcards.scheduling import apply_fsrs, scheduler_for, to_fsrs
from flashcards.selectors.preferences import study_preferences_for
from flashcards.services.states import state_for_update, studied_for
from accounts.selectors.tokens import live_token_sql

MAX_DURATION_MS = 60 * 60 * 1000


class InvalidReview(ValueError):
    pass


@dataclass
class ReviewResult:
    log: ReviewLog
    state: CardState
    became_leech: bool = False


@dataclass(frozen=True)
class ReadVersions:
    """What a review started from without reading it again (selectors.fetched),
    for its write to check on PostgreSQL: the row versions (xmin) of the state
    and of the learner's settings when read, and the caller's bearer token."""

    state: str
    prefs: str | None  # None: the learner had no settings row
    token_digest: str


class StaleRead(Exception):
    """card_review with `versions`: the state or the settings changed since they
    were read, the card is no longer active or the learner's, or the token is not
    live. Nothing was written: read afresh and review again."""


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
_REVIEW_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "last_review_ts", "reps", "lapses", "buried_until")
_ATTEMPTS = 5


class _Raced(Exception):
    """Another review of the same card was saved between our read and our write."""


def _read_state(*, user, card: Card, known: tuple | None = None):
    """(the learner's CardState for the card or an unsaved NEW one, their preferences),
    in one query, or none when `known` holds (state, preferences or None) just read."""
    if known is not None:
        state, prefs = known
        state.user = user
        return state, prefs or StudyPreferences(user=user)
    state = CardState.objects.filter(user=user, card=card).select_related("user__study_preferences").first()
    if state is None:
        return CardState(user=user, card=card, studied=studied_for(user=user, card=card)), study_preferences_for(user=user)
    try:
        prefs = state.user.study_preferences
    except StudyPreferences.DoesNotExist:
        prefs = study_preferences_for(user=user)
    state.user = user
    return state, prefs


def card_review(
    *, user, card: Card, rating, duration_ms=None, now: datetime | None = None, state: CardState | None = None, prefs=None,
    versions: ReadVersions | None = None,
) -> ReviewResult:
    """Schedule `card` for `user` after a rating of 1-4 and log the review.

    The caller has checked that the user may see the card (selectors.cards).
    `state` (and `prefs`, None for the defaults), if given, were just read by
    selectors.cards.card_and_state_for: they save a query; a lost race reads again.
    Raises InvalidReview for a bad rating or duration. No lock is held while
    fsrs computes: the write is a conditional UPDATE on the state that was
    read (its reps and due), and a review that lost a race starts again from
    the state the winner saved.

    With `versions` (PostgreSQL, a started card's `state` and `prefs` read
    earlier, see selectors.fetched), the write also checks that neither changed
    since, that the card is active and the learner's to see, and that the token
    is live, and raises StaleRead instead of trying again.
    """
    rating = parse_rating(rating)
    duration_ms = parse_duration(duration_ms)
    now = now or timezone.now()
    if versions is not None:
        try:
            return _review_once(
                user=user, card=card, rating=rating, duration_ms=duration_ms, now=now, known=(state, prefs), versions=versions
            )
        except _Raced:
            raise StaleRead from None
    for _attempt in range(_ATTEMPTS):
        try:
            known = (state, prefs) if state is not None else None
            return _review_once(user=user, card=card, rating=rating, duration_ms=duration_ms, now=now, known=known)
        except _Raced:
            state = None
            continue
    raise InvalidReview("this card is being reviewed elsewhere at the same moment; try again")


def _review_once(
    *, user, card: Card, rating: int, duration_ms, now: datetime, known: tuple | None, versions: ReadVersions | None = None
) -> ReviewResult:
    state, prefs = _read_state(user=user, card=card, known=known)
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
    fields = _REVIEW_FIELDS + (("is_leech", "suspended") if became_leech else ())
    log = ReviewLog(
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
    if state.pk is not None and connection.vendor == "postgresql":
        if not _claim_and_log(state=state, before=before, fields=fields, log=log, versions=versions):
            raise _Raced
        return ReviewResult(log=log, state=state, became_leech=became_leech)
    if versions is not None:
        raise ValueError("versions are checked by PostgreSQL's claim of a started card only")
    with transaction.atomic():
        if state.pk is None:
            try:
                with transaction.atomic():
                    state.save(force_insert=True)
            except IntegrityError:  # a first review of this card from elsewhere got in first
                raise _Raced from None
        else:
            claimed = CardState.objects.filter(pk=state.pk, reps=before["reps"], due=before["due"]).update(
                **{name: getattr(state, name) for name in fields}
            )
            if claimed != 1:
                raise _Raced
        log.save(force_insert=True)
    return ReviewResult(log=log, state=state, became_leech=became_leech)


_LOG_FIELDS = [f for f in ReviewLog._meta.concrete_fields if not f.primary_key]
_CLAIM: dict[tuple, tuple] = {}
# What the claim passes to PostgreSQL as it is: numbers, booleans, ids and the
# aware datetimes fsrs computes need nothing from Django's get_db_prep_save,
# which cost more than the statement's other Python work together.
_AS_IS = (models.FloatField, models.IntegerField, models.BooleanField, models.DateTimeField, models.ForeignKey)


def _values(fields: list) -> list[tuple]:
    """(attname, None or the field's get_db_prep_save) for each field, in order."""
    return [(f.attname, None if isinstance(f, _AS_IS) else f.get_db_prep_save) for f in fields]


def _prepared(instance, values: list[tuple], conn) -> list:
    return [getattr(instance, name) if prep is None else prep(getattr(instance, name), conn) for name, prep in values]


def _claim(fields: tuple, checked: bool) -> tuple[str, list, list]:
    """The statement for _claim_and_log and its state and log values (_values), built once
    per set of fields, with or without the checks of what was read earlier
    (`checked`: parameters for them follow the state's reps and due)."""
    if (fields, checked) not in _CLAIM:
        quote = connection.ops.quote_name
        S, C, PR = (quote(m._meta.db_table) for m in (CardState, Card, StudyPreferences))
        state_fields = [CardState._meta.get_field(name) for name in fields]
        sets = ", ".join(f"{quote(f.column)} = %s" for f in state_fields)
        columns = ", ".join(quote(f.column) for f in _LOG_FIELDS)
        checks = ""
        if checked:
            checks = (
                f"AND {S}.xmin::text = %s "
                f"AND EXISTS (SELECT 1 FROM {C} c WHERE c.id = {S}.card_id AND c.is_active "
                f"AND (c.owner_id IS NULL OR c.owner_id = {S}.user_id)) "
                f"AND (SELECT p.xmin::text FROM {PR} p WHERE p.user_id = {S}.user_id) IS NOT DISTINCT FROM %s "
                f"AND {live_token_sql()} "
            )
        sql = (
            f"WITH claimed AS (UPDATE {S} SET {sets} "
            f"WHERE id = %s AND reps = %s AND due IS NOT DISTINCT FROM %s {checks}RETURNING id) "
            f"INSERT INTO {quote(ReviewLog._meta.db_table)} ({columns}) "
            f"SELECT {', '.join(['%s'] * len(_LOG_FIELDS))} FROM claimed "
            f"WHERE set_config('synchronous_commit', 'off', true) IS NOT NULL RETURNING id"
        )
        _CLAIM[fields, checked] = (sql, _values(state_fields), _values(_LOG_FIELDS))
    return _CLAIM[fields, checked]


def _claim_and_log(*, state: CardState, before: dict, fields: tuple, log: ReviewLog, versions: ReadVersions | None = None) -> bool:
    """PostgreSQL only: the conditional UPDATE of the state and the INSERT of its
    log as one statement (a data-modifying CTE). One statement is atomic on its
    own, so this costs one round trip where BEGIN, UPDATE, INSERT and COMMIT
    cost four; every review pays it. False, and nothing written, if the state
    changed since it was read (the log is inserted only from the claimed row).

    Its transaction commits asynchronously (synchronous_commit off for it alone,
    set_config(..., true) lasting until its commit): the reply does not wait for
    the WAL to reach the disk. A crash of the database server within a fraction
    of a second (3 x wal_writer_delay, 0.6 s by default) of a review can lose
    that review, never half of it and never anything else: the learner sees the
    card again and rates it again. Every other write keeps the server's setting."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, state_values, log_values = _claim(fields, versions is not None)
    checks = []
    if versions is not None:
        checks = [versions.state, versions.prefs, versions.token_digest, state.user_id]
    params = (
        _prepared(state, state_values, conn) + [state.pk, before["reps"], before["due"]] + checks + _prepared(log, log_values, conn)
    )
    with rows.hot_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    log.pk = row[0]
    log._state.adding = False
    log._state.db = conn.alias
    return True


def review_undo(*, user) -> Card | None:
    """Undo the learner's latest review: restore the card's exact state before
    it and delete the log. Returns the card, or None if there is nothing to undo."""
    with transaction.atomic():
        log = ReviewLog.objects.select_for_update().filter(user=user).order_by("-reviewed_at", "-id").first()
        if log is None:
            return None
        state = state_for_update(user=user, card=log.card)
        for key, value in _decode(log.before).items():
            setattr(state, key, value)
        state.save()
        log.delete()
    return log.card
