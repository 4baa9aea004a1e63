"""CSV import of a learner's own cards: every row is checked first, and the
cards are created in one transaction only if no row has a problem."""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from coursefiles.text import bad_character, bad_character_position
from flashcards.models import Card, Deck
from flashcards.services.cards import InvalidCard, own_card_build

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024


@dataclass
class ImportResult:
    created: list[Card] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "row 3: the back is empty"


def cards_import_csv(*, user, deck: Deck, data: bytes) -> ImportResult:
    """Import rows of front, back[, tags] (header row required). All or nothing."""
    result = ImportResult()
    if len(data) > MAX_BYTES:
        result.errors.append(f"file: larger than {MAX_BYTES // (1024 * 1024)} MB")
        return result
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append("file: not UTF-8 text (save the CSV as UTF-8)")
        return result
    problem = bad_character(text)
    if problem:
        line = text.count("\n", 0, bad_character_position(text)) + 1
        result.errors.append(f"row {line}: {problem}")
        return result
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        result.errors.append(f"row 1: not valid CSV ({exc})")
        return result
    if "front" not in header or "back" not in header:
        result.errors.append("row 1: the header must name the columns front and back (and optionally tags)")
        return result
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        # DictReader would keep only the last such column, silently.
        result.errors.append(f"row 1: the header names {', '.join(repeated)} more than once; name each column once")
        return result
    reader.fieldnames = header
    cards: list[Card] = []
    try:
        for row in reader:
            number = reader.line_num
            if len(cards) + len(result.errors) >= MAX_ROWS:
                result.errors.append(f"row {number}: more than {MAX_ROWS} rows; split the file")
                break
            if None in row:
                result.errors.append(f"row {number}: more cells than the header has columns")
                continue
            front, back = (row.get("front") or "").strip(), (row.get("back") or "").strip()
            if not front and not back and not (row.get("tags") or "").strip():
                continue  # a blank line
            try:
                cards.append(own_card_build(user=user, deck=deck, front=front, back=back, tags=row.get("tags") or ""))
            except InvalidCard as exc:
                result.errors.append(f"row {number}: {exc}")
    except csv.Error as exc:
        result.errors.append(f"row {reader.line_num}: not valid CSV ({exc})")
    if not cards and not result.errors:
        result.errors.append("file: no cards found under the header")
    if result.errors:
        return result
    with transaction.atomic():
        result.created = Card.objects.bulk_create(cards)
    return result
