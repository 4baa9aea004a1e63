"""CSV import of a learner's own cards: every row is checked first, and the
cards are created and updated in one transaction only if no row has a problem.

A file exported from Redrive (flashcards/exports.py) comes back by its `id`
column: a row for one of the learner's own cards ("own-<n>") updates that
card in place rather than copying it; a row for a course card (its stable id)
is skipped, since every learner already has the course's cards and the
export's text has the cloze gaps filled in. Rows without an id, or with an id
that is not theirs, become new cards unless the same front and back is
already among their cards in the deck or earlier in the file."""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from coursefiles.text import bad_character, bad_character_position
from flashcards.models import Card, Deck
from flashcards.services.cards import MAX_TEXT, InvalidCard, own_card_apply, own_card_build

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
OWN_PREFIX = "own-"


@dataclass
class ImportResult:
    created: list[Card] = field(default_factory=list)
    updated: list[Card] = field(default_factory=list)
    unchanged: int = 0  # rows for own cards that already read so
    skipped: list[str] = field(default_factory=list)  # "row 4: a course card, already in your decks"
    errors: list[str] = field(default_factory=list)  # "row 3: the back is empty"

    def summary(self) -> str:
        """What happened, for the message after an import."""

        def n(count, word):
            return f"{count} card{'s' if count != 1 else ''} {word}"

        parts = [n(len(self.created), "created"), n(len(self.updated), "updated")]
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        return ", ".join(parts) + "."


def _csv_problem(exc: csv.Error) -> str:
    # The csv module refuses a cell over its field size limit with "field larger
    # than field limit (131072)": a limit of the parser, meaningless to a learner.
    if "field larger than field limit" in str(exc):
        return f"a cell is far longer than a card side may be ({MAX_TEXT} characters)"
    return f"not valid CSV ({exc})"


def _key(front: str, back: str) -> tuple[str, str]:
    return " ".join(front.split()), " ".join(back.split())


def cards_import_csv(*, user, deck: Deck, data: bytes) -> ImportResult:
    """Import rows of [id,] front, back[, tags] (header row required; other
    columns of an export, lesson and mine, are ignored). All or nothing."""
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
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        result.errors.append(f"row 1: {_csv_problem(exc)}")
        return result
    header = [h.strip().lower() for h in fieldnames]
    if "front" not in header or "back" not in header:
        result.errors.append("row 1: the header must name the columns front and back (and optionally id and tags)")
        return result
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        # DictReader would keep only the last such column, silently.
        result.errors.append(f"row 1: the header names {', '.join(repeated)} more than once; name each column once")
        return result
    reader.fieldnames = header

    own = {c.id: c for c in Card.objects.filter(owner=user)}
    seen = {_key(c.front, c.back) for c in own.values() if c.deck_id == deck.id}
    course_ids = set(Card.objects.filter(owner__isnull=True).values_list("stable_id", flat=True))
    new_cards: list[Card] = []
    changed: dict[int, Card] = {}
    rows = 0  # every row read, blank ones too, for the row limit
    last_line = 1  # the header's
    try:
        for row in reader:
            number, last_line = last_line + 1, reader.line_num
            rows += 1
            if rows > MAX_ROWS:
                result.errors.append(f"row {number}: more than {MAX_ROWS} rows; split the file")
                break
            if None in row:
                result.errors.append(f"row {number}: more cells than the header has columns")
                continue
            card_id = (row.get("id") or "").strip()
            front, back, tags = (row.get("front") or "").strip(), (row.get("back") or "").strip(), row.get("tags") or ""
            if not card_id and not front and not back and not tags.strip():
                continue  # a blank line
            if (row.get("mine") or "").strip().lower() == "yes":
                # The export marks own cards with a "mine" tag; it is not one of theirs.
                tags = [t for t in tags.replace(",", " ").split() if t != "mine"]
            if card_id.startswith(OWN_PREFIX) and card_id[len(OWN_PREFIX) :].isdigit() and int(card_id[len(OWN_PREFIX) :]) in own:
                card = own[int(card_id[len(OWN_PREFIX) :])]
                if card.id in changed:
                    result.skipped.append(f"row {number}: {card_id} is in the file twice; the first row counts")
                    continue
                try:
                    if own_card_apply(card=card, front=front, back=back, tags=tags):
                        changed[card.id] = card
                    else:
                        result.unchanged += 1
                        changed[card.id] = None  # seen: a second row for it is a duplicate
                except InvalidCard as exc:
                    result.errors.append(f"row {number}: {exc}")
                continue
            if card_id and not card_id.startswith(OWN_PREFIX):
                if card_id in course_ids:
                    result.skipped.append(f"row {number}: {card_id} is a course card, already in your decks")
                    continue
            key = _key(front, back)
            if key in seen:
                result.skipped.append(f"row {number}: the same front and back is already in “{deck.title}”")
                continue
            try:
                new_cards.append(own_card_build(user=user, deck=deck, front=front, back=back, tags=tags))
            except InvalidCard as exc:
                result.errors.append(f"row {number}: {exc}")
                continue
            seen.add(key)
    except csv.Error as exc:
        # The row that failed starts on the line after the last one read whole.
        result.errors.append(f"row {last_line + 1}: {_csv_problem(exc)}")
    if not (new_cards or changed or result.skipped or result.errors):
        result.errors.append("file: no cards found under the header")
    if result.errors:
        return result
    updated = [card for card in changed.values() if card is not None]
    with transaction.atomic():
        result.created = Card.objects.bulk_create(new_cards)
        for card in updated:
            card.save(update_fields=["front", "back", "front_html", "back_html", "tags", "updated_at"])
        result.updated = updated
    return result
