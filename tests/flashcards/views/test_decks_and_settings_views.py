"""Decks can be paused; study settings are validated, keys remappable."""

from flashcards.models import DeckPause, StudyPreferences


def test_pausing_a_deck_from_the_decks_page(alice_client, alice, decks):
    assert "Pause" in alice_client.get("/flashcards/decks/").content.decode()
    alice_client.post("/flashcards/decks/basics/pause/", {"paused": "1"})
    assert DeckPause.objects.filter(user=alice, deck__slug="basics").exists()
    assert "Resume" in alice_client.get("/flashcards/decks/").content.decode()
    alice_client.post("/flashcards/decks/basics/pause/", {"paused": "0"})
    assert not DeckPause.objects.exists()


def _settings(**changes):
    data = {
        "desired_retention": "0.9", "new_per_day": "20", "reviews_per_day": "200", "learning_steps": "1 10",
        "relearning_steps": "10", "maximum_interval": "36500", "leech_threshold": "8", "keys_enabled": "on",
        "key_show": "Space, Enter", "key_again": "1", "key_hard": "2", "key_good": "3", "key_easy": "4", "key_undo": "z",
    }
    data.update(changes)
    return data


def test_settings_are_saved(alice_client, alice):
    response = alice_client.post("/flashcards/settings/", _settings(desired_retention="0.85", learning_steps="2, 15 60", key_good="g"))
    assert response.status_code == 302
    prefs = StudyPreferences.objects.get(user=alice)
    assert (prefs.desired_retention, prefs.learning_steps, prefs.keys["good"], prefs.keys["show"]) == (0.85, [2, 15, 60], "g", " ,Enter")


def test_retention_outside_070_to_097_is_refused(alice_client, alice):
    html = alice_client.post("/flashcards/settings/", _settings(desired_retention="0.99")).content.decode()
    assert "Ensure this value is less than or equal to 0.97" in html
    assert not StudyPreferences.objects.exists()


def test_one_key_for_two_actions_is_refused(alice_client, alice):
    html = alice_client.post("/flashcards/settings/", _settings(key_undo="1")).content.decode()
    assert "&#x27;1&#x27; is already used for again" in html
