"""Flow diagrams drawn as inline SVG, from a small YAML description.

    ```diagram
    title: Fan-out from one topic to two queues
    nodes:
      shop: {label: Order service, kind: service}
      topic: {label: order-events, kind: topic}
      pay: {label: payments, kind: queue}
    edges:
      - shop -> topic: Publish
      - topic -> pay: amount >= 100
      - pay --> shop: dashed arrows for replies or redrive
    ```

Nodes are placed in columns by their longest distance from a source (or an
explicit `col:`), so most flows read left to right without a layout engine.
Edges that point backwards curve underneath. The same renderer draws the
message-flow view of a graded lab (labs build Flow objects directly).
"""

import hashlib
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from coursefiles.problems import Problems
from coursefiles.yamlfile import LineDict, LineList, parse_mapping_block

KINDS = {
    "service": "service",
    "client": "client",
    "queue": "SQS queue",
    "fifo": "FIFO queue",
    "dlq": "dead-letter queue",
    "topic": "SNS topic",
    "bus": "event bus",
    "rule": "rule",
    "stream": "stream",
    "function": "function",
    "store": "data store",
    "kafka": "Kafka",
    "schedule": "schedule",
    "pipe": "pipe",
    "dropped": "dropped",
}

NODE_W, NODE_H = 168, 56
COL_PITCH, ROW_PITCH = 300, 84
BACK_LANE = 20  # between the lanes of edges that curve back underneath: more than a label's height
PAD = 24


@dataclass
class Node:
    id: str
    label: str
    kind: str = "service"
    col: int | None = None
    note: str = ""
    state: str = ""  # "unreached": drawn muted and dashed (graded flows: nothing arrived there)


@dataclass
class Edge:
    source: str
    target: str
    label: str = ""
    dashed: bool = False
    tone: str = ""  # "", "ok", "bad": colour for graded flows


@dataclass
class Flow:
    title: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def _columns(flow: Flow) -> dict[str, int]:
    order = [n.id for n in flow.nodes]
    outgoing: dict[str, list[str]] = {n: [] for n in order}
    for edge in flow.edges:
        outgoing[edge.source].append(edge.target)
    # Drop edges that close a cycle (found by depth-first search) so ranks are finite.
    forward: dict[str, list[str]] = {n: [] for n in order}
    state: dict[str, int] = {}

    def visit(node: str) -> None:
        state[node] = 1
        for target in outgoing[node]:
            if state.get(target) == 1:
                continue
            forward[node].append(target)
            if target not in state:
                visit(target)
        state[node] = 2

    for node in order:
        if node not in state:
            visit(node)
    rank = {n: 0 for n in order}
    for _ in order:  # Bellman-Ford style relaxation; graphs here are tiny.
        changed = False
        for source in order:
            for target in forward[source]:
                if rank[target] < rank[source] + 1:
                    rank[target] = rank[source] + 1
                    changed = True
        if not changed:
            break
    for node in flow.nodes:
        if node.col is not None:
            rank[node.id] = node.col
    return rank


def _label_width(label: str) -> int:
    return 7 * len(label[:40]) + 10 if label else 0


def columns(flow: Flow) -> dict[str, int]:
    """Each node's column, as render_svg places it (for callers that pin some nodes with `col`)."""
    return _columns(flow)


def _wrap(text: str, width: int = 17) -> list[str]:
    """Two lines at most that fit inside a box (13px bold: about 17 characters);
    a long name breaks after a hyphen, dot or underscore, as AWS names do."""
    words, lines, line = [], [], ""
    for word in text.split():
        while len(word) > width:
            cut = max((word.rfind(mark, 0, width) for mark in "-._"), default=-1)
            cut = cut + 1 if cut > 0 else width
            words.append(word[:cut])
            word = word[cut:]
        words.append(word)
    for word in words:
        glue = "" if line.endswith(("-", ".", "_")) else " "
        if line and len(line) + len(glue) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line}{glue}{word}" if line else word
    if line:
        lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], (" ".join(lines[1:]))[: width - 1] + "\u2026"]
    return lines or [""]


def render_svg(flow: Flow) -> str:
    rank = _columns(flow)
    columns: dict[int, list[Node]] = {}
    for node in flow.nodes:
        columns.setdefault(rank[node.id], []).append(node)
    max_rows = max((len(v) for v in columns.values()), default=1)
    n_cols = max(columns, default=0) + 1
    backs = sum(1 for e in flow.edges if rank[e.target] <= rank[e.source])
    # Columns far enough apart that the longest edge label fits between two boxes.
    pitch = max(COL_PITCH, NODE_W + max((_label_width(e.label) for e in flow.edges), default=0) + 24)
    width = PAD * 2 + (n_cols - 1) * pitch + NODE_W
    height = PAD * 2 + (max_rows - 1) * ROW_PITCH + NODE_H + (36 + BACK_LANE * backs if backs else 0) + 14
    if any(node.note for node in flow.nodes):
        height += 14  # notes are written under their box
    pos: dict[str, tuple[float, float]] = {}
    for col, nodes in columns.items():
        offset = (max_rows - len(nodes)) * ROW_PITCH / 2
        for row, node in enumerate(nodes):
            pos[node.id] = (PAD + col * pitch, PAD + 14 + offset + row * ROW_PITCH)

    uid = hashlib.sha1(repr(flow).encode()).hexdigest()[:8]
    out = [
        f'<svg class="flow" viewBox="0 0 {width} {height}" width="{width}" role="img" '
        f'aria-labelledby="flow-{uid}-t" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="flow-{uid}-t">{escape(flow.title)}</title>',
        "<defs>",
    ]
    for tone in ("", "ok", "bad"):
        out.append(
            f'<marker id="arrow-{uid}{tone}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
            f'markerHeight="8" orient="auto-start-reverse"><path class="arrowhead {tone}" d="M0,0 L10,5 L0,10 z"/></marker>'
        )
    out.append("</defs>")

    back_lane = 0
    lowest = max((y for _, y in pos.values()), default=0) + NODE_H + (14 if any(node.note for node in flow.nodes) else 0)
    for edge in flow.edges:
        sx, sy = pos[edge.source]
        tx, ty = pos[edge.target]
        classes = " ".join(c for c in ("edge", "dashed" if edge.dashed else "", edge.tone) if c)
        if rank[edge.target] > rank[edge.source]:
            x1, y1 = sx + NODE_W, sy + NODE_H / 2
            x2, y2 = tx - 2, ty + NODE_H / 2
            if rank[edge.target] - rank[edge.source] == 1:
                mid = (x1 + x2) / 2
                d = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
                lx, ly = mid, (y1 + y2) / 2 - 7
            else:
                # Across columns: bend in the first gap, run level into the target, and
                # label the level part in the last gap, clear of the boxes in between.
                bend = x1 + (pitch - NODE_W) / 2
                d = f"M{x1},{y1} C{bend},{y1} {bend},{y2} {bend + 40},{y2} L{x2},{y2}"
                lx, ly = x2 - (pitch - NODE_W) / 2, y2 - 7
        else:
            # Backwards (a redrive, a reply): leave the source on its left, go down
            # in the gap beside its column to a lane under every box, along it, and
            # up the gap right of the target into its side. Never through a box,
            # which a box below the source or the target would be in a straight drop.
            back_lane += 1
            gap = (pitch - NODE_W) / 2
            x1, y1 = sx, sy + NODE_H * 0.75
            x2, y2 = tx + NODE_W + 2, ty + NODE_H * 0.75
            low = lowest + 22 + BACK_LANE * (back_lane - 1)
            left, right = sx - min(gap, 24), tx + NODE_W + min(gap, 24)
            d = (f"M{x1},{y1} L{left + 8},{y1} Q{left},{y1} {left},{y1 + 8} L{left},{low - 8} Q{left},{low} {left - 8},{low} "
                 f"L{right + 8},{low} Q{right},{low} {right},{low - 8} L{right},{y2 + 8} Q{right},{y2} {right - 8},{y2} L{x2},{y2}")
            lx, ly = (left + right) / 2, low - 4
        out.append(f'<path class="{classes}" d="{d}" marker-end="url(#arrow-{uid}{edge.tone})"/>')
        if edge.label:
            label = escape(edge.label[:40])
            w = _label_width(edge.label)
            out.append(
                f'<rect class="edge-label-bg" x="{lx - w / 2}" y="{ly - 12}" width="{w}" height="16" rx="4"/>'
                f'<text class="edge-label {edge.tone}" x="{lx}" y="{ly}" text-anchor="middle">{label}</text>'
            )

    for node in flow.nodes:
        x, y = pos[node.id]
        kind = node.kind if node.kind in KINDS else "service"
        state = f" node-{node.state}" if node.state else ""
        out.append(f'<g class="node node-{kind}{state}">')
        out.append(f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="8"/>')
        out.append(f'<rect class="node-strip" x="{x}" y="{y}" width="6" height="{NODE_H}" rx="3"/>')
        out.append(f'<text class="node-kind" x="{x + 16}" y="{y + 15}">{escape(KINDS[kind])}</text>')
        lines = _wrap(node.label)
        for i, line in enumerate(lines):
            out.append(f'<text class="node-label" x="{x + 16}" y="{y + 32 + i * 15}">{escape(line)}</text>')
        if node.note:
            # Under the box, not on its kind line: a note and a long kind would overlap inside it.
            out.append(f'<text class="node-note" x="{x + NODE_W / 2}" y="{y + NODE_H + 13}" text-anchor="middle">{escape(node.note)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def figure(flow: Flow) -> str:
    return f'<figure class="diagram">{render_svg(flow)}<figcaption>{escape(flow.title)}</figcaption></figure>'


def parse_block(text: str, *, path: Path, first_line: int, problems: Problems) -> Flow | None:
    before = len(problems)
    expected = "'title', 'nodes' (a mapping of id to label) and 'edges'"
    data = parse_mapping_block(text, path=path, first_line=first_line, problems=problems, what="diagram", expected=expected)
    if data is None:
        return None
    if not isinstance(data.get("nodes"), LineDict):
        problems.add(path, data.line_of("nodes"), f"diagram needs {expected}")
        return None
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.add(path, data.line_of("title"), "diagram needs a 'title' (it is read out to screen readers)")
    flow = Flow(title=str(title or ""))
    nodes = data["nodes"]
    for node_id, spec in nodes.items():
        line = nodes.line_of(node_id)
        if isinstance(spec, str):
            spec = {"label": spec}
        if not isinstance(spec, dict) or not isinstance(spec.get("label", node_id), str):
            problems.add(path, line, f"diagram node '{node_id}' must be a label or {{label, kind}}")
            continue
        kind = spec.get("kind", "service")
        if kind not in KINDS:
            problems.add(path, line, f"diagram node '{node_id}' has unknown kind {kind!r} (one of {', '.join(KINDS)})")
            continue
        col = spec.get("col")
        if col is not None and (not isinstance(col, int) or col < 0):
            problems.add(path, line, f"diagram node '{node_id}': col must be a whole number from 0")
            col = None
        flow.nodes.append(Node(str(node_id), spec.get("label", str(node_id)), kind, col))
    known = {n.id for n in flow.nodes}
    edges = data.get("edges") or LineList()
    if not isinstance(edges, list):
        problems.add(path, data.line_of("edges"), "diagram 'edges' must be a list like '- a -> b: label'")
        edges = []
    for index, raw in enumerate(edges):
        line = edges.line_of(index) if isinstance(edges, LineList) else first_line
        if isinstance(raw, dict) and len(raw) == 1:
            (arrow, label), = raw.items()
        else:
            arrow, label = raw, ""
        if not isinstance(arrow, str):
            problems.add(path, line, "diagram edge must look like 'a -> b' or 'a -> b: label'")
            continue
        dashed = "-->" in arrow
        parts = [p.strip() for p in arrow.replace("-->", "->").split("->")]
        if len(parts) != 2 or not all(parts):
            problems.add(path, line, f"diagram edge {arrow!r} must look like 'a -> b' or 'a --> b'")
            continue
        for end in parts:
            if end not in known:
                problems.add(path, line, f"diagram edge names unknown node '{end}'")
        flow.edges.append(Edge(parts[0], parts[1], str(label or ""), dashed))
    if len(problems) > before:
        return None
    return flow


def render_block(text: str, *, path: Path, first_line: int, problems: Problems) -> str:
    flow = parse_block(text, path=path, first_line=first_line, problems=problems)
    return figure(flow) if flow else ""
