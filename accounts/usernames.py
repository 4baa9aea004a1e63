"""Usernames that cannot pass for someone else's.

Django's username field already normalises to NFKC (so a full-width "ａｌｉｃｅ"
becomes "alice"). What NFKC keeps apart are letters from different scripts
that look the same: Cyrillic "а" (U+0430) beside Latin "lice" reads as
"alice". The rule: every letter of a username comes from one script (all
Latin, or all Cyrillic, or all Greek...). Digits and the punctuation Django
allows (@ . + - _) go with any script. This refuses every mixed-script
look-alike; it does not refuse a name wholly in one script that happens to
resemble a Latin one ("аре", all Cyrillic), which would need a table of
confusables and a look-up of existing names.
"""

import unicodedata


def _script(letter: str) -> str:
    """The script a letter belongs to, from its Unicode name: "LATIN SMALL
    LETTER A" is Latin, "CYRILLIC SMALL LETTER A" Cyrillic. CJK ideographs and
    syllabaries share no letters with Latin, so their first word is enough."""
    name = unicodedata.name(letter, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def username_problem(username: str) -> str | None:
    """A sentence saying why `username` (already NFKC-normalised) is refused, or None."""
    scripts = sorted({_script(ch) for ch in username if ch.isalpha()})
    if len(scripts) > 1:
        names = " and ".join(s.title() for s in scripts)
        return f"Use letters from one alphabet only: this name mixes {names} letters, which can look like another person's name."
    return None
