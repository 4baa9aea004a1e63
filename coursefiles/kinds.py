"""Runs every app's part of the course: load and validate all, then apply all
in one transaction.

An app takes part by naming a module in its AppConfig as `course_content`.
That module defines `load(index: CourseIndex) -> LoadedContent`. learning's
own lessons module runs first and fills the index (modules, lessons and their
heading anchors) that decks and labs check their links against.
"""

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Protocol

from django.apps import apps
from django.db import transaction

from coursefiles.problems import Problem, Problems


@dataclass
class LessonRef:
    slug: str
    stable_id: str
    module: str
    title: str
    path: Path
    anchors: set[str] = field(default_factory=set)


@dataclass
class CourseIndex:
    root: Path
    grade_labs: bool = True
    title: str = ""
    modules: dict[str, str] = field(default_factory=dict)  # slug -> stable id
    lessons: dict[str, LessonRef] = field(default_factory=dict)  # slug -> ref

    def lab_slugs(self) -> set[str]:
        """The labs' slugs: their folders' names (labs/<slug>/, checked against lab.yaml by labs)."""
        folder = self.root / "labs"
        return {p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))} if folder.is_dir() else set()

    def check_link(self, target: str, *, path: Path, line: int, problems: Problems) -> None:
        """Record a problem unless `target` names a real lesson section ("slug",
        "slug#anchor", "lesson:slug", "/lessons/slug/") or lab ("/labs/slug/")."""
        if target.startswith("/labs/"):
            slug = target.removeprefix("/labs/").split("#")[0].strip("/")
            if slug not in self.lab_slugs():
                problems.add(path, line, f"broken internal link: no lab with slug '{slug}'")
            return
        slug, _, anchor = target.removeprefix("lesson:").removeprefix("/lessons/").partition("#")
        slug = slug.strip("/")
        lesson = self.lessons.get(slug)
        if lesson is None:
            problems.add(path, line, f"broken internal link: no lesson with slug '{slug}'")
        elif anchor and anchor not in lesson.anchors:
            problems.add(path, line, f"broken internal link: lesson '{slug}' has no section '#{anchor}'")


class LoadedContent(Protocol):
    problems: Problems
    # Optional: things worth an author's look that do not stop a sync (a kind
    # without any leaves it out).
    warnings: Problems
    stats: dict[str, int]

    def apply(self) -> dict[str, int]:
        """Upsert into the database by stable id. Runs inside the sync's transaction."""


class CourseInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the course")
        self.problems = problems


def _content_modules():
    for config in apps.get_app_configs():
        dotted = getattr(config, "course_content", None)
        if dotted:
            yield import_module(dotted)


def load_course(root: Path, *, grade_labs: bool = True) -> tuple[CourseIndex, list[LoadedContent], list[Problem]]:
    index = CourseIndex(root=Path(root).resolve(), grade_labs=grade_labs)
    if not index.root.is_dir():
        return index, [], [Problem(index.root, 1, "course folder does not exist")]
    parts = [module.load(index) for module in _content_modules()]
    problems = sorted({p for part in parts for p in part.problems})
    return index, parts, problems


def course_warnings(parts: list[LoadedContent]) -> list[Problem]:
    """What validate_course prints as warnings: never a reason to refuse a sync."""
    return sorted({w for part in parts for w in getattr(part, "warnings", ())})


def course_stats(root: Path) -> dict[str, int]:
    _index, parts, problems = load_course(root, grade_labs=False)
    if problems:
        raise CourseInvalid(problems)
    stats: dict[str, int] = {}
    for part in parts:
        for key, value in part.stats.items():
            stats[key] = stats.get(key, 0) + value
    return stats


def sync_course(root: Path, *, grade_labs: bool = True) -> dict[str, int]:
    """Validate everything, then apply everything or nothing.

    Raises CourseInvalid, leaving the database untouched, if any file has a problem.
    """
    _index, parts, problems = load_course(root, grade_labs=grade_labs)
    if problems:
        raise CourseInvalid(problems)
    counts: dict[str, int] = {}
    with transaction.atomic():
        for part in parts:
            counts.update(part.apply())
    return counts
