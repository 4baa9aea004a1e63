"""A deck assignment: done at a target of cards reviewed (or mastered), measured
from the learner's real FSRS reviews."""

import pytest
from django.utils import timezone

from flashcards.models import Card, Deck
from flashcards.services.reviews import card_review
from classes.selectors.gradebook import gradebook_for, learner_work_for
from classes.services.classes import ClassError, assignment_create
from tests.classes.conftest import due_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def deck(db):
    deck = Deck.objects.create(stable_id="deck-c-1", slug="sqs-basics", title="SQS basics")
    for n in range(4):
        Card.objects.create(deck=deck, stable_id=f"card-c-{n}", front=f"Question {n}", back=f"Answer {n}", front_html=f"<p>Question {n}</p>", back_html=f"<p>Answer {n}</p>")
    return deck


def cell(classroom, user, assignment):
    book = gradebook_for(classroom=classroom, now=timezone.now())
    row = next(r for r in book.rows if r.student == user)
    return next(c for c in row.cells if c.assignment == assignment)


def test_a_deck_is_done_once_the_target_number_of_cards_is_reviewed(messaging, sam, tess, deck):
    assignment = assignment_create(classroom=messaging, kind="deck", slug=deck.slug, due_at=due_in(2), deck_target_count=2)
    card_review(user=sam, card=deck.cards.order_by("id")[0], rating=3, version=0)
    assert (cell(messaging, sam, assignment).progress, cell(messaging, sam, assignment).done) == ("1 / 2 reviewed", False)
    card_review(user=sam, card=deck.cards.order_by("id")[1], rating=3, version=0)
    c = cell(messaging, sam, assignment)
    assert (c.progress, c.done, c.score) == ("2 / 2 reviewed", True, 1.0)
    assert cell(messaging, tess, assignment).progress == "0 / 2 reviewed"


def test_without_a_count_every_card_of_the_deck_is_the_target(messaging, sam, deck):
    assignment = assignment_create(classroom=messaging, kind="deck", slug=deck.slug, due_at=due_in(2))
    card_review(user=sam, card=deck.cards.first(), rating=3, version=0)
    assert cell(messaging, sam, assignment).progress == "1 / 4 reviewed"


def test_a_mastered_target_does_not_count_a_card_seen_once(messaging, sam, deck):
    assignment = assignment_create(classroom=messaging, kind="deck", slug=deck.slug, due_at=due_in(2), deck_target="mastered", deck_target_count=1)
    card_review(user=sam, card=deck.cards.first(), rating=3, version=0)
    assert (cell(messaging, sam, assignment).progress, cell(messaging, sam, assignment).done) == ("0 / 1 mastered", False)


def test_the_learner_sees_the_deck_among_what_is_due(messaging, sam, deck):
    assignment_create(classroom=messaging, kind="deck", slug=deck.slug, due_at=due_in(2))
    work = learner_work_for(user=sam, now=timezone.now())
    assert [c.assignment.title for c in work["due"]] == ["SQS basics"]


def test_a_retired_or_unknown_deck_cannot_be_assigned(messaging, deck):
    Deck.objects.filter(id=deck.id).update(is_active=False)
    with pytest.raises(ClassError, match="No deck has the slug"):
        assignment_create(classroom=messaging, kind="deck", slug=deck.slug, due_at=due_in(2))


def test_the_gradebook_csv_gives_a_deck_the_number_of_cards_reviewed(messaging, sam, deck):
    from classes.selectors.gradebook import gradebook_table

    assignment_create(classroom=messaging, kind="deck", slug=deck.slug, due_at=due_in(2), deck_target="mastered", deck_target_count=3)
    for card in deck.cards.order_by("id")[:2]:
        card_review(user=sam, card=card, rating=3, version=0)
    header, *rows = gradebook_table(gradebook_for(classroom=messaging, now=timezone.now()))
    sams = dict(zip(header, next(r for r in rows if r[0] == "sam")))
    assert (sams["SQS basics (deck) status"], sams["SQS basics (deck) cards reviewed"], sams["SQS basics (deck) progress"]) == (
        "started", 2, "0 / 3 mastered"
    )
