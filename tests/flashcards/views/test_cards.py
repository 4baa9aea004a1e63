"""Own cards: add (also from a lesson), edit, delete; suspend and resume any card."""

from flashcards.models import Card, CardState, ReviewLog
from tests.flashcards.reviewing import rate


def test_a_new_own_card_from_a_lesson_links_back_and_picks_its_deck(alice_client, alice, decks):
    page = alice_client.get("/flashcards/cards/new/?lesson=events").content.decode()
    assert "From the lesson" in page and 'value="events"' in page
    basics_id = Card.objects.get(stable_id="card-event-tense").deck_id
    response = alice_client.post(
        "/flashcards/cards/new/", {"deck": basics_id, "front": "What tense?", "back": "Past", "tags": "naming, mine", "lesson": "events"}
    )
    assert response.status_code == 302 and response["Location"] == "/lessons/events/"
    card = Card.objects.get(owner=alice)
    assert (card.lesson.slug, card.tags, card.front_html) == ("events", ["naming", "mine"], "<p>What tense?</p>\n")


def test_an_empty_side_is_refused(alice_client, alice, decks):
    basics_id = Card.objects.get(stable_id="card-event-tense").deck_id
    response = alice_client.post("/flashcards/cards/new/", {"deck": basics_id, "front": "Q", "back": " "})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not Card.objects.filter(owner=alice).exists()


def test_editing_an_own_card_keeps_its_history(alice_client, alice, card):
    own = Card.objects.create(deck=card.deck, owner=alice, front="old", back="b", front_html="old", back_html="b")
    rate(user=alice, card=own, rating=3)
    response = alice_client.post(f"/flashcards/cards/{own.id}/edit/", {"deck": card.deck_id, "front": "new **front**", "back": "b"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert "<strong>front</strong>" in own.front_html
    assert ReviewLog.objects.filter(card=own).count() == 1


def test_course_cards_cannot_be_edited_or_deleted(alice_client, card):
    assert alice_client.get(f"/flashcards/cards/{card.id}/edit/").status_code == 404
    assert alice_client.post(f"/flashcards/cards/{card.id}/delete/").status_code == 404
    assert Card.objects.filter(pk=card.pk).exists()


def test_suspend_and_resume(alice_client, alice, card):
    alice_client.post(f"/flashcards/cards/{card.id}/suspend/", {"suspended": "1"})
    assert CardState.objects.get(user=alice, card=card).suspended is True
    assert "suspended" in alice_client.get("/flashcards/cards/?show=suspended").content.decode()
    alice_client.post(f"/flashcards/cards/{card.id}/suspend/", {"suspended": "0"})
    assert CardState.objects.get(user=alice, card=card).suspended is False


def test_the_list_finds_cards_and_never_shows_another_learners(alice_client, bob, card):
    Card.objects.create(deck=card.deck, owner=bob, front="bob's private card", back="b", front_html="", back_html="")
    html = alice_client.get("/flashcards/cards/?q=tense").content.decode()
    assert "In which tense" in html and "What is the difference" not in html
    assert "bob's private card" not in alice_client.get("/flashcards/cards/").content.decode()


def test_the_list_shows_a_cloze_note_once_as_the_learner_reads_it(alice_client, alice, decks):
    from flashcards.services.cards import card_create
    from flashcards.models import Deck

    card_create(user=alice, deck=Deck.objects.get(slug="basics"), front="Why **bold** and `code`?", back="Because")
    html = alice_client.get("/flashcards/cards/").content.decode()
    assert "{{c1::" not in html and "{{c2::" not in html
    assert html.count("A redrive policy moves a message to the dead-letter queue after maxReceiveCount receives.") == 1
    assert "cloze · 2 cards" in html
    assert "Why bold and code?" in html and "**bold**" not in html and "`code`" not in html
