"""/flashcards/review/: one card at a time, with htmx partials or whole pages."""

from flashcards.models import Card, CardState, ReviewLog


def test_it_requires_login(client, decks):
    response = client.get("/flashcards/review/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_it_shows_the_first_card_front_only(alice_client, decks):
    html = alice_client.get("/flashcards/review/").content.decode()
    assert "Show answer" in html
    assert "In which tense are events named?" in html  # ordered by deck, then position
    assert "past tense" not in html


def test_the_answer_side_shows_intervals_on_each_rating_button(alice_client, card):
    html = alice_client.get(f"/flashcards/review/?card={card.id}&answer=1").content.decode()
    assert "past tense" in html
    for name, interval in (("Again", "1m"), ("Hard", "6m"), ("Good", "10m")):
        assert f'aria-label="{name}: next in {interval}"' in html


def test_rating_without_htmx_redirects_to_the_next_card(alice_client, alice, card):
    response = alice_client.post("/flashcards/review/rate/", {"card_id": card.id, "rating": 3, "version": 0})
    assert response.status_code == 302 and response["Location"] == "/flashcards/review/"
    assert ReviewLog.objects.get(user=alice).rating == 3


def test_rating_with_htmx_returns_the_next_card_partial(alice_client, card):
    response = alice_client.post("/flashcards/review/rate/", {"card_id": card.id, "rating": 4, "version": 0}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="session"' in html and "<html" not in html
    assert "What is the difference between an event and a command?" in html


def test_rating_with_htmx_also_updates_the_nav_badge(alice_client, card):
    assert 'title="cards due">6<' in alice_client.get("/flashcards/review/").content.decode()
    response = alice_client.post("/flashcards/review/rate/", {"card_id": card.id, "rating": 4, "version": 0}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert '<span id="nav-flashcards-due" hx-swap-oob="true"> <span class="badge" title="cards due">5<' in html


def test_the_full_page_has_one_nav_badge(alice_client, card):
    html = alice_client.get("/flashcards/review/").content.decode()
    assert html.count('id="nav-flashcards-due"') == 1 and "hx-swap-oob" not in html


def test_it_rejects_get_on_rate(alice_client, card):
    assert alice_client.get("/flashcards/review/rate/").status_code == 405


def test_a_bad_rating_is_refused(alice_client, alice, card):
    response = alice_client.post("/flashcards/review/rate/", {"card_id": card.id, "rating": 9}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "rating must be" in response.content.decode()
    assert not ReviewLog.objects.exists()


def test_bob_cannot_rate_alices_own_card(client, alice, bob, card):
    own = Card.objects.create(deck=card.deck, owner=alice, front="secret", back="s", front_html="<p>secret</p>", back_html="s")
    client.force_login(bob)
    assert client.post("/flashcards/review/rate/", {"card_id": own.id, "rating": 3}).status_code == 404
    assert client.get(f"/flashcards/review/?card={own.id}&answer=1").content.decode().count("secret") == 0


def test_undo_shows_the_card_again_and_restores_it(alice_client, alice, card):
    alice_client.post("/flashcards/review/rate/", {"card_id": card.id, "rating": 3, "version": 0})
    response = alice_client.post("/flashcards/review/undo/")
    assert response["Location"] == f"/flashcards/review/?card={card.id}"
    assert not ReviewLog.objects.exists()
    assert CardState.objects.get(user=alice, card=card).state == 0


def test_bury_hides_the_card_until_tomorrow(alice_client, alice, card):
    alice_client.post(f"/flashcards/review/cards/{card.id}/hide/", {"how": "bury"})
    assert CardState.objects.get(user=alice, card=card).buried_until is not None
    assert "In which tense" not in alice_client.get("/flashcards/review/").content.decode()


def test_an_empty_queue_shows_the_summary(alice_client, alice, decks):
    for card in Card.objects.all():
        alice_client.post("/flashcards/review/rate/", {"card_id": card.id, "rating": 4, "version": 0})
    html = alice_client.get("/flashcards/review/").content.decode()
    assert "Done for now" in html
    assert "Reviews today" in html


def test_the_nav_badge_shows_due_cards(alice_client, decks):
    html = alice_client.get("/").content.decode()
    assert 'title="cards due">6<' in html


def test_the_answer_side_names_the_version_the_rating_is_made_from(alice_client, alice, card):
    alice_client.post("/flashcards/review/rate/", {"card_id": card.id, "rating": 1, "version": 0})
    html = alice_client.get(f"/flashcards/review/?card={card.id}&answer=1").content.decode()
    assert '<input type="hidden" name="version" value="1">' in html


def test_a_rating_from_a_tab_that_showed_an_older_state_is_refused_with_a_message(alice_client, alice, card):
    alice_client.post("/flashcards/review/rate/", {"card_id": card.id, "rating": 3, "version": 0})  # the other tab
    response = alice_client.post("/flashcards/review/rate/", {"card_id": card.id, "rating": 1, "version": 0}, HTTP_HX_REQUEST="true")
    assert "This card changed since this tab showed it" in response.content.decode()
    assert ReviewLog.objects.filter(user=alice).count() == 1
    response = alice_client.post("/flashcards/review/rate/", {"card_id": card.id, "rating": 1, "version": 0}, follow=True)
    assert "This card changed since this tab showed it" in response.content.decode()
    assert ReviewLog.objects.filter(user=alice).count() == 1


def test_showing_a_card_costs_a_fixed_number_of_queries(alice_client, alice, card, django_assert_num_queries):
    from flashcards.models import StudyPreferences

    StudyPreferences.objects.create(user=alice, new_per_day=0)
    alice_client.post("/flashcards/review/rate/", {"card_id": card.id, "rating": 1, "version": 0})
    alice_client.get("/flashcards/review/")
    # Session and user, the learner's settings, the counts, the state picked, its card
    # with its deck and the last review (for undo); a partial draws no menu, so no badge count.
    with django_assert_num_queries(7):
        alice_client.get("/flashcards/review/", HTTP_HX_REQUEST="true")


def test_undo_costs_a_fixed_number_of_queries(alice_client, alice, card, django_assert_num_queries):
    alice_client.post("/flashcards/review/rate/", {"card_id": card.id, "rating": 3, "version": 0})
    # Session and user, the latest review, the state and the review locked, the state's
    # update and the review's deletion; and the SAVEPOINT and RELEASE of the undo's
    # transaction inside the test's own (in production, BEGIN and COMMIT, not logged).
    with django_assert_num_queries(9):
        assert alice_client.post("/flashcards/review/undo/").status_code == 302


def test_a_learning_card_shown_ahead_of_its_due_time_is_counted_as_learning(alice_client, alice, decks):
    from tests.flashcards.reviewing import rate

    for card in Card.objects.filter(owner__isnull=True, is_active=True):
        rate(user=alice, card=card, rating=3)  # every card now in learning, due in some minutes
    html = alice_client.get("/flashcards/review/").content.decode()
    assert "Show answer" in html  # a learning card, shown ahead of its time
    assert '<b>1</b> learning' in html and '<b>0</b> learning' not in html
    assert 'title="cards due">' not in html  # nothing is due yet: the nav badge stays empty
