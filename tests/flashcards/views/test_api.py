"""JSON API: GET /api/flashcards/due/ and POST /api/flashcards/reviews/ with a bearer token."""

import json

import pytest

from flashcards.models import Card, ReviewLog
from accounts.services.tokens import api_token_create
from tests.flashcards.reviewing import current_version


@pytest.fixture
def alice_token(alice):
    return "Bearer " + api_token_create(user=alice, name="t")[1]


@pytest.fixture
def bob_token(bob):
    return "Bearer " + api_token_create(user=bob, name="t")[1]


def _post(client, token, body):
    """POST a review; without a "version", the card's current one (as a client that just read it)."""
    if "version" not in body and isinstance(body.get("card_id"), int):
        card = Card.objects.filter(pk=body["card_id"]).first()
        if card is not None and _token_user(token) is not None:
            body = {**body, "version": current_version(user=_token_user(token), card=card)}
    return client.post("/api/flashcards/reviews/", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=token)


def _token_user(token):
    from accounts.models import ApiToken

    token = ApiToken.objects.filter(digest=ApiToken.digest_for(token.split(" ", 1)[1])).first()
    return token.user if token else None


def test_due_gives_counts_and_the_next_card(client, decks, alice_token):
    data = client.get("/api/flashcards/due/", HTTP_AUTHORIZATION=alice_token).json()
    assert data["due"] == 0 and data["new"] == 6
    assert set(data["card"]) >= {"id", "front", "back", "version"} and data["card"]["version"] == 0
    assert "tense" in data["card"]["front"]


def test_a_review_returns_the_new_due_and_interval(client, alice, card, alice_token):
    response = _post(client, alice_token, {"card_id": card.id, "rating": 3, "duration_ms": 2500})
    assert response.status_code == 201
    data = response.json()
    assert data["interval"] == pytest.approx(10 / 1440, rel=1e-3)
    assert data["due"].endswith("+00:00")
    assert ReviewLog.objects.get(user=alice).duration_ms == 2500


def test_due_is_null_when_nothing_is_left(client, alice, decks, alice_token):
    for card in Card.objects.all():
        _post(client, alice_token, {"card_id": card.id, "rating": 4})
    assert client.get("/api/flashcards/due/", HTTP_AUTHORIZATION=alice_token).json()["card"] is None


@pytest.mark.parametrize("rating", [0, 5, "3", 3.0, 3.7, True, None])
def test_a_bad_rating_is_a_400_with_a_message(client, card, alice_token, rating):
    # A numeric string, a fraction or a boolean is a client's mistake, not a 3:
    # the API's integers are JSON integers (accounts/api_types.py).
    response = _post(client, alice_token, {"card_id": card.id, "rating": rating})
    assert response.status_code == 400
    assert "rating must be" in response.json()["error"]
    assert response.json()["detail"][0]["field"] == "rating"
    assert not ReviewLog.objects.exists()


def test_an_unknown_card_is_a_400(client, decks, alice_token):
    response = _post(client, alice_token, {"card_id": 999999, "rating": 3, "version": 0})
    assert response.status_code == 400 and response.json()["error"] == "unknown card_id"


def test_bob_never_sees_or_reviews_alices_own_cards(client, alice, bob, card, alice_token, bob_token):
    own = Card.objects.create(deck=card.deck, owner=alice, front="alice's secret", back="b", front_html="<p>alice's secret</p>", back_html="b")
    # Alice has her card among her new cards; bob's queue never holds it.
    seen = []
    for _ in range(8):
        data = client.get("/api/flashcards/due/", HTTP_AUTHORIZATION=bob_token).json()
        if data["card"] is None:
            break
        seen.append(data["card"]["id"])
        _post(client, bob_token, {"card_id": data["card"]["id"], "rating": 4})
    assert own.id not in seen and len(seen) == 6
    response = _post(client, bob_token, {"card_id": own.id, "rating": 3, "version": 0})
    assert response.status_code == 400 and response.json()["error"] == "unknown card_id"
    assert not ReviewLog.objects.filter(card=own).exists()


def test_it_needs_a_token(client, decks):
    assert client.get("/api/flashcards/due/").status_code == 401
    assert client.get("/api/flashcards/due/", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_it_rejects_a_body_that_is_not_json(client, decks, alice_token):
    response = client.post("/api/flashcards/reviews/", "rating=3", content_type="text/plain", HTTP_AUTHORIZATION=alice_token)
    assert response.status_code == 400


def test_a_started_card_is_reviewed_with_the_learners_settings(client, alice, card, alice_token):
    from flashcards.models import CardState, StudyPreferences

    StudyPreferences.objects.create(user=alice, learning_steps=[5, 30, 120])
    first = _post(client, alice_token, {"card_id": card.id, "rating": 3}).json()
    assert first["interval"] == pytest.approx(30 / 1440, rel=1e-3)
    second = _post(client, alice_token, {"card_id": card.id, "rating": 3}).json()
    assert second["interval"] == pytest.approx(120 / 1440, rel=1e-3)
    state = CardState.objects.get(user=alice, card=card)
    assert (state.reps, state.step) == (2, 2)
    assert ReviewLog.objects.filter(user=alice).latest("id").before["reps"] == 1


def _bearer_digest(token):
    from accounts.models import ApiToken

    return ApiToken.digest_for(token.split(" ", 1)[1])


@pytest.mark.parametrize("how", ["revoked elsewhere", "deleted", "account deactivated"])
def test_a_token_that_dies_after_use_is_refused_at_once_and_nothing_is_written(client, alice, card, alice_token, how):
    from accounts.models import ApiToken

    assert client.get("/api/flashcards/due/", HTTP_AUTHORIZATION=alice_token).status_code == 200  # this process now knows it
    tokens = ApiToken.objects.filter(digest=_bearer_digest(alice_token))
    # Each as another web process, the admin or a shell would: through the
    # service or a model write, which forget the look-up in the shared cache.
    if how == "revoked elsewhere":
        from accounts.services.tokens import api_token_revoke

        assert api_token_revoke(user=alice, token_id=tokens.get().id)
    elif how == "deleted":
        tokens.delete()
    else:
        alice.is_active = False
        alice.save()
    assert client.get("/api/flashcards/due/", HTTP_AUTHORIZATION=alice_token).status_code == 401
    assert _post(client, alice_token, {"card_id": card.id, "rating": 3}).status_code == 401
    assert _post(client, alice_token, {"card_id": "not a number", "rating": 3}).status_code == 401
    assert not ReviewLog.objects.exists()


def test_a_rating_names_the_version_it_was_made_from_and_a_stale_one_is_a_409(client, alice, card, alice_token):
    data = client.get("/api/flashcards/due/", HTTP_AUTHORIZATION=alice_token).json()
    body = {"card_id": data["card"]["id"], "rating": 3, "version": data["card"]["version"]}
    first = _post(client, alice_token, body)
    assert first.status_code == 201 and first.json()["version"] == 1
    again = _post(client, alice_token, body)  # the same rating sent twice, or from a second tab
    assert again.status_code == 409 and "changed since" in again.json()["error"]
    assert ReviewLog.objects.filter(user=alice).count() == 1


def test_a_review_without_a_version_is_a_400_that_says_what_to_send(client, alice, card, alice_token):
    response = client.post(
        "/api/flashcards/reviews/", json.dumps({"card_id": card.id, "rating": 3}), content_type="application/json", HTTP_AUTHORIZATION=alice_token
    )
    assert response.status_code == 400 and "version is required" in response.json()["error"]
    assert not ReviewLog.objects.exists()


@pytest.mark.parametrize("version", ["1", 1.0, True, -1, None])
def test_a_version_that_is_not_a_whole_number_is_a_400(client, alice, card, alice_token, version):
    response = _post(client, alice_token, {"card_id": card.id, "rating": 3, "version": version})
    assert response.status_code == 400 and "version must be" in response.json()["error"]


def test_the_next_card_costs_three_queries(client, alice, card, alice_token, django_assert_num_queries):
    from flashcards.models import StudyPreferences

    StudyPreferences.objects.create(user=alice, new_per_day=0)
    _post(client, alice_token, {"card_id": card.id, "rating": 1})  # a learning card due in a minute: shown ahead
    # The counts, the state picked, its card with its deck; the token was looked up
    # by the POST above and is answered from the shared cache.
    with django_assert_num_queries(3):
        data = client.get("/api/flashcards/due/", HTTP_AUTHORIZATION=alice_token).json()
    assert data["card"]["id"] == card.id and data["card"]["version"] == 1


def test_rating_a_started_card_costs_four_queries(client, alice, card, alice_token, django_assert_num_queries):
    _post(client, alice_token, {"card_id": card.id, "rating": 1})
    # The card, the state locked (with the learner's settings), its update, the log (the
    # token comes from the shared cache);
    # and here the SAVEPOINT and RELEASE of the review's transaction inside the test's own
    # (in production, BEGIN and COMMIT, which Django does not log).
    with django_assert_num_queries(6):
        assert _post(client, alice_token, {"card_id": card.id, "rating": 3, "version": 1}).status_code == 201


def test_a_revoked_token_is_refused_even_before_this_process_forgets_it(client, alice, decks, alice_token):
    from accounts.models import ApiToken
    from accounts.services.tokens import api_token_revoke

    client.get("/api/flashcards/due/", HTTP_AUTHORIZATION=alice_token)
    token = ApiToken.objects.get(digest=_bearer_digest(alice_token))
    assert api_token_revoke(user=alice, token_id=token.id)
    assert client.get("/api/flashcards/due/", HTTP_AUTHORIZATION=alice_token).status_code == 401
