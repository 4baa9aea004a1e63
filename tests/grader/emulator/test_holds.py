"""A held answer waits until the invocations running beside it have caught up, or its cap."""

import threading
import time

from grader.emulator.holds import Holds

CAP_S = 2.0


def hold_in_thread(holds, invocation, cap_s=CAP_S):
    result = {}
    thread = threading.Thread(target=lambda: result.update(zip(("held_s", "caught_up"), holds.hold(invocation, cap_s))))
    thread.start()
    return thread, result


def wait_until_held(holds, invocation):
    for _ in range(200):
        if holds._held[invocation]:
            return
        time.sleep(0.005)
    raise AssertionError(f"{invocation} never held")


def test_two_invocations_that_both_wait_are_let_go_together():
    holds = Holds()
    holds.round_started(["inv-1", "inv-2"])
    first, first_result = hold_in_thread(holds, "inv-1")
    wait_until_held(holds, "inv-1")
    assert first.is_alive()  # inv-2 has not caught up yet
    second, second_result = hold_in_thread(holds, "inv-2")
    first.join(1)
    second.join(1)
    assert first_result["caught_up"] and second_result["caught_up"]
    assert first_result["held_s"] < CAP_S / 2


def test_an_answer_goes_once_the_other_invocation_returns():
    holds = Holds()
    holds.round_started(["inv-1", "inv-2"])
    waiting, result = hold_in_thread(holds, "inv-2")
    wait_until_held(holds, "inv-2")
    assert waiting.is_alive()
    holds.returned("inv-1")
    waiting.join(1)
    assert result["caught_up"] and result["held_s"] < CAP_S / 2


def test_the_only_invocation_left_of_a_round_is_not_held():
    holds = Holds()
    holds.round_started(["inv-1"])
    held_s, caught_up = holds.hold("inv-1", CAP_S)
    assert caught_up and held_s < CAP_S / 2


def test_an_answer_no_round_explains_waits_its_cap():
    holds = Holds()
    holds.round_started(["inv-1", "inv-2"])
    for invocation in (None, "inv-9"):  # a thread of the learner's own; an invocation not in the round
        held_s, caught_up = holds.hold(invocation, 0.05)
        assert not caught_up and held_s >= 0.05
    holds.round_ended()
    held_s, caught_up = holds.hold("inv-1", 0.05)  # outside any round
    assert not caught_up and held_s >= 0.05


def test_a_second_held_answer_of_one_invocation_waits_for_the_other_again():
    holds = Holds()
    holds.round_started(["inv-1", "inv-2"])
    a, a_result = hold_in_thread(holds, "inv-1")
    wait_until_held(holds, "inv-1")
    b, _ = hold_in_thread(holds, "inv-2")
    a.join(1)
    b.join(1)
    assert a_result["caught_up"]
    again, again_result = hold_in_thread(holds, "inv-1", cap_s=0.3)  # inv-2 is running, not waiting
    again.join(1)
    assert not again_result["caught_up"] and again_result["held_s"] >= 0.3
