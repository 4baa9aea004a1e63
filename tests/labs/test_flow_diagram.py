from coursefiles.diagrams import columns, render_svg
from labs.flow_diagram import flow_to_diagram, trace_to_diagram

FLOW = {
    "nodes": [
        {"id": "grader", "label": "Grader", "kind": "service"},
        {"id": "orders", "label": "orders", "kind": "queue"},
        {"id": "dlq", "label": "orders-dlq", "kind": "dlq"},
        {"id": "lost", "label": "nowhere", "kind": "not-a-kind"},
    ],
    "events": [
        {"label": "o-1", "path": ["grader", "orders"], "outcome": "ok", "note": ""},
        {"label": "o-2", "path": ["grader", "orders"], "outcome": "ok", "note": ""},
        {"label": "bad", "path": ["grader", "orders", "dlq"], "outcome": "bad", "note": ""},
    ],
    "summary": "3 orders sent",
}


def test_events_sharing_a_hop_become_one_counted_edge():
    diagram = flow_to_diagram(FLOW)
    edges = {(e.source, e.target): e for e in diagram.edges}
    assert edges[("grader", "orders")].label == "3 messages"
    assert edges[("orders", "dlq")].label == "1 message"


def test_a_hop_with_any_wrong_event_is_drawn_bad_and_dlq_hops_dashed():
    edges = {(e.source, e.target): e for e in flow_to_diagram(FLOW).edges}
    assert edges[("grader", "orders")].tone == "bad"
    assert edges[("orders", "dlq")].dashed


def test_unknown_kinds_fall_back_and_the_svg_renders():
    diagram = flow_to_diagram(FLOW)
    assert diagram.title == "3 orders sent"
    assert [n.kind for n in diagram.nodes][-1] == "service"
    svg = render_svg(diagram)
    assert "orders-dlq" in svg and "3 messages" in svg


def test_one_message_recorded_per_destination_counts_once_on_the_shared_hop():
    flow = {
        "nodes": [{"id": "t", "label": "topic", "kind": "topic"}, {"id": "a", "label": "a", "kind": "queue"},
                  {"id": "b", "label": "b", "kind": "queue"}, {"id": "s", "label": "shop", "kind": "service"}],
        "events": [{"label": "m1", "path": ["s", "t", "a"], "outcome": "ok"}, {"label": "m1", "path": ["s", "t", "b"], "outcome": "ok"}],
    }
    edges = {(e.source, e.target): e.label for e in flow_to_diagram(flow).edges}
    assert edges[("s", "t")] == "1 message"


# --- drawn from the emulator's trace ---------------------------------------------------
def hop(action, resource, kind="queue", source="", **extra):
    return {"action": action, "resource": resource, "kind": kind, **({"source": source} if source else {}), **extra}


SNS_TRACE = [
    {
        "label": "order #1, amount 250", "body": "{}", "outcome": "ok",
        "expect_reach": ["payments", "audit"],
        "hops": [
            hop("published", "order-events", "topic", "grader:grader", by="grader"),
            hop("delivered", "payments", "queue", "topic:order-events"),
            hop("delivered", "audit", "queue", "topic:order-events"),
            hop("received", "payments", "queue", by="grader", count=1),
        ],
    },
    {
        "label": "order #2, amount 99.99", "body": "{}", "outcome": "bad", "problems": ["should have reached shipping"],
        "expect_reach": ["shipping", "audit"],
        "hops": [
            hop("published", "order-events", "topic", "grader:grader", by="grader"),
            hop("filtered-out", "shipping", "queue", "topic:order-events", clause='region starts with "eu-"', seen="us-east-2"),
            hop("delivered", "audit", "queue", "topic:order-events"),
        ],
    },
]


def edges_of(diagram):
    return {(e.source, e.target): e for e in diagram.edges}


def test_the_trace_becomes_counted_edges_between_resources():
    diagram = trace_to_diagram(SNS_TRACE)
    edges = edges_of(diagram)
    assert edges[("grader", "topic:order-events")].label == "2 messages"
    assert edges[("topic:order-events", "queue:audit")].label == "2 messages"
    assert edges[("topic:order-events", "queue:payments")].label == "1 message"
    assert edges[("topic:order-events", "dropped:filtered:shipping")].dashed
    assert {n.id: n.label for n in diagram.nodes}["grader"] == "the lab's producer"


def test_only_where_a_message_went_wrong_is_red_and_the_producer_never_is():
    edges = edges_of(trace_to_diagram(SNS_TRACE))
    into_filter = edges[("topic:order-events", "dropped:filtered:shipping")]
    assert (into_filter.tone, into_filter.label) == ("bad", "1 message, wrong")  # it should have reached shipping
    assert edges[("grader", "topic:order-events")].tone == "ok"
    assert edges[("topic:order-events", "queue:audit")].tone == "ok"


def test_a_resource_nothing_reached_is_drawn_unreached_beside_what_turned_messages_away():
    diagram = trace_to_diagram(SNS_TRACE)
    nodes = {n.id: n for n in diagram.nodes}
    shipping = nodes["queue:shipping"]
    assert (shipping.state, shipping.note) == ("unreached", "nothing arrived")
    ranks = columns(diagram)
    assert ranks["queue:shipping"] == ranks["topic:order-events"] + 1 and ranks["queue:shipping"] > ranks["grader"]
    assert 'class="node node-queue node-unreached"' in render_svg(diagram)


def test_dead_lettering_as_expected_is_dashed_not_red_and_a_queue_seen_as_a_dlq_is_one_box():
    trace = [
        {
            "label": "poison", "body": "x", "outcome": "ok", "expect_reach": ["orders-dlq"],
            "hops": [
                hop("sent", "orders", "queue", "grader:grader"),
                hop("invoked", "handler", "function", "queue:orders"),
                hop("failed", "handler", "function"),
                hop("dead-lettered", "orders-dlq", "dlq", "queue:orders"),
                hop("received", "orders-dlq", "queue", by="grader", count=4),
            ],
        },
        {
            "label": "good", "body": "y", "outcome": "bad", "expect_reach": ["confirmations"], "problems": ["should have reached confirmations"],
            "hops": [
                hop("sent", "orders", "queue", "grader:grader"),
                hop("dead-lettered", "orders-dlq", "dlq", "queue:orders"),
            ],
        },
    ]
    diagram = trace_to_diagram(trace)
    into_dlq = edges_of(diagram)[("queue:orders", "queue:orders-dlq")]
    assert into_dlq.dashed and into_dlq.label == "2 messages, 1 wrong" and into_dlq.tone == "bad"  # the good one should not be there
    assert [n.kind for n in diagram.nodes if n.id == "queue:orders-dlq"] == ["dlq"]
    only_poison = edges_of(trace_to_diagram(trace[:1]))[("queue:orders", "queue:orders-dlq")]
    assert only_poison.tone == "ok"


def test_what_a_handler_sent_is_an_edge_from_the_function_and_a_rule_and_queue_of_one_name_are_two_boxes():
    trace = [
        {
            "label": "e", "body": "{}", "hops": [
                hop("put", "orders-bus", "bus", "grader:grader"),
                hop("matched", "eu-orders", "rule", "bus:orders-bus"),
                hop("delivered", "eu-orders", "queue", "rule:eu-orders"),
                hop("invoked", "handler", "function", "queue:eu-orders"),
                hop("sent", "confirmations", "queue", "function:handler", detail="thanks", by="learner"),
            ],
        },
        {"label": "f", "body": "{}", "hops": [hop("put", "orders-bus", "bus", "grader:grader"), hop("matched-no-rule", "orders-bus", "bus")]},
    ]
    edges = edges_of(trace_to_diagram(trace))
    assert ("rule:eu-orders", "queue:eu-orders") in edges and ("function:handler", "queue:confirmations") in edges
    assert edges[("bus:orders-bus", "dropped:no-rule:orders-bus")].label == "1 message"


def test_a_message_that_stopped_short_reddens_its_last_step_and_its_missing_destination_is_drawn_unreached():
    trace = [
        {
            "label": "broken order", "body": "{}", "outcome": "bad", "expect_reach": ["orders-dlq"], "problems": ["should have reached orders-dlq"],
            "hops": [
                hop("sent", "orders", "queue", "grader:grader"),
                hop("invoked", "handler", "function", "queue:orders"),
                hop("deleted", "orders", "queue", by="lambda"),
            ],
        },
        {"label": "good order", "body": "{}", "outcome": "ok", "hops": [hop("sent", "orders", "queue", "grader:grader"), hop("invoked", "handler", "function", "queue:orders")]},
    ]
    diagram = trace_to_diagram(trace)
    into_handler = edges_of(diagram)[("queue:orders", "function:handler")]
    assert (into_handler.tone, into_handler.label) == ("bad", "2 messages, 1 wrong")
    dlq = {n.id: n for n in diagram.nodes}["queue:orders-dlq"]
    assert dlq.state == "unreached" and columns(diagram)["queue:orders-dlq"] == columns(diagram)["function:handler"] + 1


def test_a_delivery_the_queue_refused_is_a_red_edge_into_refused_by_and_the_queue_stands_after_the_rule_unreached():
    trace = [
        {
            "label": "OrderPlaced", "body": "{}", "outcome": "bad", "expect_reach": ["payments-queue"],
            "hops": [
                hop("put", "shop", "bus", "grader:grader"),
                hop("matched", "payments-rule", "rule", "bus:shop"),
                hop("undeliverable", "payments-queue", "queue", "rule:payments-rule", detail="NO_PERMISSIONS: no queue policy"),
            ],
        },
    ]
    diagram = trace_to_diagram(trace)
    refused = edges_of(diagram)[("rule:payments-rule", "dropped:refused:payments-queue")]
    assert refused.tone == "bad"
    boxes = {n.id: n for n in diagram.nodes}
    assert boxes["dropped:refused:payments-queue"].label == "refused by payments-queue"
    queue = boxes["queue:payments-queue"]
    assert (queue.state, queue.note) == ("unreached", "nothing arrived")
    assert columns(diagram)["queue:payments-queue"] == columns(diagram)["rule:payments-rule"] + 1


def test_a_refusal_the_message_was_meant_to_meet_is_not_red():
    trace = [
        {
            "label": "rogue topic", "body": "{}", "outcome": "bad", "expect_reach": ["audit"], "expect_avoid": ["orders"],
            "hops": [
                hop("published", "rogue", "topic", "grader:grader"),
                hop("undeliverable", "orders", "queue", "topic:rogue", detail="no statement allows it"),
            ],
        },
    ]
    refused = edges_of(trace_to_diagram(trace))[("topic:rogue", "dropped:refused:orders")]
    assert refused.tone == "ok"


def test_a_box_where_the_grader_injected_a_fault_is_marked_and_the_mark_draws_no_edge():
    trace = [
        {
            "label": "job one", "body": "{}", "outcome": "ok",
            "hops": [
                hop("sent", "jobs", "queue", "grader:grader", by="grader"),
                hop("fault", "jobs", "queue", by="grader", detail="the grader had jobs deliver it again"),
                hop("fault", "ledger", "queue", by="grader", detail="the grader failed SendMessage (KmsDisabled)"),
            ],
        }
    ]
    diagram = trace_to_diagram(trace)
    notes = {n.id: n.note for n in diagram.nodes}
    assert notes == {"grader": "", "queue:jobs": "fault injected"}  # no box for ledger, which nothing reached
    assert set(edges_of(diagram)) == {("grader", "queue:jobs")}


def test_a_fault_mark_is_said_in_the_message_story():
    from labs.trace_words import story

    entry = {"label": "job one", "body": "{}", "outcome": "", "hops": [
        hop("sent", "jobs", "queue", "grader:grader", by="grader"),
        hop("fault", "done", "queue", by="grader", detail="the grader failed SendMessage (KmsDisabled)"),
    ]}
    assert story(entry).steps == ["sent to jobs", "⚡ the grader failed SendMessage (KmsDisabled)"]


def test_a_record_a_worker_read_is_an_edge_from_the_stream_into_the_function_and_said_so():
    from labs.trace_words import story

    trace = [
        {
            "label": "o-1", "body": "{}", "hops": [
                hop("put-record", "orders-stream", "stream", "grader:grader", detail="shardId-000000000000, sequence number 49"),
                hop("read", "consume", "function", "stream:orders-stream", detail="from shardId-000000000000 at sequence number 49", by="learner"),
                hop("sent", "processed", "queue", "function:consume", detail='{"orderId": "o-1"}', by="learner"),
            ],
        },
    ]
    edges = edges_of(trace_to_diagram(trace))
    assert ("stream:orders-stream", "function:consume") in edges and ("function:consume", "queue:processed") in edges
    assert story(trace[0]).steps[1] == "read by your consume (from shardId-000000000000 at sequence number 49)"
