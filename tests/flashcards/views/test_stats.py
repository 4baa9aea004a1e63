"""/flashcards/stats/: charts drawn on the server, numbers beside them."""

from datetime import timedelta

from django.utils import timezone

from flashcards.models import Card, CardState
from tests.flashcards.reviewing import rate


def test_it_draws_the_heatmap_forecast_retention_and_states(alice_client, alice, decks):
    now = timezone.now()
    cards = list(Card.objects.all())
    for card in cards[:3]:
        rate(user=alice, card=card, rating=4, now=now - timedelta(days=3))
    CardState.objects.filter(user=alice).update(due=now - timedelta(hours=1))
    rate(user=alice, card=cards[0], rating=3, now=now)
    rate(user=alice, card=cards[1], rating=1, now=now)
    html = alice_client.get("/flashcards/stats/").content.decode()
    assert 'class="chart heatmap"' in html and "5 reviews on 2 days" in html
    assert 'class="chart forecast"' in html
    assert "1 of 2 recalled" in html  # true retention: Good passes, Again fails
    assert 'class="chart states"' in html and "Relearning <b>1</b>" in html and "New <b>3</b>" in html


def test_it_works_with_no_reviews_at_all(alice_client, decks):
    html = alice_client.get("/flashcards/stats/").content.decode()
    assert "0 reviews on 0 days" in html
    assert "no reviews of learned cards yet" in html


def test_a_cards_history_is_drawn_on_its_page(alice_client, alice, card):
    now = timezone.now()
    rate(user=alice, card=card, rating=3, now=now - timedelta(days=2))
    rate(user=alice, card=card, rating=3, now=now - timedelta(days=1))
    html = alice_client.get(f"/flashcards/cards/{card.id}/").content.decode()
    assert 'class="chart history"' in html
    assert html.count('class="dot rating-3"') == 2


def test_bob_cannot_open_alices_own_card(client, alice, bob, card):
    own = Card.objects.create(deck=card.deck, owner=alice, front="secret", back="s", front_html="secret", back_html="s")
    client.force_login(bob)
    assert client.get(f"/flashcards/cards/{own.id}/").status_code == 404
    assert client.get(f"/flashcards/cards/{own.id}/edit/").status_code == 404
