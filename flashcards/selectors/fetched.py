"""The card the review API last gave each learner, as this process read it.

On PostgreSQL, GET /api/flashcards/due/ reads the chosen card's state, the
card and the learner's settings in its one statement (queue_sql.due_and_next_row).
The POST that rates that card, usually the next request on the same kept-alive
connection and so in this same process, starts from them instead of reading
them again: one statement per rating instead of two.

Nothing remembered here is trusted. The write (services.reviews.card_review
with `versions`) checks in its own statement that the state row and the settings
row are still the versions read (PostgreSQL's xmin, which every update of a
row changes), that the card is still active and the learner's to see, and that
the token is still live; if anything changed, it writes nothing and the view
reads and rates afresh, as when nothing is remembered.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass

# Learners remembered per process, the least recently served forgotten first:
# an entry is a few hundred bytes, and a forgotten one costs one query.
_MAX_LEARNERS = 10_000
_LOCK = threading.Lock()
_LAST: OrderedDict[int, "Fetched"] = OrderedDict()


@dataclass(frozen=True, slots=True)
class Fetched:
    card_id: int
    row: tuple  # raw values of cards.review_read_columns(), for cards.review_read_models()
    state_version: str  # the state row's xmin when read
    prefs_version: str | None  # the settings row's xmin, None when the learner has none


def remember_fetched(*, user_id: int, fetched: Fetched) -> None:
    with _LOCK:
        _LAST[user_id] = fetched
        _LAST.move_to_end(user_id)
        while len(_LAST) > _MAX_LEARNERS:
            _LAST.popitem(last=False)


def fetched_for(*, user_id: int, card_id) -> Fetched | None:
    """What the learner's last GET read of `card_id`, or None. Forgotten once
    asked for: a rating changes the state, so it is good for one rating only."""
    with _LOCK:
        fetched = _LAST.get(user_id)
        if fetched is None or fetched.card_id != card_id or isinstance(card_id, bool):
            return None
        del _LAST[user_id]
    return fetched


def forget_fetched() -> None:
    """Forget every learner (tests)."""
    with _LOCK:
        _LAST.clear()
