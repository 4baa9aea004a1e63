"""course/course.yaml and course/lessons/**/*.md: load, validate, apply.

course.yaml:            title, summary, modules: [{id, slug, title, summary}]
lesson front matter:    id, slug, title, summary, module, order, minutes, tags
"""

from dataclasses import dataclass, field
from pathlib import Path

from coursefiles.fields import FieldReader
from coursefiles.frontmatter import split_front_matter
from coursefiles.kinds import CourseIndex, LessonRef
from coursefiles.markdown import Rendered, render_markdown
from coursefiles.problems import Problems
from coursefiles.yamlfile import LineDict, LineList, YamlError, load_yaml_file
from learning.content.quickchecks import guessability_warnings, parse_quiz

COURSE_KEYS = {"title", "summary", "modules"}
MODULE_KEYS = {"id", "slug", "title", "summary"}
LESSON_KEYS = {"id", "slug", "title", "summary", "module", "order", "minutes", "tags"}


@dataclass
class ModuleSpec:
    stable_id: str
    slug: str
    title: str
    summary: str
    position: int


@dataclass
class LessonSpec:
    stable_id: str
    slug: str
    title: str
    summary: str
    module: str
    order: int
    minutes: int
    tags: list[str]
    path: Path
    rendered: Rendered
    front_lines: dict = field(default_factory=dict)


@dataclass
class LoadedLessons:
    root: Path
    title: str = ""
    summary: str = ""
    modules: list[ModuleSpec] = field(default_factory=list)
    lessons: list[LessonSpec] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    warnings: Problems = field(default_factory=Problems)

    @property
    def stats(self) -> dict[str, int]:
        return {
            "modules": len(self.modules),
            "lessons": len(self.lessons),
            "quick_checks": sum(len(l.rendered.quick_checks) for l in self.lessons),
            "words": sum(l.rendered.words for l in self.lessons),
        }

    def apply(self) -> dict[str, int]:
        from learning.content.lessons_apply import apply_lessons

        return apply_lessons(self)


def _relative(root: Path, path: Path) -> Path:
    try:
        return path.relative_to(root.parent) if root.parent != path else path
    except ValueError:
        return path


def load_modules(root: Path, loaded: LoadedLessons) -> None:
    path = root / "course.yaml"
    shown = _relative(root, path)
    if not path.exists():
        loaded.problems.add(shown, 1, "course.yaml is missing (title and modules)")
        return
    try:
        data = load_yaml_file(path)
    except YamlError as exc:
        loaded.problems.add(shown, exc.line, exc.message)
        return
    if not isinstance(data, LineDict):
        loaded.problems.add(shown, 1, "course.yaml must be a mapping with title and modules")
        return
    course = FieldReader(data, shown, loaded.problems, what="course.yaml")
    course.unknown_keys(COURSE_KEYS)
    loaded.title = course.text("title")
    loaded.summary = course.text("summary", required=False)
    modules = data.get("modules")
    if not isinstance(modules, LineList) or not modules:
        course.problem("modules", "course.yaml needs 'modules': a list of {id, slug, title, summary}")
        return
    seen_ids: dict[str, int] = {}
    seen_slugs: dict[str, int] = {}
    for position, item in enumerate(modules):
        if not isinstance(item, LineDict):
            loaded.problems.add(shown, modules.line_of(position), "each module must be a mapping with id, slug and title")
            continue
        fields = FieldReader(item, shown, loaded.problems, what="module")
        fields.unknown_keys(MODULE_KEYS)
        spec = ModuleSpec(fields.stable_id(), fields.slug(), fields.text("title"), fields.text("summary", required=False), position)
        for value, seen, key in ((spec.stable_id, seen_ids, "id"), (spec.slug, seen_slugs, "slug")):
            if value and value in seen:
                fields.problem(key, f"duplicate module {key} '{value}' (also at line {seen[value]})")
            elif value:
                seen[value] = item.line_of(key)
        loaded.modules.append(spec)


def load_lesson(root: Path, path: Path, loaded: LoadedLessons, module_slugs: set[str]) -> None:
    shown = _relative(root, path)
    problems = loaded.problems
    try:
        text = path.read_text(encoding="utf-8")
        data, body, body_line = split_front_matter(text)
    except UnicodeDecodeError:
        problems.add(shown, 1, "file is not valid UTF-8")
        return
    except YamlError as exc:
        problems.add(shown, exc.line, exc.message)
        return
    if not isinstance(data, LineDict):
        problems.add(shown, 2, "front matter must be a mapping (id, slug, title, ...)")
        return
    fields = FieldReader(data, shown, problems, what="lesson")
    fields.unknown_keys(LESSON_KEYS)
    module = fields.text("module")
    if module and module not in module_slugs:
        fields.problem("module", f"unknown module '{module}' (course.yaml has: {', '.join(sorted(module_slugs))})")
    spec = LessonSpec(
        stable_id=fields.stable_id(),
        slug=fields.slug(),
        title=fields.text("title"),
        summary=fields.text("summary"),
        module=module,
        order=fields.integer("order", required=False, default=1000, minimum=0, maximum=10000),
        minutes=fields.integer("minutes", minimum=1, maximum=240),
        tags=fields.string_list("tags"),
        path=shown,
        rendered=render_markdown(body, path=shown, problems=problems, first_line=body_line, quiz=parse_quiz),
    )
    if not body.strip():
        problems.add(shown, body_line, "lesson has no text after its front matter")
    spec.front_lines = data.lines
    loaded.lessons.append(spec)


def check_uniques(loaded: LoadedLessons) -> None:
    def report(what: str, key_of, line_key: str):
        seen: dict[str, LessonSpec] = {}
        for lesson in loaded.lessons:
            value = key_of(lesson)
            if not value:
                continue
            if value in seen:
                first = seen[value]
                loaded.problems.add(
                    lesson.path,
                    lesson.front_lines.get(line_key, 1),
                    f"duplicate {what} '{value}' (also in {first.path})",
                )
            else:
                seen[value] = lesson

    report("lesson id", lambda l: l.stable_id, "id")
    report("lesson slug", lambda l: l.slug, "slug")
    module_ids = {m.stable_id for m in loaded.modules}
    for lesson in loaded.lessons:
        if lesson.stable_id in module_ids:
            loaded.problems.add(lesson.path, lesson.front_lines.get("id", 1), f"id '{lesson.stable_id}' is already a module's id")
    seen_checks: dict[str, Path] = {}
    for lesson in loaded.lessons:
        for check in lesson.rendered.quick_checks:
            for message in guessability_warnings(check):
                loaded.warnings.add(lesson.path, check.line, message)
            if check.stable_id in seen_checks:
                loaded.problems.add(lesson.path, check.line, f"duplicate quick check id '{check.stable_id}' (also in {seen_checks[check.stable_id]})")
            else:
                seen_checks[check.stable_id] = lesson.path


def load(index: CourseIndex) -> LoadedLessons:
    root = index.root
    loaded = LoadedLessons(root=root)
    load_modules(root, loaded)
    module_slugs = {m.slug for m in loaded.modules if m.slug}
    lesson_dir = root / "lessons"
    paths = sorted(lesson_dir.rglob("*.md")) if lesson_dir.is_dir() else []
    if not paths:
        loaded.problems.add(_relative(root, lesson_dir), 1, "no lessons found (expected lessons/**/*.md)")
    for path in paths:
        load_lesson(root, path, loaded, module_slugs)
    check_uniques(loaded)

    index.title = loaded.title
    index.modules = {m.slug: m.stable_id for m in loaded.modules}
    for lesson in loaded.lessons:
        if lesson.slug and lesson.slug not in index.lessons:
            index.lessons[lesson.slug] = LessonRef(
                lesson.slug, lesson.stable_id, lesson.module, lesson.title, lesson.path, lesson.rendered.anchors
            )
    for lesson in loaded.lessons:
        for line, target in lesson.rendered.links:
            index.check_link(target, path=lesson.path, line=line, problems=loaded.problems)
    return loaded
