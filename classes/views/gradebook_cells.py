"""The gradebook's cells as HTML, built in Python rather than in the template.

A 300 x 30 gradebook has 9,000 cells; each template variable lookup and {% if %}
costs a few microseconds, and per cell they made up most of the page's render
time (bench/gradebook.py). Cells hold only numbers and fixed words, never user
text, so plain formatting is safe; the template still renders everything else.
"""

from django.utils.safestring import mark_safe

from classes.models import Assignment
from classes.selectors.gradebook import Cell, Gradebook

NONE = '<span class="g-none">–</span>'
LATE = ' <span class="g-mark g-late">late</span>'
OVERDUE = ' <span class="g-mark g-overdue" title="overdue">!</span>'


def cell_html(cell: Cell) -> str:
    if cell.assignment.kind == Assignment.Kind.LAB:
        if cell.attempts:
            score = "…" if cell.score is None else f"{round(100 * cell.score)}%"
            body = f'<span class="g-score">{score}</span> <span class="g-att">{cell.attempts}×</span>'
        else:
            body = NONE
    elif cell.progress:
        body = f'<span class="g-score">{cell.progress}</span>'
    else:
        body = '<span class="g-score">✓</span>' if cell.done else NONE
    mark = LATE if cell.late else OVERDUE if cell.overdue else ""
    return f'<td class="g g-{cell.state}">{body}{mark}</td>'


def gradebook_cells_render(book: Gradebook) -> None:
    """Sets `row.cells_html` on every row of the book."""
    for row in book.rows:
        row.cells_html = mark_safe("".join(cell_html(cell) for cell in row.cells))

