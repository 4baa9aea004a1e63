"""How many hints a learner has revealed, per lab. Kept in the session: a hint
is a nudge, not progress worth a table, and it works the same without JavaScript."""

from labs.models import Lab


def _key(lab: Lab) -> str:
    return f"lab-hints-{lab.id}"


def hints_revealed_count(*, session, lab: Lab) -> int:
    return min(int(session.get(_key(lab), 0) or 0), len(lab.hints))


def hint_reveal_next(*, session, lab: Lab) -> int:
    """Reveal one more hint (never past the last); returns how many are shown."""
    count = min(hints_revealed_count(session=session, lab=lab) + 1, len(lab.hints))
    session[_key(lab)] = count
    return count
