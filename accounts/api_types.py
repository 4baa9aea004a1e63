"""Strict input types for the JSON API's schemas, shared by every router.

An integer is a JSON integer: no float (1.5, or 3.0), no string ("3"), no
boolean, and never a non-finite number (the parser refuses Infinity and NaN;
1e400 is a float, so it is refused as one). Every integer and string is
bounded, so nothing the database cannot hold (an id past 64 bits, a name past
its column) reaches a query: it is refused with a 400 that names the field.
"""

from typing import Annotated

from pydantic import AfterValidator, Field, StrictInt, StrictStr

from coursefiles.text import bad_character

INT64_MAX = 2**63 - 1  # a BigAutoField id; SQLite and PostgreSQL refuse anything larger


def _storable(value: str) -> str:
    # The one rule for text no column can hold (NUL, lone surrogates); the
    # request guard applies it to every request first, this to what a schema
    # reads, so the answer names the field.
    problem = bad_character(value)
    if problem:
        raise ValueError(problem)
    return value


def Int(*, ge: int = 0, le: int = INT64_MAX, description: str = ""):
    """A JSON integer in ge..le."""
    return Annotated[StrictInt, Field(ge=ge, le=le, description=description or None)]


def Text(*, max_length: int, description: str = ""):
    """A JSON string of at most `max_length` characters that text columns can hold."""
    return Annotated[StrictStr, Field(max_length=max_length, description=description or None), AfterValidator(_storable)]


Id = Int(ge=0, le=INT64_MAX)
