from types import SimpleNamespace

from classes.selectors.gradebook import Cell
from classes.views.gradebook_cells import cell_html


def lab_cell(**fields):
    return Cell(assignment=SimpleNamespace(kind="lab"), **fields)


def test_a_lab_cell_shows_best_score_attempts_and_a_late_mark():
    html = cell_html(lab_cell(score=0.75, attempts=3, late=True, done=False, overdue=True))
    assert html == '<td class="g g-overdue"><span class="g-score">75%</span> <span class="g-att">3×</span> <span class="g-mark g-late">late</span></td>'


def test_a_lab_still_grading_shows_an_ellipsis():
    assert '<span class="g-score">…</span>' in cell_html(lab_cell(attempts=1, active=True))


def test_an_untouched_overdue_lesson_shows_a_dash_and_the_overdue_mark():
    html = cell_html(Cell(assignment=SimpleNamespace(kind="lesson"), overdue=True))
    assert html == '<td class="g g-overdue"><span class="g-none">–</span> <span class="g-mark g-overdue" title="overdue">!</span></td>'


def test_a_deck_cell_shows_its_progress():
    html = cell_html(Cell(assignment=SimpleNamespace(kind="deck"), progress="12 / 20 reviewed", score=0.6))
    assert '<span class="g-score">12 / 20 reviewed</span>' in html and 'g-started' in html
