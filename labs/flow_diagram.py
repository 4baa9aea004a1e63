"""Turn a run's recorded flow (nodes and events) into a diagram the lab page
draws with the lessons' renderer (coursefiles.diagrams.render_svg).

Events that share a hop are merged into one edge labelled with how many
distinct messages (event labels) went that way, since a grader may record one
message twice (once per queue it fanned out to); an edge is red if any event on it went wrong, so a single misrouted
message stands out among correct ones.
"""

from coursefiles.diagrams import KINDS, Edge, Flow, Node

DEFAULT_TITLE = "Where each message went"
QUIET_KINDS = {"dlq", "dropped"}  # hops into these are drawn dashed


def _count_label(n: int) -> str:
    return f"{n} message" if n == 1 else f"{n} messages"


def flow_to_diagram(flow: dict) -> Flow:
    nodes = []
    kinds = {}
    for raw in flow.get("nodes") or []:
        node_id = str(raw.get("id"))
        kind = raw.get("kind") if raw.get("kind") in KINDS else "service"
        kinds[node_id] = kind
        nodes.append(Node(node_id, str(raw.get("label") or node_id), kind))
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
    # Nodes no event reached are still drawn: an empty queue is part of the story.
    return Flow(title=str(flow.get("summary") or DEFAULT_TITLE), nodes=nodes, edges=edges)
