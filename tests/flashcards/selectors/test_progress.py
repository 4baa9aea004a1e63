"""deck_progress_for: the gradebook's view of decks, one entry per (learner, deck)."""

from datetime import timedelta

from flashcards.models import Card, CardState, Deck
from flashcards.selectors.progress import deck_progress_for
from tests.flashcards.reviewing import rate


def test_it_counts_total_reviewed_and_mastered_cards(alice, bob, decks, now):
    basics, queues = Deck.objects.get(slug="basics"), Deck.objects.get(slug="queues")
    first, second = list(basics.cards.order_by("position")[:2])
    rate(user=alice, card=first, rating=3, now=now)
    rate(user=alice, card=first, rating=3, now=now + timedelta(minutes=1))  # twice: one card
    rate(user=alice, card=second, rating=4, now=now)
    CardState.objects.filter(user=alice, card=second).update(stability=30)
    Card.objects.create(deck=basics, owner=alice, front="f", back="b", front_html="f", back_html="b")  # own cards do not count

    progress = deck_progress_for(user_ids=[alice.id, bob.id], deck_ids=[basics.id, queues.id])
    assert progress[(alice.id, basics.id)] == {"total": 3, "reviewed": 2, "mastered": 1}
    assert progress[(alice.id, queues.id)] == {"total": 3, "reviewed": 0, "mastered": 0}  # 1 card + 2 cloze cards
    assert progress[(bob.id, basics.id)] == {"total": 3, "reviewed": 0, "mastered": 0}


def test_it_uses_three_queries_whatever_the_size(alice, bob, decks, django_assert_num_queries):
    ids = list(Deck.objects.values_list("id", flat=True))
    with django_assert_num_queries(3):
        deck_progress_for(user_ids=[alice.id, bob.id], deck_ids=ids)
