"""Characters no stored text may hold, named for a person.

PostgreSQL refuses NUL (U+0000) in text, and a lone UTF-16 surrogate
(U+D800..U+DFFF without its partner, as JSON's "\\ud800" decodes to) cannot be
encoded as UTF-8 at all: either one, let through, fails deep in a query. Every
piece of input is checked against this one rule (the request guard in
redrive/input_guard.py, the CSV import), so the answer is a message, not a 500.
"""

import re

_BAD = re.compile("[\x00\ud800-\udfff]")


def bad_character(text: str) -> str | None:
    """A sentence naming the first forbidden character in `text`, or None."""
    found = _BAD.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (U+0000), which text cannot hold"
    return f"contains a lone surrogate (U+{ord(found.group()):04X}), which is not a character"


def bad_character_position(text: str) -> int | None:
    """The index of the first forbidden character in `text`, or None."""
    found = _BAD.search(text)
    return None if found is None else found.start()
