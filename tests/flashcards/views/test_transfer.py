"""Deck export as CSV and as an Anki package; CSV import through the page."""

import csv
import io
import sqlite3
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from flashcards.models import Card


def test_csv_export_has_the_course_cards_and_only_my_own(alice_client, alice, bob, card):
    Card.objects.create(deck=card.deck, owner=alice, front="my front", back="my back", front_html="", back_html="", tags=["mine"])
    Card.objects.create(deck=card.deck, owner=bob, front="bob front", back="b", front_html="", back_html="")
    response = alice_client.get("/flashcards/decks/basics/export.csv")
    assert response["Content-Disposition"] == 'attachment; filename="redrive-basics.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["front"][:12] for r in rows] == ["In which ten", "What is the ", "What does th", "my front"]
    assert rows[0]["lesson"] == "events#naming-events" and rows[0]["tags"] == "naming"
    assert rows[-1]["mine"] == "yes"


def test_cloze_cards_export_with_the_gap(alice_client, decks):
    rows = list(csv.DictReader(io.StringIO(alice_client.get("/flashcards/decks/queues/export.csv").content.decode())))
    assert rows[1]["front"] == "A redrive policy moves a message to the [...] after maxReceiveCount receives."


def test_apkg_export_is_an_anki_collection(alice_client, alice, card, tmp_path):
    Card.objects.create(deck=card.deck, owner=alice, front="mine", back="b", front_html="<p>mine</p>", back_html="<p>b</p>", tags=["t"])
    response = alice_client.get("/flashcards/decks/basics/export.apkg")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "collection.anki2" in archive.namelist()
    path = tmp_path / "collection.anki2"
    path.write_bytes(archive.read("collection.anki2"))
    db = sqlite3.connect(path)
    notes = db.execute("select flds, tags from notes").fetchall()
    assert len(notes) == 4 and db.execute("select count(*) from cards").fetchone()[0] == 4
    assert any("In which tense" in flds for flds, _ in notes)
    assert any("mine" in tags for _, tags in notes)


def test_import_page_shows_row_errors_and_imports_nothing(alice_client, alice, decks):
    upload = SimpleUploadedFile("cards.csv", b"front,back\nok,fine\n,missing\n", content_type="text/csv")
    deck_id = Card.objects.get(stable_id="card-event-tense").deck_id
    response = alice_client.post("/flashcards/import/", {"deck": deck_id, "file": upload})
    assert response.status_code == 422
    assert "row 3: the front is empty" in response.content.decode()
    assert not Card.objects.filter(owner=alice).exists()


def test_import_page_imports_a_good_file(alice_client, alice, decks):
    upload = SimpleUploadedFile("cards.csv", b"front,back\nok,fine\n", content_type="text/csv")
    deck_id = Card.objects.get(stable_id="card-event-tense").deck_id
    response = alice_client.post("/flashcards/import/", {"deck": deck_id, "file": upload})
    assert response.status_code == 302
    assert Card.objects.filter(owner=alice).count() == 1


def test_a_learners_leeches_are_tagged_in_the_export(alice_client, alice, card):
    from flashcards.models import CardState

    CardState.objects.create(user=alice, card=card, is_leech=True, suspended=True)
    rows = list(csv.DictReader(io.StringIO(alice_client.get("/flashcards/decks/basics/export.csv").content.decode())))
    assert rows[0]["tags"] == "naming leech"
    assert rows[1]["tags"] == ""


def test_importing_an_export_says_what_was_created_updated_and_skipped(alice_client, alice, card):
    exported = alice_client.get(f"/flashcards/decks/{card.deck.slug}/export.csv").content
    upload = SimpleUploadedFile("cards.csv", exported + b",New front,New back,,,\n", content_type="text/csv")
    response = alice_client.post("/flashcards/import/", {"deck": card.deck_id, "file": upload}, follow=True)
    page = response.content.decode()
    import csv
    import io

    course_rows = len(list(csv.reader(io.StringIO(exported.decode())))) - 1
    assert f"1 card created, 0 cards updated, {course_rows} skipped." in page
    assert "card-event-tense is a course card, already in your decks" in page
    assert Card.objects.filter(owner=alice).count() == 1


def test_an_oversized_cell_is_explained_on_the_import_page(alice_client, alice, decks):
    upload = SimpleUploadedFile("cards.csv", b"front,back\n" + b"y" * 140_000 + b",back\n", content_type="text/csv")
    deck_id = Card.objects.get(stable_id="card-event-tense").deck_id
    page = alice_client.post("/flashcards/import/", {"deck": deck_id, "file": upload}).content.decode()
    assert "row 2: a cell is far longer than a card side may be" in page and "131072" not in page


def test_csv_export_quotes_cells_a_spreadsheet_would_run(alice_client, alice, decks):
    from flashcards.models import Card, Deck
    from flashcards.services.cards import own_card_build

    deck = Deck.objects.get(slug="basics")
    for front, back in [("=cmd|' /C calc'!A0", "@SUM(A1:A2)"), ("+1", "-1"), ("plain", "text")]:
        own_card_build(user=alice, deck=deck, front=front, back=back, tags="").save()
    rows = list(csv.DictReader(io.StringIO(alice_client.get("/flashcards/decks/basics/export.csv").content.decode())))
    mine = {row["front"]: row["back"] for row in rows if row["mine"] == "yes"}
    assert mine == {"'=cmd|' /C calc'!A0": "'@SUM(A1:A2)", "'+1": "'-1", "plain": "text"}
    assert Card.objects.filter(owner=alice, front="=cmd|' /C calc'!A0").exists(), "stored as typed; quoted only in the file"
