"""The change between two attempts, as a unified diff rendered on the server."""

import difflib
from dataclasses import dataclass


@dataclass
class DiffLine:
    kind: str  # "add", "del", "hunk", "ctx"
    text: str


def code_diff(*, previous: str, current: str, context: int = 2) -> list[DiffLine]:
    """Empty when the code did not change."""
    lines = difflib.unified_diff(
        previous.splitlines(), current.splitlines(), "previous attempt", "this attempt", n=context, lineterm=""
    )
    out = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "ctx")
        out.append(DiffLine(kind, line))
    return out
