"""A deck as the learner sees it (course cards plus their own), as CSV or as an
Anki package. Both read only; the views stream the bytes back."""

import csv
import hashlib
import io
import tempfile
from pathlib import Path

from django.conf import settings
from django.db.models import F

from coursefiles.spreadsheet import csv_row_safe
from flashcards.content.cloze import cloze_side
from flashcards.models import Card, Deck
from flashcards.selectors.cards import cards_visible_to

CSV_COLUMNS = ["id", "front", "back", "tags", "lesson", "mine"]


def _cards(user, deck: Deck):
    """The deck's cards as this learner has them: each with `export_tags`, its tags
    plus "leech" for their leeches and "mine" for their own cards."""
    from flashcards.models import CardState

    leeches = set(CardState.objects.filter(user=user, card__deck=deck, is_leech=True).values_list("card_id", flat=True))
    cards = list(
        cards_visible_to(user=user)
        .filter(deck=deck, is_active=True)
        .select_related("lesson")
        .defer("lesson__segments", "lesson__toc", "lesson__search_text")
        .order_by(F("owner_id").asc(nulls_first=True), "position", "id")
    )
    for card in cards:
        extra = (["leech"] if card.id in leeches else []) + (["mine"] if card.owner_id else [])
        card.export_tags = list(dict.fromkeys([t.replace(" ", "_") for t in card.tags] + extra))
    return cards


def _sides(card: Card) -> tuple[str, str]:
    if card.kind == Card.Kind.CLOZE:
        back = cloze_side(card.front, card.cloze_number, answer=True)
        return cloze_side(card.front, card.cloze_number, answer=False), back + (f"\n\n{card.back}" if card.back else "")
    return card.front, card.back


def deck_csv(*, user, deck: Deck) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for card in _cards(user, deck):
        front, back = _sides(card)
        lesson = card.lesson.slug + (f"#{card.lesson_anchor}" if card.lesson_anchor else "") if card.lesson else ""
        row = [card.stable_id or f"own-{card.id}", front, back, " ".join(card.export_tags), lesson, "yes" if card.owner_id else ""]
        writer.writerow(csv_row_safe(row))
    return out.getvalue()


def _anki_id(text: str) -> int:
    # Anki wants stable 31-bit-ish positive ids; derive them from our stable ids.
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16) | (1 << 30)


def deck_apkg(*, user, deck: Deck) -> bytes:
    import genanki

    code_css = (Path(settings.BASE_DIR) / "static" / "css" / "code.css")
    model = genanki.Model(
        _anki_id("redrive-basic-model"),
        "Redrive (front/back)",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Lesson"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}{{#Lesson}}<p class="lesson">{{Lesson}}</p>{{/Lesson}}',
            }
        ],
        css=(
            ".card { font-family: system-ui, sans-serif; font-size: 20px; text-align: center; }\n"
            "pre { text-align: left; font-size: 14px; background: #f1efe9; padding: .6em; border-radius: 6px; }\n"
            ".cloze-gap, .cloze-answer { font-weight: bold; color: #0a6b66; }\n.lesson { font-size: 13px; color: #58606b; }\n"
            + (code_css.read_text() if code_css.exists() else "")
        ),
    )
    anki_deck = genanki.Deck(_anki_id(deck.stable_id), f"Redrive::{deck.title}")
    for card in _cards(user, deck):
        lesson = card.lesson.title if card.lesson else ""
        guid = genanki.guid_for(card.stable_id or f"redrive-own-{card.id}")
        tags = card.export_tags
        anki_deck.add_note(genanki.Note(model=model, fields=[card.front_html, card.back_html, lesson], tags=tags, guid=guid))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deck.apkg"
        genanki.Package(anki_deck).write_to_file(str(path))
        return path.read_bytes()
