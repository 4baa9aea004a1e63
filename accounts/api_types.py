"""Strict input types for the JSON API's schemas, shared by every router.

An integer is a JSON integer: no float (1.5, or 3.0), no string ("3"), no
boolean, and never a non-finite number (the parser refuses Infinity and NaN;
1e400 is a float, so it is refused as one). Every integer and string is
bounded, so nothing the database cannot hold (an id past 64 bits, a name past
its column) reaches a query: it is refused with a 400 that names the field.
"""

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StrictInt, StrictStr

INT64_MAX = 2**63 - 1  # a BigAutoField id; SQLite and PostgreSQL refuse anything larger

# Stored text cannot hold NUL (PostgreSQL refuses it), and a lone surrogate
# cannot be written as UTF-8. The JSON parser already refuses escaped lone
# surrogates; this covers NUL, and text that reached a schema another way.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: str) -> str:
    found = _UNSTORABLE.search(value)
    if found is None:
        return value
    if found.group() == "\x00":
        raise ValueError("contains a NUL character (U+0000), which text cannot hold")
    raise ValueError(f"contains a lone surrogate (U+{ord(found.group()):04X}), which is not a character")


def Int(*, ge: int = 0, le: int = INT64_MAX, description: str = ""):
    """A JSON integer in ge..le."""
    return Annotated[StrictInt, Field(ge=ge, le=le, description=description or None)]


def Text(*, max_length: int, description: str = ""):
    """A JSON string of at most `max_length` characters that text columns can hold."""
    return Annotated[StrictStr, Field(max_length=max_length, description=description or None), AfterValidator(_storable)]


Id = Int(ge=0, le=INT64_MAX)
