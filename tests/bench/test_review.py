"""bench/review.py: the open loop's arrivals and how a run's steps are judged."""

import random

from bench.review import Learners, arrival_times, max_rate_within_target, overloaded, rates_to_offer, step_summary


def _step(rate, p95, errors=0, achieved=None):
    return {"offered_rate_per_s": rate, "p95_ms": p95, "errors": errors, "achieved_rate_per_s": rate if achieved is None else achieved}


def test_arrivals_come_at_the_offered_rate_whatever_the_answers():
    times = arrival_times(150, 60, random.Random(1))
    assert abs(len(times) / 60 - 150) < 5
    assert times == sorted(times) and 0 <= times[0] and times[-1] < 60
    gaps = [b - a for a, b in zip(times, times[1:])]
    # Independent arrivals: gaps spread out (exponential), not a fixed beat.
    assert min(gaps) < 0.1 / 150 and max(gaps) > 3 / 150


def test_the_target_rate_is_always_stepped_through_in_increasing_order():
    assert rates_to_offer("300, 50,100", 150) == [50.0, 100.0, 150.0, 300.0]
    assert rates_to_offer("150", 150) == [150.0]


def test_the_highest_rate_within_target_counts_only_steps_without_errors():
    steps = [_step(50, 10), _step(100, 20), _step(150, 45, errors=1), _step(200, 49), _step(250, 80)]
    assert max_rate_within_target(steps, 50) == 200
    assert max_rate_within_target([_step(50, 51)], 50) is None


def test_stepping_stops_once_the_server_falls_behind():
    assert not overloaded(_step(150, 40), 50)
    assert overloaded(_step(150, 250), 50)  # p95 far past the target
    assert overloaded(_step(300, 40, achieved=200), 50)  # answering fewer than offered: a queue grows


def test_a_step_reports_latency_percentiles_and_the_rate_achieved():
    summary = step_summary(100, 10, [float(ms) for ms in range(1, 101)], ["boom"], span=10)
    assert (summary["p50_ms"], summary["p95_ms"], summary["achieved_rate_per_s"]) == (50.5, 95.0, 10.0)
    assert (summary["errors"], summary["first_error"]) == (1, "boom")


def test_a_learner_mid_round_trip_takes_no_other_arrival_and_one_out_of_cards_none_at_all():
    learners = Learners(["a", "b"])
    first, second = learners.take(), learners.take()
    assert (first, second, learners.take(timeout=0.01)) == (0, 1, None)
    learners.give_back(first, {"id": 1, "version": 0}, fetched=True)
    learners.give_back(second, None, fetched=True)  # no card left
    assert learners.take() == first and learners.take() is None


def test_an_arrival_waits_for_a_learner_to_be_free():
    import threading

    learners = Learners(["a"])
    busy = learners.take()
    threading.Timer(0.05, lambda: learners.give_back(busy, {"id": 1, "version": 1}, fetched=True)).start()
    assert learners.take(timeout=5) == busy
