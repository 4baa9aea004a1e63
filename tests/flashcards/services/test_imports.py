"""CSV import of own cards: per-row errors, and nothing half-imported."""

from flashcards.models import Card, Deck
from flashcards.services.imports import cards_import_csv


def _import(user, text, deck_slug="basics"):
    return cards_import_csv(user=user, deck=Deck.objects.get(slug=deck_slug), data=text.encode())


def test_good_rows_become_own_cards(alice, decks):
    result = _import(alice, "front,back,tags\nWhat is SQS?,A queue service,sqs aws\n`code` front,**bold** back,\n")
    assert result.errors == []
    cards = Card.objects.filter(owner=alice).order_by("id")
    assert [c.front for c in cards] == ["What is SQS?", "`code` front"]
    assert cards[0].tags == ["sqs", "aws"]
    assert "<strong>bold</strong>" in cards[1].back_html


def test_one_bad_row_imports_nothing_and_names_each_bad_row(alice, decks):
    result = _import(alice, "front,back\nfine,row\n,no front\nno back,\nalso,fine\n")
    assert result.errors == ["row 3: the front is empty", "row 4: the back is empty"]
    assert not Card.objects.filter(owner=alice).exists()


def test_a_file_without_the_header_is_refused(alice, decks):
    assert _import(alice, "question,answer\nq,a\n").errors == [
        "row 1: the header must name the columns front and back (and optionally id and tags)"
    ]


def test_a_row_with_too_many_cells_is_refused(alice, decks):
    assert _import(alice, "front,back\na,b,c\n").errors == ["row 2: more cells than the header has columns"]


def test_a_file_that_is_not_utf8_is_refused(alice, decks):
    result = cards_import_csv(user=alice, deck=Deck.objects.get(slug="basics"), data="front,back\ncafé,x\n".encode("latin-1"))
    assert result.errors == ["file: not UTF-8 text (save the CSV as UTF-8)"]


def test_an_empty_file_is_refused(alice, decks):
    assert _import(alice, "front,back\n\n").errors == ["file: no cards found under the header"]


def test_quoted_multiline_cells_are_one_row(alice, decks):
    result = _import(alice, 'front,back\n"line one\nline two",back\nsecond,row\n')
    assert result.errors == []
    assert Card.objects.filter(owner=alice).count() == 2


def test_an_export_imported_into_another_deck_updates_own_cards_and_skips_course_cards(alice, decks):
    from flashcards.exports import deck_csv
    from flashcards.services.cards import card_create

    basics = Deck.objects.get(slug="basics")
    other = Deck.objects.exclude(pk=basics.pk).filter(is_active=True).first()
    mine = card_create(user=alice, deck=basics, front="What is a DLQ?", back="Where poison messages go", tags="dlq")
    exported = deck_csv(user=alice, deck=basics)
    course_rows = Card.objects.filter(deck=basics, owner__isnull=True, is_active=True).count()
    assert course_rows and f"own-{mine.id}," in exported

    again = cards_import_csv(user=alice, deck=other, data=exported.encode())
    assert again.errors == [] and again.created == [] and again.updated == [] and again.unchanged == 1
    assert len(again.skipped) == course_rows and all("a course card, already in your decks" in s for s in again.skipped)
    assert Card.objects.filter(owner=alice).count() == 1
    mine.refresh_from_db()
    assert mine.tags == ["dlq"]  # the export's "mine" marker is not taken for a tag

    edited = exported.replace("Where poison messages go", "Where poison messages end up")
    result = cards_import_csv(user=alice, deck=other, data=edited.encode())
    assert [c.id for c in result.updated] == [mine.id] and result.created == []
    mine.refresh_from_db()
    assert mine.back == "Where poison messages end up" and "end up" in mine.back_html
    assert result.summary() == f"0 cards created, 1 card updated, {course_rows} skipped."


def test_rows_already_in_the_deck_or_repeated_in_the_file_are_skipped_as_duplicates(alice, decks):
    first = _import(alice, "front,back\nQ one,A one\n")
    assert len(first.created) == 1
    result = _import(alice, "front,back\nQ one,A  one\nQ two,A two\nQ two,A two\n")
    assert [c.front for c in result.created] == ["Q two"]
    assert result.skipped == ["row 2: the same front and back is already in “Basics”", "row 4: the same front and back is already in “Basics”"]
    assert result.summary() == "1 card created, 0 cards updated, 2 skipped."


def test_an_oversized_cell_gets_a_message_a_learner_understands_with_its_row(alice, decks):
    huge = "x" * 200_000
    result = _import(alice, f"front,back\nfine,row\n{huge},back\n")
    assert result.errors == ["row 3: a cell is far longer than a card side may be (5000 characters)"]
    assert "131072" not in " ".join(result.errors)


def test_a_header_naming_a_column_twice_is_refused(alice, decks):
    result = _import(alice, "front,back,Front\nfirst,answer,second\n")
    assert result.errors == ["row 1: the header names front more than once; name each column once"]
    assert not Card.objects.filter(owner=alice).exists()


def test_a_nul_anywhere_in_the_file_is_refused_with_its_row(alice, decks):
    result = _import(alice, "front,back\nok,fine\nbad\x00cell,x\n")
    assert result.errors == ["row 3: contains a NUL character (U+0000), which text cannot hold"]
    assert not Card.objects.filter(owner=alice).exists()
