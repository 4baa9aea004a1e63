"""Options are shuffled per learner and check, stable for that learner, and keep
their written indexes so answers are graded and stored as written."""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser

from learning.selectors.quickchecks import quick_check_options_for

OPTIONS = [{"text": f"option {n}", "correct": n == 1, "why": ""} for n in range(4)]


def _check(stable_id="qc-a", kind="single", options=OPTIONS):
    return SimpleNamespace(stable_id=stable_id, kind=kind, options=options)


def _learner(pk):
    return SimpleNamespace(pk=pk, is_authenticated=True)


def _order(check, user):
    return [o["index"] for o in quick_check_options_for(check=check, user=user)]


def test_a_learner_sees_the_same_order_every_time():
    check = _check()
    assert _order(check, _learner(7)) == _order(check, _learner(7))


def test_learners_see_different_orders_and_the_written_order_is_not_the_rule():
    check = _check()
    orders = {tuple(_order(check, _learner(pk))) for pk in range(1, 21)}
    assert len(orders) > 5
    positions_of_the_answer = {order.index(1) for order in orders}
    assert positions_of_the_answer == {0, 1, 2, 3}


def test_each_shown_option_keeps_its_written_index_and_content():
    shown = quick_check_options_for(check=_check(), user=_learner(3))
    assert sorted(o["index"] for o in shown) == [0, 1, 2, 3]
    for option in shown:
        assert option["text"] == OPTIONS[option["index"]]["text"]
        assert option["correct"] == OPTIONS[option["index"]]["correct"]


def test_one_learner_gets_different_orders_for_different_checks():
    learner = _learner(5)
    orders = {tuple(_order(_check(stable_id=f"qc-{n}"), learner)) for n in range(10)}
    assert len(orders) > 3


def test_true_false_keeps_true_first():
    options = [{"text": "True", "correct": False, "why": ""}, {"text": "False", "correct": True, "why": ""}]
    for pk in range(1, 10):
        assert _order(_check(kind="truefalse", options=options), _learner(pk)) == [0, 1]


def test_a_visitor_who_is_not_logged_in_gets_a_shuffled_order_too():
    orders = {tuple(_order(_check(stable_id=f"qc-{n}"), AnonymousUser())) for n in range(10)}
    assert len(orders) > 3
