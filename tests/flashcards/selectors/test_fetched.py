"""selectors.fetched: what the review API's GET read of the card it gave, kept for that card's one rating."""

from flashcards.selectors import fetched
from flashcards.selectors.fetched import Fetched, fetched_for, remember_fetched


def _fetched(card_id):
    return Fetched(card_id=card_id, row=(card_id,), state_version="100", prefs_version=None)


def test_it_is_given_back_once_and_only_for_the_card_it_was_read_for():
    remember_fetched(user_id=1, fetched=_fetched(7))
    assert fetched_for(user_id=1, card_id=8) is None
    assert fetched_for(user_id=2, card_id=7) is None
    assert fetched_for(user_id=1, card_id=7).row == (7,)
    assert fetched_for(user_id=1, card_id=7) is None  # a rating changes the state: good for one


def test_a_later_fetch_replaces_the_earlier_one():
    remember_fetched(user_id=1, fetched=_fetched(7))
    remember_fetched(user_id=1, fetched=_fetched(9))
    assert fetched_for(user_id=1, card_id=7) is None
    assert fetched_for(user_id=1, card_id=9) is not None


def test_a_card_id_of_true_is_not_card_one():
    remember_fetched(user_id=1, fetched=_fetched(1))
    assert fetched_for(user_id=1, card_id=True) is None


def test_the_least_recently_served_learner_is_forgotten_first(monkeypatch):
    monkeypatch.setattr(fetched, "_MAX_LEARNERS", 2)
    for user_id in (1, 2, 3):
        remember_fetched(user_id=user_id, fetched=_fetched(10 + user_id))
    assert fetched_for(user_id=1, card_id=11) is None
    assert fetched_for(user_id=2, card_id=12) is not None and fetched_for(user_id=3, card_id=13) is not None
