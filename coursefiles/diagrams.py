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

NODE_W, NODE_H = 168, 56  # NODE_W is the narrowest box: a diagram widens all its boxes to its longest label line
NODE_W_MAX = 240
# Estimated width of one character of a node label (13px bold system sans, with
# slack: bold DejaVu Sans runs up to about 8.6px). The text starts 16px in and
# keeps 8px clear of the right edge.
NODE_CHAR_W, NODE_TEXT_PAD = 8.8, 24
ROW_PITCH = 84
BACK_LANE = 20  # between the lanes of edges that run back under the boxes: more than a label's height
PAD = 24
# Columns sit at least MIN_GAP apart, and further where an edge label needs the
# room: a label then lies between the two boxes it joins instead of over them.
MIN_GAP = 88
LABEL_MAX = 40  # characters; longer edge labels are cut with an ellipsis
# Estimated width of one character of an edge label (12px system sans, with
# some slack: an underestimate would let a label run over a box again).
LABEL_CHAR_W, LABEL_PAD = 7.2, 10


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


def columns(flow: Flow) -> dict[str, int]:
    """Each node's column, as render_svg places it (for callers that pin some nodes with `col`)."""
    return _columns(flow)


def _wrap(text: str, width: int = 22) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], (" ".join(lines[1:]))[: width - 1] + "\u2026"]
    return lines or [""]


def _edge_label(edge: Edge) -> str:
    label = edge.label.strip()
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "\u2026"


def _label_width(label: str) -> float:
    return LABEL_CHAR_W * len(label) + LABEL_PAD


def _column_xs(flow: Flow, rank: dict[str, int], n_cols: int, arched: set[int], node_w: float) -> list[float]:
    """Left edge of each column. A gap grows until every forward edge label
    across it fits between the boxes; a label spanning several columns spreads
    what it lacks over the gaps it crosses. Arched edges carry their label above
    the boxes and need no gap."""
    gaps = [float(MIN_GAP)] * max(n_cols - 1, 0)
    for index, edge in enumerate(flow.edges):
        a, b = rank[edge.source], rank[edge.target]
        label = _edge_label(edge)
        if b <= a or not label or index in arched:
            continue
        need = _label_width(label) + 28  # room for the curve and the arrowhead either side
        have = sum(gaps[a:b]) + (b - a - 1) * node_w
        if have < need:
            extra = (need - have) / (b - a)
            for i in range(a, b):
                gaps[i] += extra
    xs = [float(PAD)]
    for gap in gaps:
        xs.append(xs[-1] + node_w + gap)
    return xs


def _free_spot(lx: float, ly: float, w: float, taken: list[tuple[float, float, float, float]]) -> tuple[float, float]:
    """The label's wanted spot, or the nearest one up or down (18px steps) where
    its plate covers no box and no other label (crossing edges would stack
    their labels). Gives up after a few steps: the label is drawn on top anyway."""
    def clear(y: float) -> bool:
        x0, y0 = lx - w / 2 - 2, y - 13 - 2
        return y0 > 0 and all(
            x0 >= x + bw or x0 + w + 4 <= x or y0 >= y1 + bh or y0 + 22 <= y1 for x, y1, bw, bh in taken
        )

    for step in (0, 1, -1, 2, -2, 3, -3):
        if clear(ly + 20 * step):
            return lx, ly + 20 * step
    return lx, ly


def render_svg(flow: Flow) -> str:
    """The diagram at its natural size (width and height attributes in px).

    Drawn in three layers so nothing hides a label: edges, then node boxes,
    then every edge label on a background with a halo. The page never scales
    the drawing down (text would drop below a readable size): a diagram wider
    than its column scrolls inside its figure instead."""
    rank = _columns(flow)
    columns: dict[int, list[Node]] = {}
    for node in flow.nodes:
        columns.setdefault(rank[node.id], []).append(node)
    max_rows = max((len(v) for v in columns.values()), default=1)
    n_cols = max(columns, default=0) + 1
    row_y: dict[str, float] = {}
    for nodes in columns.values():
        offset = (max_rows - len(nodes)) * ROW_PITCH / 2
        for row, node in enumerate(nodes):
            row_y[node.id] = offset + row * ROW_PITCH

    def blocked(edge: Edge) -> bool:
        # A forward edge across several columns whose straight run would pass
        # through a box in between: it arches over the row instead.
        a, b = rank[edge.source], rank[edge.target]
        if b - a < 2:
            return False
        low, high = sorted((row_y[edge.source], row_y[edge.target]))
        return any(a < rank[n.id] < b and row_y[n.id] < high + NODE_H and low < row_y[n.id] + NODE_H for n in flow.nodes)

    arched = {i for i, edge in enumerate(flow.edges) if blocked(edge)}
    longest = max((len(line) for node in flow.nodes for line in _wrap(node.label)), default=0)
    node_w = min(max(NODE_W, NODE_TEXT_PAD + NODE_CHAR_W * longest), NODE_W_MAX)
    top = PAD + 14 + (24 + 10 * (len(arched) - 1) if arched else 0)
    xs = _column_xs(flow, rank, n_cols, arched, node_w)
    width = round(xs[-1] + node_w + PAD)
    pos = {node.id: (xs[rank[node.id]], top + row_y[node.id]) for node in flow.nodes}

    uid = hashlib.sha1(repr(flow).encode()).hexdigest()[:8]
    edges_svg: list[str] = []
    labels_svg: list[str] = []
    bottom = top + (max_rows - 1) * ROW_PITCH + NODE_H
    back_lane = arch_lane = 0
    notes = any(node.note for node in flow.nodes)
    if notes:
        bottom += 14  # notes are written under their box
    lowest = bottom
    # Boxes and placed label plates as (x, y, w, h): a label moves off any of them.
    taken = [(x, y, node_w, NODE_H) for x, y in pos.values()]
    for index, edge in enumerate(flow.edges):
        sx, sy = pos[edge.source]
        tx, ty = pos[edge.target]
        classes = " ".join(c for c in ("edge", "dashed" if edge.dashed else "", edge.tone) if c)
        if index in arched:
            arch_lane += 1
            x1, y1 = sx + node_w / 2 + 10, sy
            x2, y2 = tx + node_w / 2 - 10, ty - 2
            high = min(y1, y2) - 30 - 10 * (arch_lane - 1)
            d = f"M{x1},{y1} C{x1},{high} {x2},{high} {x2},{y2}"
            # The label sits just above the arch's highest point (3/4 of the way up).
            lx, ly = (x1 + x2) / 2, min(y1, y2) - 0.75 * (min(y1, y2) - high) - 6
        elif rank[edge.target] == rank[edge.source] and edge.source != edge.target:
            # Same column: a straight drop (or climb) through the gap between the boxes.
            down = ty > sy
            x1 = x2 = sx + node_w / 2
            y1, y2 = (sy + NODE_H, ty - 2) if down else (sy, ty + NODE_H + 2)
            d = f"M{x1},{y1} L{x2},{y2}"
            lx, ly = x1 + _label_width(_edge_label(edge)) / 2 + 8, (y1 + y2) / 2 + 4
        elif rank[edge.target] > rank[edge.source]:
            x1, y1 = sx + node_w, sy + NODE_H / 2
            x2, y2 = tx - 2, ty + NODE_H / 2
            mid = (x1 + x2) / 2
            d = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
            lx, ly = mid, (y1 + y2) / 2 - 7
        else:
            # Backwards (a redrive, a reply): leave the source on its left, go down
            # beside its column to a lane under every box, along it, and up beside
            # the target into its right side. A straight drop from the source's
            # bottom would cross any box below it (a DLQ above its consumer).
            back_lane += 1
            x1, y1 = sx, sy + NODE_H * 0.75
            x2, y2 = tx + node_w + 2, ty + NODE_H * 0.75
            low = lowest + 22 + BACK_LANE * (back_lane - 1)
            left, right = sx - 16, tx + node_w + 16
            d = (f"M{x1},{y1} L{left + 8},{y1} Q{left},{y1} {left},{y1 + 8} L{left},{low - 8} Q{left},{low} {left - 8},{low} "
                 f"L{right + 8},{low} Q{right},{low} {right},{low - 8} L{right},{y2 + 8} Q{right},{y2} {right - 8},{y2} L{x2},{y2}")
            lx, ly = (left + right) / 2, low + 17
            bottom = max(bottom, ly + 8)
        edges_svg.append(f'<path class="{classes}" d="{d}" marker-end="url(#arrow-{uid}{edge.tone})"/>')
        label = _edge_label(edge)
        if label:
            w = _label_width(label)
            lx, ly = _free_spot(lx, ly, w, taken)
            taken.append((lx - w / 2, ly - 13, w, 18))
            bottom = max(bottom, ly + 8)
            labels_svg.append(
                f'<g class="edge-label-group"><rect class="edge-label-bg" x="{lx - w / 2:.1f}" y="{ly - 13:.1f}" '
                f'width="{w:.1f}" height="18" rx="4"/>'
                f'<text class="edge-label {edge.tone}" x="{lx:.1f}" y="{ly:.1f}" text-anchor="middle">{escape(label)}</text></g>'
            )
    height = round(bottom + PAD)

    out = [
        f'<svg class="flow" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
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
    out.extend(edges_svg)
    for node in flow.nodes:
        x, y = pos[node.id]
        kind = node.kind if node.kind in KINDS else "service"
        state = f" node-{node.state}" if node.state else ""
        out.append(f'<g class="node node-{kind}{state}">')
        out.append(f'<rect x="{x}" y="{y}" width="{node_w}" height="{NODE_H}" rx="8"/>')
        out.append(f'<rect class="node-strip" x="{x}" y="{y}" width="6" height="{NODE_H}" rx="3"/>')
        out.append(f'<text class="node-kind" x="{x + 16}" y="{y + 16}">{escape(KINDS[kind])}</text>')
        lines = _wrap(node.label)
        for i, line in enumerate(lines):
            out.append(f'<text class="node-label" x="{x + 16}" y="{y + 34 + i * 15}">{escape(line)}</text>')
        if node.note:
            # Under the box: beside a long kind on its top line it would run over it.
            out.append(f'<text class="node-note" x="{x + node_w / 2}" y="{y + NODE_H + 13}" text-anchor="middle">{escape(node.note)}</text>')
        out.append("</g>")
    out.extend(labels_svg)  # last, so no box or edge is ever drawn over a label
    out.append("</svg>")
    return "".join(out)


def figure(flow: Flow) -> str:
    # The scroller holds only the drawing, so the caption stays put while a wide
    # diagram scrolls; static/js/site.js marks it when it overflows (the hint).
    return (
        f'<figure class="diagram"><div class="diagram-scroll" data-scroll-x>{render_svg(flow)}</div>'
        f'<figcaption>{escape(flow.title)}<span class="scroll-hint" aria-hidden="true">Scroll sideways \u2192</span></figcaption></figure>'
    )


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
