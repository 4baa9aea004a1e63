from labs.flow_diagram import flow_to_diagram
from coursefiles.diagrams import render_svg

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
