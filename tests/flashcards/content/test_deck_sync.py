"""sync_course writes decks and cards by stable id: renames and edits keep history."""

from django.core.management import call_command

from flashcards.models import Card, CardState, Deck, ReviewLog
from tests.flashcards.reviewing import rate


def _sync(path):
    call_command("sync_course", str(path), "--skip-lab-grading")


def test_sync_creates_decks_and_one_card_per_cloze_number(db, course_copy):
    _sync(course_copy)
    assert list(Deck.objects.values_list("slug", flat=True)) == ["basics", "queues"]
    cloze = Card.objects.filter(stable_id__startswith="card-dlq-receives").order_by("cloze_number")
    assert [c.stable_id for c in cloze] == ["card-dlq-receives--c1", "card-dlq-receives--c2"]
    first, second = cloze
    assert '<span class="cloze-gap">[…]</span>' in first.front_html and "maxReceiveCount" in first.front_html
    assert '<span class="cloze-gap">[a setting]</span>' in second.front_html and "dead-letter queue" in second.front_html
    assert '<mark class="cloze-answer">maxReceiveCount</mark>' in second.back_html


def test_code_in_a_card_is_highlighted(db, course_copy):
    _sync(course_copy)
    card = Card.objects.get(stable_id="card-event-json")
    assert '<pre><code class="language-python">' in card.front_html and '<span class="kn">import</span>' in card.front_html


def test_a_card_links_to_its_lesson_section(db, course_copy):
    _sync(course_copy)
    card = Card.objects.get(stable_id="card-event-tense")
    assert card.lesson_url == "/lessons/events/#naming-events"


def test_a_renamed_deck_file_keeps_history(db, course_copy, alice):
    _sync(course_copy)
    card = Card.objects.get(stable_id="card-visibility-default")
    rate(user=alice, card=card, rating=3)
    old = course_copy / "decks/queues.yaml"
    (course_copy / "decks/sqs-queues.yaml").write_text(old.read_text().replace("slug: queues", "slug: sqs-queues"))
    old.unlink()
    _sync(course_copy)
    deck = Deck.objects.get(stable_id="deck-queues-0002")
    assert deck.slug == "sqs-queues"
    card.refresh_from_db()
    assert card.deck == deck and card.is_active
    assert ReviewLog.objects.filter(user=alice, card=card).count() == 1
    assert CardState.objects.filter(user=alice, card=card).exists()


def test_an_edited_card_keeps_history(db, course_copy, alice):
    _sync(course_copy)
    card = Card.objects.get(stable_id="card-visibility-default")
    rate(user=alice, card=card, rating=3)
    path = course_copy / "decks/queues.yaml"
    path.write_text(path.read_text().replace("back: 30 seconds.", "back: 30 seconds by default; 0 s to 12 h."))
    _sync(course_copy)
    edited = Card.objects.get(stable_id="card-visibility-default")
    assert edited.pk == card.pk and "12 h" in edited.back_html
    assert ReviewLog.objects.get(user=alice).card_id == card.pk


def test_a_card_moved_to_another_deck_keeps_history(db, course_copy, alice):
    _sync(course_copy)
    card = Card.objects.get(stable_id="card-visibility-default")
    rate(user=alice, card=card, rating=3)
    queues, basics = course_copy / "decks/queues.yaml", course_copy / "decks/basics.yaml"
    block = "  - id: card-visibility-default\n    front: What is the default visibility timeout of an SQS queue?\n    back: 30 seconds.\n    tags: [sqs, visibility]\n"
    queues.write_text(queues.read_text().replace(block, ""))
    basics.write_text(basics.read_text() + block)
    _sync(course_copy)
    card.refresh_from_db()
    assert card.deck.slug == "basics"
    assert ReviewLog.objects.filter(card=card).count() == 1


def test_removed_cards_and_decks_are_retired_not_deleted(db, course_copy, alice):
    _sync(course_copy)
    card = Card.objects.get(stable_id="card-visibility-default")
    rate(user=alice, card=card, rating=3)
    (course_copy / "decks/queues.yaml").unlink()
    _sync(course_copy)
    card.refresh_from_db()
    assert card.is_active is False
    assert Deck.objects.get(stable_id="deck-queues-0002").is_active is False
    assert ReviewLog.objects.filter(card=card).exists()


def test_a_course_without_decks_is_fine(db, course_copy):
    for path in (course_copy / "decks").iterdir():
        path.unlink()
    _sync(course_copy)
    assert not Deck.objects.exists()


def test_decks_follow_the_course_order_not_the_alphabet(db, course_copy):
    # Modules in course.yaml: queues first, then basics; and a deck of no module.
    course_yaml = course_copy / "course.yaml"
    text = course_yaml.read_text()
    basics, queues = text.index("  - id: mod-basics"), text.index("  - id: mod-queues")
    course_yaml.write_text(text[:basics] + text[queues:] + text[basics:queues])
    extra = (course_copy / "decks" / "basics.yaml").read_text().replace("slug: basics", "slug: aardvark").replace("module: basics\n", "")
    extra = extra.replace("id: deck-", "id: deck-extra-").replace("  - id: card-", "  - id: card-extra-")
    (course_copy / "decks" / "aardvark.yaml").write_text(extra)
    _sync(course_copy)
    assert list(Deck.objects.filter(is_active=True).values_list("slug", flat=True)) == ["queues", "basics", "aardvark"]
