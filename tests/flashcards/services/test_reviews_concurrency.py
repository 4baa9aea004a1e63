"""Reviews and undos at the same moment, each in a thread with its own
database connection, as web workers would run them. A rating applies once,
whatever the number of copies sent; undos take back one review each.

(SQLite takes its write lock at BEGIN, so writes never overlap there: the
PostgreSQL pass of `make test` runs these.)"""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client

from flashcards.models import CardState, ReviewLog
from flashcards.services.reviews import StaleVersion, card_review, review_undo
from accounts.services.tokens import api_token_create
from tests.flashcards.reviewing import rate

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL: `make test` runs this in its PostgreSQL pass"),
    pytest.mark.django_db(transaction=True),
]


def _at_once(count: int, work):
    """Run work(i) in `count` threads released together; each closes its connection."""
    barrier = threading.Barrier(count)

    def run(i):
        try:
            barrier.wait(timeout=30)
            return work(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def _outcome(call):
    try:
        call()
        return "applied"
    except StaleVersion:
        return "stale"


def test_twenty_copies_of_one_rating_apply_once(alice, card, now):
    rate(user=alice, card=card, rating=3, now=now)  # started: version 1
    outcomes = _at_once(20, lambda i: _outcome(lambda: card_review(user=alice, card=card, rating=3, version=1)))
    assert sorted(outcomes) == ["applied"] + ["stale"] * 19
    state = CardState.objects.get(user=alice, card=card)
    assert (state.reps, state.version, ReviewLog.objects.filter(user=alice).count()) == (2, 2, 2)


def test_twenty_first_ratings_of_a_new_card_apply_once(alice, card):
    outcomes = _at_once(20, lambda i: _outcome(lambda: card_review(user=alice, card=card, rating=3, version=0)))
    assert sorted(outcomes) == ["applied"] + ["stale"] * 19
    assert CardState.objects.get(user=alice, card=card).reps == 1
    assert ReviewLog.objects.filter(user=alice).count() == 1


def test_twenty_identical_api_posts_give_one_201_and_nineteen_409s(alice, card):
    token = "Bearer " + api_token_create(user=alice, name="t")[1]
    read = Client().get("/api/flashcards/due/", HTTP_AUTHORIZATION=token).json()["card"]
    body = json.dumps({"card_id": read["id"], "rating": 3, "version": read["version"]})

    def post(i):
        return Client().post("/api/flashcards/reviews/", body, content_type="application/json", HTTP_AUTHORIZATION=token).status_code

    assert sorted(_at_once(20, post)) == [201] + [409] * 19
    assert ReviewLog.objects.filter(user=alice).count() == 1


def test_ratings_of_one_card_from_many_clients_apply_in_turn_and_are_logged_in_that_order(alice, card):
    def until_applied(i):
        while True:  # a client that, refused, reads the card again and rates it again
            try:
                return rate(user=alice, card=card, rating=3)
            except StaleVersion:
                continue

    _at_once(10, until_applied)
    logs = list(ReviewLog.objects.filter(user=alice, card=card).order_by("id"))
    assert [log.before["reps"] for log in logs] == list(range(10))  # each built on the one before
    assert [log.reviewed_at for log in logs] == sorted(log.reviewed_at for log in logs)
    assert CardState.objects.get(user=alice, card=card).reps == 10


def test_ten_undos_at_once_take_back_ten_reviews_one_each(alice, card, now):
    rate(user=alice, card=card, rating=3, now=now)
    after_first = CardState.objects.filter(user=alice, card=card).values().get()
    for minute in range(1, 11):
        rate(user=alice, card=card, rating=3, now=now + timedelta(days=minute))
    undone = _at_once(10, lambda i: review_undo(user=alice))
    assert undone == [card] * 10
    state = CardState.objects.filter(user=alice, card=card).values().get()
    assert ReviewLog.objects.filter(user=alice).count() == 1
    assert state["reps"] == 1 and state["version"] == 21  # 11 reviews and 10 undos, each counted
    assert {k: v for k, v in state.items() if k != "version"} == {k: v for k, v in after_first.items() if k != "version"}


def test_undos_and_reviews_at_once_leave_each_state_matching_its_log(alice, decks, now):
    from flashcards.models import Card

    cards = list(Card.objects.order_by("id")[:4])
    for card in cards:
        for day in range(3):
            rate(user=alice, card=card, rating=3, now=now + timedelta(days=day))

    def work(i):
        if i % 2:
            return review_undo(user=alice)
        card = cards[i // 2 % len(cards)]
        try:
            return rate(user=alice, card=card, rating=3)
        except StaleVersion:
            return None

    _at_once(12, work)
    for card in cards:
        state = CardState.objects.get(user=alice, card=card)
        assert state.reps == ReviewLog.objects.filter(user=alice, card=card).count()
