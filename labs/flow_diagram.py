"""Draw a graded run's message flow with the lessons' renderer
(coursefiles.diagrams.render_svg).

`trace_to_diagram` draws the emulator's trace (grader.trace): one box per
resource a message reached, one edge per step between two of them, labelled
with how many messages took it. An edge is red only where a message went
wrong there: into a resource it should have avoided, or into "filtered out",
"matched no rule", "refused by" (a queue's policy turned a topic's or
rule's delivery away) or a dead-letter queue when it should have reached
something else. The grader's own producer is never red: it only sent. A
resource that nothing reached is drawn beside the resource that turned
messages away, marked "nothing arrived", not as a source. A box where the
grader injected a fault (a throttle, a failed call, a second delivery) is
marked "fault injected".

`flow_to_diagram` draws the flow graders narrated before the trace existed
(submissions stored then keep their drawing).
"""

from coursefiles.diagrams import KINDS, Edge, Flow, Node, columns
from grader.trace import (
    DEAD_LETTERED, DEDUPLICATED, FAULT, FILTERED_OUT, MATCHED_NO_RULE, NO_MATCH, QUEUE_KINDS, REFUSALS, UNDELIVERABLE,
    node_id,
)

DEFAULT_TITLE = "Where each message went"
QUIET_KINDS = {"dlq", "dropped"}  # hops into these are drawn dashed
PRODUCERS = {"grader": ("the lab's producer", "service"), "learner": ("your code", "client")}
# Where a refusal is drawn: one box per resource that refused, so the red edge
# into it is that resource's own ("filtered out of payments").
DROPS = {
    FILTERED_OUT: ("dropped:filtered:{}", "filtered out of {}"),
    MATCHED_NO_RULE: ("dropped:no-rule:{}", "matched no rule on {}"),
    DEDUPLICATED: ("dropped:duplicate:{}", "duplicate dropped by {}"),
    # The queue's policy (or a missing target) turned AWS's own delivery away.
    UNDELIVERABLE: ("dropped:refused:{}", "refused by {}"),
}
QUEUE_RANK = {"queue": 0, "fifo": 1, "dlq": 2}
UNREACHED_NOTE = "nothing arrived"
FAULT_NOTE = "fault injected"


def _count_label(n: int) -> str:
    return f"{n} message" if n == 1 else f"{n} messages"


def _edge_label(n: int, wrong: int) -> str:
    """How many messages took an edge, and how many of them should not have."""
    if not wrong:
        return _count_label(n)
    return f"{_count_label(n)}, wrong" if wrong == n else f"{_count_label(n)}, {wrong} wrong"


def _bad_targets(entry: dict) -> set[str]:
    """Node ids an edge of this entry must not be drawn going into, given what it should have done."""
    if entry.get("outcome") != "bad":
        return set()
    avoid, reach = set(entry.get("expect_avoid") or []), entry.get("expect_reach") or []
    bad = set()
    for hop in entry.get("hops") or []:
        target = node_id(hop.get("kind", ""), hop.get("resource", ""))
        if hop.get("resource") in avoid or target in avoid:
            bad.add(target)
    arrivals = [h for h in entry.get("hops") or [] if h.get("action") not in REFUSALS]
    missed = [r for r in reach if not any(r in (h.get("resource"), node_id(h.get("kind", ""), h.get("resource", ""))) for h in arrivals)]
    if missed:
        flagged = len(bad)
        for hop in entry.get("hops") or []:
            if hop.get("action") in DROPS:
                drop = DROPS[hop["action"]][0].format(hop.get("resource", ""))
                # Filtered out of (or refused by) the very queue it should have reached, or turned away on its way.
                if hop["action"] not in (FILTERED_OUT, UNDELIVERABLE) or any(r in (hop.get("resource"), node_id(hop.get("kind", ""), hop.get("resource", ""))) for r in missed):
                    bad.add(drop)
        steps = [h for h in arrivals if h.get("source")]
        if len(bad) == flagged and steps:
            # Nothing turned it away: it simply stopped short, so the last step it took is the wrong one.
            bad.add(node_id(steps[-1].get("kind", ""), steps[-1].get("resource", "")))
        bad |= {node_id(h.get("kind", ""), h["resource"]) for h in entry.get("hops") or [] if h.get("action") == DEAD_LETTERED}
    return bad


def trace_to_diagram(trace: list[dict], title: str = DEFAULT_TITLE) -> Flow:
    nodes: dict[str, Node] = {}
    upstream: dict[str, str] = {}  # a node nothing may reach -> the node that turned messages away from it
    hops: dict[tuple[str, str], dict] = {}
    faulted: set[str] = set()  # nodes where the grader injected a fault

    def node(nid: str, label: str, kind: str) -> str:
        kind = kind if kind in KINDS else "service"
        existing = nodes.get(nid)
        if existing is None:
            nodes[nid] = Node(nid, label, kind)
        elif kind in QUEUE_KINDS and QUEUE_RANK.get(kind, 0) > QUEUE_RANK.get(existing.kind, 0):
            existing.kind = kind  # a queue seen as a DLQ once is drawn as one
        return nid

    def source_node(source: str) -> str | None:
        kind, _, name = source.partition(":")
        if kind in PRODUCERS:
            label, producer_kind = PRODUCERS[kind]
            return node(kind, label, producer_kind)
        return node(node_id(kind, name), name, kind) if name else None

    def edge(source: str, target: str, entry_index: int, bad: bool, producer: bool) -> None:
        hop = hops.setdefault((source, target), {"entries": set(), "bad": set()})
        hop["entries"].add(entry_index)
        if bad and not producer:
            hop["bad"].add(entry_index)

    for index, entry in enumerate(trace):
        bad_targets = _bad_targets(entry)
        for raw in entry.get("hops") or []:
            action, resource, kind = raw.get("action", ""), raw.get("resource", ""), raw.get("kind", "")
            if not resource:
                continue
            if action == FAULT:  # a mark on a box, not a step: the box may not even be drawn
                faulted.add(node_id(kind, resource))
                continue
            target = node(node_id(kind, resource), resource, kind)
            source = source_node(raw.get("source", "")) if raw.get("source") else None
            if action in DROPS:
                drop_id, drop_label = (text.format(resource) for text in DROPS[action])
                node(drop_id, drop_label, "dropped")
                origin = source or target  # a duplicate is dropped by the queue itself
                if action in (FILTERED_OUT, UNDELIVERABLE) and source:
                    upstream.setdefault(target, source)
                edge(origin, drop_id, index, drop_id in bad_targets, False)
                continue
            if action == NO_MATCH:
                if source:
                    upstream.setdefault(target, source)
                continue
            if action in REFUSALS or source is None or source == target:
                continue
            edge(source, target, index, target in bad_targets, source in PRODUCERS)

    # A resource a message should have reached but nothing ever touched is drawn
    # too, unreached, just after where those messages stopped.
    for entry in trace:
        if entry.get("outcome") != "bad":
            continue
        last = [h for h in entry.get("hops") or [] if h.get("action") not in REFUSALS and h.get("source")]
        for wanted in entry.get("expect_reach") or []:
            kind, _, name = wanted.rpartition(":")
            known = [n for n in nodes.values() if n.label == name and (not kind or n.id.startswith(kind + ":"))]
            if not known and last:
                nid = node(node_id(kind or "queue", name), name, kind or "queue")
                upstream.setdefault(nid, node_id(last[-1].get("kind", ""), last[-1]["resource"]))
    reached = {target for _, target in hops} | {source for source, _ in hops}
    for nid, item in nodes.items():
        if nid not in reached and nid in upstream:
            item.state, item.note = "unreached", UNREACHED_NOTE
        elif nid in faulted:
            item.note = FAULT_NOTE
    flow = Flow(
        title=title,
        nodes=list(nodes.values()),
        edges=[
            Edge(source, target, _edge_label(len(hop["entries"]), len(hop["bad"])), dashed=nodes[target].kind in QUIET_KINDS,
                 tone="bad" if hop["bad"] else "ok")
            for (source, target), hop in hops.items()
        ],
    )
    # Unreached boxes go one column after the box that turned messages away,
    # so they never stand at the left where a reader looks for the sender.
    ranks = columns(flow)
    for item in flow.nodes:
        if item.state == "unreached" and item.id in upstream:
            item.col = ranks[upstream[item.id]] + 1
    return flow


def flow_to_diagram(flow: dict) -> Flow:
    """A narrated flow (before the trace): events sharing a hop become one counted edge, red if any went wrong."""
    nodes = []
    kinds = {}
    for raw in flow.get("nodes") or []:
        nid = str(raw.get("id"))
        kind = raw.get("kind") if raw.get("kind") in KINDS else "service"
        kinds[nid] = kind
        nodes.append(Node(nid, str(raw.get("label") or nid), kind))
    hops: dict[tuple[str, str], dict] = {}
    for event in flow.get("events") or []:
        path = [str(step) for step in event.get("path") or [] if str(step) in kinds]
        for source, target in zip(path, path[1:]):
            if source == target:
                continue
            hop = hops.setdefault((source, target), {"labels": set(), "bad": False})
            hop["labels"].add(str(event.get("label", "")))
            hop["bad"] |= event.get("outcome") == "bad"
    edges = [
        Edge(source, target, _count_label(len(hop["labels"])), dashed=kinds[target] in QUIET_KINDS, tone="bad" if hop["bad"] else "ok")
        for (source, target), hop in hops.items()
    ]
    return Flow(title=str(flow.get("summary") or DEFAULT_TITLE), nodes=nodes, edges=edges)
