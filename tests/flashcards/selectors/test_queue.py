"""What comes next: learning first, reviews by lowest retrievability, new cards
interleaved up to the daily limits; paused decks and hidden cards stay out."""

from datetime import timedelta

from django.db.models import Q

from flashcards.models import Card, CardState, Deck, StudyPreferences
from flashcards.models.study import State
from flashcards.selectors.preferences import study_preferences_for
from flashcards.selectors.queue import due_counts_for, new_cards_for, next_card_for
from flashcards.services.cards import card_bury, card_suspend
from flashcards.services.decks import deck_pause
from tests.flashcards.reviewing import rate
from learning.models import Lesson
from learning.services.lessons import lesson_view_record


def _next(user, now):
    return next_card_for(user=user, now=now, prefs=study_preferences_for(user=user))


def _due_states(user, now, *states):
    """The due states counted row by row with the ORM: the oracle for COUNTS_SQL."""
    return CardState.objects.filter(user=user, studied=True, suspended=False, state__in=states, due__lte=now).filter(
        Q(buried_until__isnull=True) | Q(buried_until__lte=now)
    )


def _counts(user, now):
    counts = due_counts_for(user=user, now=now, prefs=study_preferences_for(user=user))
    # The counts read running tallies; these count the rows themselves.
    assert counts.new == min(new_cards_for(user=user, now=now).count(), counts.new_left)
    assert counts.review == min(_due_states(user, now, State.REVIEW).count(), counts.review_left)
    assert counts.learning == _due_states(user, now, State.LEARNING, State.RELEARNING).count()
    return counts


def _review_next(user, now, *, times: int, rating: int = 3) -> list:
    """Rate whatever comes next, `times` times; the queue items in the order they came."""
    items = []
    for _ in range(times):
        items.append(_next(user, now))
        rate(user=user, card=items[-1].card, rating=rating, now=now)
    return items


def _review_state(user, card, *, due, stability, last_review):
    CardState.objects.update_or_create(
        user=user, card=card,
        defaults=dict(state=State.REVIEW, stability=stability, difficulty=5, due=due, last_review=last_review, last_review_ts=last_review.timestamp()),
    )


def test_new_cards_stop_at_the_daily_new_limit(alice, decks, now):
    StudyPreferences.objects.create(user=alice, new_per_day=2)
    assert _counts(alice, now).new == 2
    for _ in range(2):
        rate(user=alice, card=_next(alice, now).card, rating=4, now=now)
    assert _counts(alice, now).new == 0
    assert _next(alice, now) is None
    assert _counts(alice, now + timedelta(days=1)).new == 2  # a new UTC day


def test_reviews_stop_at_the_daily_review_limit(alice, decks, now):
    StudyPreferences.objects.create(user=alice, reviews_per_day=1, new_per_day=0)
    for card in Card.objects.all()[:3]:
        _review_state(alice, card, due=now - timedelta(days=1), stability=3, last_review=now - timedelta(days=4))
    assert _counts(alice, now).review == 1
    rate(user=alice, card=_next(alice, now).card, rating=3, now=now)
    assert _counts(alice, now).review == 0 and _next(alice, now) is None


def test_learning_cards_due_now_come_first(alice, decks, now):
    cards = list(Card.objects.order_by("id"))
    _review_state(alice, cards[0], due=now - timedelta(days=1), stability=3, last_review=now - timedelta(days=4))
    rate(user=alice, card=cards[1], rating=1, now=now - timedelta(minutes=2))  # learning, due a minute ago
    item = _next(alice, now)
    assert (item.card, item.kind) == (cards[1], "learning")


def test_reviews_go_lowest_retrievability_first(alice, decks, now):
    StudyPreferences.objects.create(user=alice, new_per_day=0)
    a, b, c = Card.objects.order_by("id")[:3]
    _review_state(alice, a, due=now - timedelta(days=1), stability=10, last_review=now - timedelta(days=11))  # elapsed/S 1.1
    _review_state(alice, b, due=now - timedelta(days=1), stability=2, last_review=now - timedelta(days=6))  # 3.0: least likely recalled
    _review_state(alice, c, due=now - timedelta(hours=1), stability=1, last_review=now - timedelta(days=2))  # 2.0
    assert [item.card for item in _review_next(alice, now, times=3)] == [b, c, a]


def test_reviews_as_likely_to_be_recalled_go_in_card_order(alice, decks, now):
    StudyPreferences.objects.create(user=alice, new_per_day=0)
    cards = list(Card.objects.order_by("id")[:3])
    for card in reversed(cards):  # states created in the opposite order: the card's id decides, not the row's
        _review_state(alice, card, due=now - timedelta(days=1), stability=4, last_review=now - timedelta(days=8))
    assert [item.card for item in _review_next(alice, now, times=3)] == cards


def test_new_cards_are_interleaved_with_reviews(alice, decks, now):
    StudyPreferences.objects.create(user=alice, new_per_day=2)
    cards = list(Card.objects.order_by("id"))
    for card in cards[2:6]:
        _review_state(alice, card, due=now - timedelta(days=1), stability=3, last_review=now - timedelta(days=4))
    kinds = [item.kind for item in _review_next(alice, now, times=6, rating=4)]
    # Spread out among the reviews, not bunched at the start or the end.
    assert kinds == ["review", "new", "review", "review", "review", "new"]


def test_cards_of_lessons_read_come_first(alice, decks, now):
    first = _next(alice, now).card
    assert first.stable_id == "card-event-tense"  # course order: nothing read yet
    card_suspend(user=alice, card=first)  # take the card that also has a lesson out of the way
    queues_deck_card = Card.objects.get(stable_id="card-visibility-default")
    queues_deck_card.lesson = Lesson.objects.get(slug="dead-letters")
    queues_deck_card.save()
    lesson_view_record(user=alice, lesson=Lesson.objects.get(slug="dead-letters"))
    assert _next(alice, now).card == queues_deck_card


def test_a_paused_deck_is_not_studied(alice, decks, now):
    deck_pause(user=alice, deck=Deck.objects.get(slug="basics"))
    assert _counts(alice, now).new == 3
    assert _next(alice, now).card.deck.slug == "queues"
    deck_pause(user=alice, deck=Deck.objects.get(slug="basics"), paused=False)
    assert _counts(alice, now).new == 6


def test_suspended_and_buried_cards_are_not_shown(alice, card, now):
    card_suspend(user=alice, card=card)
    assert _next(alice, now).card != card
    assert _counts(alice, now).new == 5
    card_suspend(user=alice, card=card, suspended=False)
    card_bury(user=alice, card=card, now=now)
    assert _next(alice, now).card != card
    assert _next(alice, now + timedelta(days=1)).card == card  # unburied the next day


def test_another_learners_own_cards_are_never_in_the_queue(alice, bob, card, now):
    Card.objects.create(deck=card.deck, owner=alice, front="mine", back="b", front_html="mine", back_html="b")
    assert _counts(bob, now).new == 6
    assert _counts(alice, now).new == 7


def test_a_paused_or_removed_deck_hides_its_due_reviews(alice, decks, now):
    StudyPreferences.objects.create(user=alice, new_per_day=0)
    card = Card.objects.get(stable_id="card-event-tense")
    _review_state(alice, card, due=now - timedelta(days=1), stability=3, last_review=now - timedelta(days=4))
    assert _counts(alice, now).review == 1
    deck_pause(user=alice, deck=card.deck)
    assert _counts(alice, now).review == 0 and _next(alice, now) is None
    deck_pause(user=alice, deck=card.deck, paused=False)
    assert _next(alice, now).card == card
    (decks / "decks/basics.yaml").unlink()
    from django.core.management import call_command

    call_command("sync_course", str(decks), "--skip-lab-grading")
    assert _counts(alice, now).review == 0


def test_a_deck_count_out_of_date_does_not_hide_the_reviews_due(alice, decks, now):
    from django.db.models import F

    cards = list(Card.objects.order_by("id"))
    for card in cards:
        _review_state(alice, card, due=now + timedelta(days=3), stability=3, last_review=now - timedelta(days=1))
    _review_state(alice, cards[2], due=now - timedelta(days=1), stability=3, last_review=now - timedelta(days=4))
    Deck.objects.update(card_count=F("card_count") + 1)  # as if a sync had counted a card that is not there
    assert _counts_unchecked(alice, now).new == 2  # the count is off by the decks' error...
    item = _next(alice, now)  # ...but the review due still comes next
    assert (item.kind, item.card) == ("review", cards[2])


def _counts_unchecked(user, now):
    return due_counts_for(user=user, now=now)


def test_the_card_on_screen_is_counted_in_its_state():
    from datetime import timedelta

    from django.utils import timezone

    from flashcards.selectors.queue import DueCounts, QueueItem, counts_with_item

    now = timezone.now()
    counts = DueCounts(learning=0, review=2, new=0, new_left=0, review_left=10, done_today=5)

    class State:
        due = now + timedelta(minutes=5)

    assert counts_with_item(counts=counts, item=QueueItem(None, State(), "learning"), now=now).learning == 1
    State.due = now - timedelta(minutes=1)  # due now: already among the counts
    assert counts_with_item(counts=DueCounts(1, 2, 0, 0, 10, 5), item=QueueItem(None, State(), "learning"), now=now).learning == 1
    assert counts_with_item(counts=counts, item=QueueItem(None, None, "new"), now=now).new == 1  # brought back by undo
    assert counts_with_item(counts=counts, item=QueueItem(None, State(), "review"), now=now) == counts
    assert counts_with_item(counts=counts, item=None, now=now) == counts
