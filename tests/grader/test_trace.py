"""grader.trace.Recorder: how hops join entries, without moto (the hooks' own
tests are in tests/grader/emulator/trace_hooks/)."""

import threading

from grader import trace
from grader.trace import Hop, Recorder, TraceEntry


def injected(recorder, emulator_id, body, resource="orders"):
    return recorder.arrived(emulator_id, action=trace.SENT, resource=resource, kind="queue", body=body)


def test_a_learner_request_is_attributed_by_the_invocation_it_names_even_when_two_are_running():
    recorder = Recorder()
    injected(recorder, "m-1", '{"order": 1}')
    injected(recorder, "m-2", '{"order": 2}')

    def request(invocation_id, emulator_id):
        """A request on a thread of the emulator's server, as the guard marks it."""

        def send():
            with recorder.acting(trace.LEARNER, invocation_id):
                recorder.arrived(emulator_id, action=trace.SENT, resource="confirmations", kind="queue", body="thanks")

        worker = threading.Thread(target=send)
        worker.start()
        worker.join()

    # Two invocations open at once (concurrent pollers): only the header can tell them apart.
    with recorder.invocation(function="handler", queue="orders", message_ids=["m-1"], bodies=['{"order": 1}']) as first:
        with recorder.invocation(function="handler", queue="orders", message_ids=["m-2"], bodies=['{"order": 2}']):
            request(first, "c-1")
            request(None, "c-2")  # no header and two running: not guessed
    one, two, unattributed = recorder.export()
    assert [(h.action, h.resource, h.source) for h in one.hops][-1] == ("sent", "confirmations", "function:handler")
    assert all(h.resource != "confirmations" for h in two.hops)
    assert unattributed.hops[0].source == "learner:learner"


def test_without_a_header_the_one_invocation_in_progress_is_used_and_otherwise_a_new_entry_starts():
    recorder = Recorder()
    injected(recorder, "m-1", "order")
    with recorder.invocation(function="handler", queue="orders", message_ids=["m-1"], bodies=["order"]):
        with recorder.acting(trace.LEARNER):
            recorder.arrived("c-1", action=trace.SENT, resource="out", kind="queue", body="reply")
    with recorder.acting(trace.LEARNER):
        recorder.arrived("c-2", action=trace.SENT, resource="out", kind="queue", body="outside")
    order, outside = recorder.export()
    assert [h.resource for h in order.hops] == ["orders", "handler", "out"]
    assert (outside.body, outside.hops[0].by, outside.hops[0].source) == ("outside", "learner", "learner:learner")


def test_in_a_batch_a_send_joins_the_message_it_shares_values_with_and_copies_take_turns():
    recorder = Recorder()
    bodies = ['{"orderId": "a"}', '{"orderId": "b"}', '{"orderId": "b"}']
    for n, body in enumerate(bodies):
        injected(recorder, f"m-{n}", body)
    with recorder.invocation(function="handler", queue="orders", message_ids=["m-0", "m-1", "m-2"], bodies=bodies):
        for body in ('{"orderId": "b"}', '{"orderId": "b"}'):
            recorder.arrived(f"s-{body}-{len(recorder.export())}", action=trace.SENT, resource="shipments", kind="queue", body=body)
    shipped = [sum(1 for h in e.hops if h.resource == "shipments") for e in recorder.export()]
    assert shipped == [0, 1, 1]


def test_labels_match_ids_then_unnamed_bodies_as_json_and_expectations_are_judged():
    recorder = Recorder()
    injected(recorder, "m-1", '{"a": 1, "b": 2}')
    injected(recorder, "m-2", '{"a": 1, "b": 2}')
    assert recorder.label('{"b": 2, "a": 1}', "first", reach=["orders"])
    assert recorder.label('{"b":2,"a":1}', "second", avoid=["orders"])
    assert not recorder.label("nothing like it", "third")
    first, second = recorder.export()
    assert (first.label, first.outcome, first.problems) == ("first", "ok", [])
    assert (second.label, second.outcome, second.problems) == ("second", "bad", ["reached orders, which it should not have"])


def test_a_refusal_is_not_reaching_and_a_kind_prefix_tells_a_rule_from_its_queue():
    entry = TraceEntry(
        label="e", body="{}", expect_reach=["queue:eu-orders"],
        hops=[Hop("put", "bus", kind="bus"), Hop("matched", "eu-orders", kind="rule"), Hop("filtered-out", "payments", kind="queue")],
    )
    entry.judge()
    assert entry.outcome == "bad" and entry.problems == ["should have reached eu-orders"]
    assert "payments" not in entry.reached()


def test_entries_and_hops_are_capped():
    recorder = Recorder()
    for n in range(trace.MAX_ENTRIES + 5):
        injected(recorder, f"m-{n}", "x" * (trace.MAX_DETAIL + 50))
    for _ in range(trace.MAX_HOPS + 5):
        recorder.step("m-0", Hop(trace.RECEIVED, "orders", kind="queue"))
    exported = recorder.export()
    assert len(exported) == trace.MAX_ENTRIES and recorder.dropped == 5
    assert len(exported[0].hops) == trace.MAX_HOPS and len(exported[0].body) == trace.MAX_DETAIL


def test_an_entry_round_trips_through_its_dict():
    entry = TraceEntry(label="l", body="b", hops=[Hop("received", "q", kind="queue", count=2, by="lambda")], expect_avoid=["x"])
    entry.judge()
    assert TraceEntry.from_dict(entry.to_dict()) == entry
