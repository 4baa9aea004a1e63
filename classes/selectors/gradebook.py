"""Where each student stands on each assignment, in a fixed number of queries.

One query per kind of work (lab submissions, lesson progress, deck progress)
covers every student and every assignment at once; the cells are then filled
in Python. A 300 x 30 gradebook costs the same queries as a 3 x 3 one.

Rules:
- lesson: done when completed; late when completed after the due date.
- deck: done when the target number of cards is reviewed (or mastered). Deck
  progress has no completion time, so a finished deck is never marked late.
- lab: the best score counts. The best attempt is the earliest one with the
  highest score; it is late when made after the due date. Attempts after the
  due date are kept and counted as late attempts. Done means passed.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from classes.models import Assignment, Classroom
from classes.selectors.classes import assignments_of, students_of
from flashcards.selectors.progress import deck_progress_for
from labs.selectors.class_work import lab_attempts_for
from learning.selectors.progress import lesson_completions_for


@dataclass(slots=True)
class Cell:
    assignment: Assignment
    done: bool = False
    late: bool = False  # finished (or best attempt) after the due date
    overdue: bool = False  # not done and the due date has passed
    score: float | None = None  # 0..1; labs: best score; lessons and decks: share done
    attempts: int = 0
    late_attempts: int = 0
    active: bool = False  # a lab run is queued or grading
    progress: str = ""  # decks: "12 / 20 reviewed"

    @property
    def state(self) -> str:
        if self.done:
            return "late" if self.late else "done"
        if self.overdue:
            return "overdue"
        return "started" if (self.attempts or self.score) else "pending"

    @property
    def label(self) -> str:
        return {"done": "Done", "late": "Done late", "overdue": "Overdue", "started": "Started", "pending": "Not started"}[
            self.state
        ]

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(100 * self.score)


@dataclass
class StudentRow:
    student: object
    cells: list[Cell]
    done: int = 0
    overdue: int = 0
    late: int = 0
    percent: int = 0

    @property
    def display_name(self) -> str:
        return self.student.get_full_name() or self.student.username


@dataclass
class Column:
    assignment: Assignment
    done: int = 0
    average: int | None = None
    sort_url: str = ""  # filled by the view
    sorted: bool = False


@dataclass
class Gradebook:
    classroom: Classroom
    columns: list[Column]
    rows: list[StudentRow]
    student_total: int = 0
    filters: dict = field(default_factory=dict)


def _lab_cells(cells, assignments, user_ids):
    labs = {a.lab_id: a for a in assignments if a.kind == Assignment.Kind.LAB}
    if not labs or not user_ids:
        return
    rows = lab_attempts_for(user_ids=user_ids, due_by_lab={lab_id: a.due_at for lab_id, a in labs.items()})
    for user_id, lab_id, score, active, passed, late in rows:
        assignment = labs[lab_id]
        cell = cells[user_id, assignment.id]
        cell.attempts += 1
        cell.late_attempts += late
        if active:
            cell.active = True
            continue
        score = score or 0.0
        if cell.score is None or score > cell.score:  # strictly higher: ties keep the earlier attempt
            cell.score, cell.late = score, late
        if passed:
            cell.done = True


def _lesson_cells(cells, assignments, user_ids):
    lessons = {a.lesson_id: a for a in assignments if a.kind == Assignment.Kind.LESSON}
    if not lessons or not user_ids:
        return
    for user_id, lesson_id, completed_at in lesson_completions_for(user_ids=user_ids, lesson_ids=lessons):
        assignment = lessons[lesson_id]
        cell = cells[user_id, assignment.id]
        cell.done, cell.late = True, completed_at > assignment.due_at


def _deck_cells(cells, assignments, user_ids):
    decks = [a for a in assignments if a.kind == Assignment.Kind.DECK]
    if not decks or not user_ids:
        return
    progress = deck_progress_for(user_ids=list(user_ids), deck_ids=list({a.deck_id for a in decks}))
    for assignment in decks:
        measure = assignment.deck_target or Assignment.DeckTarget.REVIEWED
        for user_id in user_ids:
            counts = progress.get((user_id, assignment.deck_id)) or {}
            total = counts.get("total", 0)
            target = assignment.deck_target_count or total
            value = counts.get(measure, 0)
            cell = cells[user_id, assignment.id]
            cell.progress = f"{min(value, target)} / {target} {measure}"
            cell.attempts = counts.get("reviewed", 0)
            cell.done = target > 0 and value >= target
            cell.score = min(1.0, value / target) if target else None


def cells_for(*, assignments: list[Assignment], user_ids, now: datetime) -> dict[tuple[int, int], Cell]:
    """{(user_id, assignment_id): Cell} for every pair."""
    user_ids = list(user_ids)
    cells = {(u, a.id): Cell(assignment=a) for u in user_ids for a in assignments}
    _lab_cells(cells, assignments, user_ids)
    _lesson_cells(cells, assignments, user_ids)
    _deck_cells(cells, assignments, user_ids)
    for cell in cells.values():
        if cell.assignment.kind == Assignment.Kind.LESSON:
            cell.score = 1.0 if cell.done else 0.0
        cell.overdue = not cell.done and now > cell.assignment.due_at
    return cells


SORTS = ("name", "progress", "overdue")
# "a<assignment id>": ASCII digits, and few enough for int() (isdigit() also
# says yes to "²", and int() refuses more than 4,300 digits).
_COLUMN_SORT = re.compile(r"a[0-9]{1,18}")


def sort_clean(sort) -> str:
    """`sort` if it names a sort this gradebook knows, else "name"."""
    sort = str(sort or "")
    return sort if sort in SORTS or _COLUMN_SORT.fullmatch(sort) else "name"


def _row_key(sort: str):
    if sort == "progress":
        return lambda r: (r.percent, r.done)
    if sort == "overdue":
        return lambda r: (r.overdue, r.late)
    if _COLUMN_SORT.fullmatch(sort):
        assignment_id = int(sort[1:])

        def by_cell(row):
            cell = next((c for c in row.cells if c.assignment.id == assignment_id), None)
            return (-1.0 if cell is None or cell.score is None else cell.score, cell.attempts if cell else 0)

        return by_cell
    return lambda r: r.student.username.lower()


def gradebook_for(
    *, classroom: Classroom, now: datetime, sort: str = "name", descending: bool = False, q: str = "", show: str = "all", kind: str = ""
) -> Gradebook:
    """Students by assignments. `kind` keeps only lesson, deck or lab columns;
    `show` keeps students who are "behind" (anything overdue), have "late" marks
    or are "done" with everything due; `q` matches username or name."""
    assignments = assignments_of(classroom=classroom)
    if kind in Assignment.Kind.values:
        assignments = [a for a in assignments if a.kind == kind]
    students = students_of(classroom=classroom)
    cells = cells_for(assignments=assignments, user_ids=[s.id for s in students], now=now)
    rows = []
    for student in students:
        row = StudentRow(student=student, cells=[cells[student.id, a.id] for a in assignments])
        row.done = sum(c.done for c in row.cells)
        row.overdue = sum(c.overdue for c in row.cells)
        row.late = sum(c.late for c in row.cells)
        row.percent = round(100 * sum(c.score or 0 for c in row.cells) / len(row.cells)) if row.cells else 0
        rows.append(row)
    columns = []
    for i, assignment in enumerate(assignments):
        scores = [r.cells[i].score for r in rows if r.cells[i].score is not None]
        columns.append(
            Column(
                assignment=assignment,
                done=sum(r.cells[i].done for r in rows),
                average=round(100 * sum(scores) / len(scores)) if scores else None,
            )
        )
    needle = q.strip().lower()
    if needle:
        rows = [r for r in rows if needle in r.student.username.lower() or needle in r.display_name.lower()]
    if show == "behind":
        rows = [r for r in rows if r.overdue]
    elif show == "late":
        rows = [r for r in rows if r.late]
    elif show == "done":
        rows = [r for r in rows if not r.overdue and all(c.done for c in r.cells if c.assignment.due_at <= now)]
    rows.sort(key=lambda r: r.student.username.lower())  # stable tie-break for every other sort
    rows.sort(key=_row_key(sort), reverse=descending)
    return Gradebook(
        classroom=classroom,
        columns=columns,
        rows=rows,
        student_total=len(students),
        filters={"sort": sort, "dir": "desc" if descending else "asc", "q": q, "show": show, "kind": kind},
    )


def gradebook_table(book: Gradebook) -> list[list]:
    """The CSV/JSON form: a header row, then one row per student, username and
    display name first; per lab, the best score (0-100), attempts and a late
    mark; per lesson, its status and a late mark; per deck, its status, the
    number of its cards the student reviewed and the progress toward the
    target ("12 / 20 mastered")."""
    header = ["username", "display name"]
    for column in book.columns:
        a = column.assignment
        if a.kind == Assignment.Kind.LAB:
            header += [f"{a.title} (lab) score", f"{a.title} (lab) attempts", f"{a.title} (lab) late"]
        elif a.kind == Assignment.Kind.DECK:
            header += [f"{a.title} (deck) status", f"{a.title} (deck) cards reviewed", f"{a.title} (deck) progress"]
        else:
            header += [f"{a.title} ({a.kind}) status", f"{a.title} ({a.kind}) late"]
    header += ["done", "overdue", "progress %"]
    table = [header]
    for row in book.rows:
        line = [row.student.username, row.display_name]
        for cell in row.cells:
            if cell.assignment.kind == Assignment.Kind.LAB:
                line += ["" if cell.percent is None else cell.percent, cell.attempts, "late" if cell.late else ""]
            elif cell.assignment.kind == Assignment.Kind.DECK:
                # A deck cell's attempts are the cards reviewed (_deck_cells).
                line += [cell.label.lower(), cell.attempts, cell.progress]
            else:
                line += [cell.label.lower(), "late" if cell.late else ""]
        line += [row.done, row.overdue, row.percent]
        table.append(line)
    return table


def learner_work_for(*, user, now: datetime) -> dict[str, list[Cell]]:
    """Every assignment of every class the user attends, as {"late", "due",
    "done"} lists in due order. "late" is overdue work not yet done."""
    groups: dict[str, list[Cell]] = defaultdict(list)
    if not user.is_authenticated:
        return groups
    from classes.selectors.classes import STUDENT

    assignments = list(
        Assignment.objects.filter(classroom__memberships__user=user, classroom__memberships__role=STUDENT)
        .select_related("classroom", "lesson", "lab", "deck")
        .order_by("due_at", "id")
    )
    cells = cells_for(assignments=assignments, user_ids=[user.id], now=now)
    for assignment in assignments:
        cell = cells[user.id, assignment.id]
        groups["done" if cell.done else "late" if cell.overdue else "due"].append(cell)
    return groups
