"""Instructor reads of lab work: the per-lab report (which checkpoints a class
fails most, with what feedback) and one student's submissions. Both only ever
look at students of the given class and at labs assigned in it."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from classes.models import Assignment, Classroom
from classes.selectors.classes import assignments_of, students_of
from classes.selectors.gradebook import Cell, cells_for
from labs.selectors.class_work import attempts_of_user_for, finished_attempts_for
from labs.selectors.code import python_html
from labs.selectors.submissions import submission_summarise

EXAMPLES_PER_CHECKPOINT = 3
SUBMISSIONS_PER_LAB = 30


@dataclass
class CheckpointStat:
    id: str
    title: str
    failing_now: int = 0  # students whose latest graded attempt fails it
    ever_failed: int = 0  # students who failed it on some attempt
    failures: int = 0  # failed attempts, all students
    examples: list[tuple[str, int]] = field(default_factory=list)  # (feedback, how many attempts got it)


@dataclass
class LabStudentRow:
    student: object
    cell: Cell
    latest_status: str = ""
    latest_id: int | None = None
    failing: list[str] = field(default_factory=list)  # checkpoint titles the latest attempt fails


@dataclass
class LabReport:
    assignment: Assignment
    checkpoints: list[CheckpointStat]
    rows: list[LabStudentRow]
    attempted: int = 0
    passed: int = 0
    late: int = 0


def lab_report_for(*, classroom: Classroom, assignment: Assignment, now: datetime) -> LabReport:
    students = students_of(classroom=classroom)
    ids = [s.id for s in students]
    cells = cells_for(assignments=[assignment], user_ids=ids, now=now)
    stats: dict[str, CheckpointStat] = {}
    feedback: dict[str, Counter] = {}
    ever: dict[str, set] = {}
    latest: dict[int, tuple[int, str, list]] = {}
    for submission_id, user_id, status, checkpoints in finished_attempts_for(user_ids=ids, lab_id=assignment.lab_id):
        latest[user_id] = (submission_id, status, checkpoints or [])
        for checkpoint in checkpoints or []:
            key = str(checkpoint.get("id") or checkpoint.get("title") or "?")
            stat = stats.setdefault(key, CheckpointStat(id=key, title=checkpoint.get("title") or key))
            if not checkpoint.get("passed"):
                stat.failures += 1
                ever.setdefault(key, set()).add(user_id)
                text = (checkpoint.get("feedback") or "").strip()
                if text:
                    feedback.setdefault(key, Counter())[text] += 1
    rows = []
    for student in students:
        row = LabStudentRow(student=student, cell=cells[student.id, assignment.id])
        if student.id in latest:
            row.latest_id, row.latest_status, checkpoints = latest[student.id]
            for checkpoint in checkpoints:
                if not checkpoint.get("passed"):
                    key = str(checkpoint.get("id") or checkpoint.get("title") or "?")
                    stats[key].failing_now += 1
                    row.failing.append(stats[key].title)
        rows.append(row)
    for key, stat in stats.items():
        stat.ever_failed = len(ever.get(key, ()))
        stat.examples = feedback.get(key, Counter()).most_common(EXAMPLES_PER_CHECKPOINT)
    order = list(stats)  # first-seen order is the grader's order
    ranked = sorted(stats.values(), key=lambda s: (-s.failing_now, -s.ever_failed, order.index(s.id)))
    return LabReport(
        assignment=assignment,
        checkpoints=ranked,
        rows=rows,
        attempted=sum(1 for r in rows if r.cell.attempts),
        passed=sum(1 for r in rows if r.cell.done),
        late=sum(1 for r in rows if r.cell.late),
    )


@dataclass
class LabWork:
    assignment: Assignment
    cell: Cell
    submissions: list  # labs' Submission rows, each with `.late` and `.code_html`
    more: int = 0  # older attempts not shown


def student_work_for(*, classroom: Classroom, student, now: datetime) -> tuple[list[Cell], list[LabWork]]:
    """The student's standing on every assignment of the class, and their
    submissions (newest first, each with `.late`) to the labs it assigns."""
    assignments = assignments_of(classroom=classroom)
    cells = cells_for(assignments=assignments, user_ids=[student.id], now=now)
    standing = [cells[student.id, a.id] for a in assignments]
    labs = [a for a in assignments if a.kind == Assignment.Kind.LAB]
    by_lab: dict[int, list] = {a.lab_id: [] for a in labs}
    counts = Counter()
    for submission in attempts_of_user_for(user=student, lab_ids=list(by_lab)):
        counts[submission.lab_id] += 1
        if len(by_lab[submission.lab_id]) < SUBMISSIONS_PER_LAB:
            by_lab[submission.lab_id].append(submission)
    work = []
    for assignment in labs:
        submissions = by_lab[assignment.lab_id]
        for submission in submissions:
            submission_summarise(submission)
            submission.late = submission.created_at > assignment.due_at
            submission.code_html = python_html(submission.code)
        work.append(
            LabWork(
                assignment=assignment,
                cell=cells[student.id, assignment.id],
                submissions=submissions,
                more=counts[assignment.lab_id] - len(submissions),
            )
        )
    return standing, work
