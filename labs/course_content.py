"""course/labs/<slug>/: load, validate, grade and apply the labs.

A lab folder holds lab.yaml, instructions.md, starter.py, solution.py,
grader.py, variants.py (the hidden inputs drawn from a learner's seed:
grader.variants), and the answers that keep its grader
honest: right/*.py (other correct answers) and wrong/*.py (plausible mistakes,
each headed by its misconception and the checkpoint it must fail; see
docs/labs.md). Every problem is reported as path:line. When the index asks
for it (validate_course and sync_course without --skip-lab-grading), each
otherwise valid lab is graded through the engine: the solution and every
right answer must score 1.0, the starter less, and every wrong answer less
while failing the checkpoint it names.
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from grader.engine import MAX_TIME_LIMIT_S
from grader.variants import variant_inputs
from grader.verdict import Status, Verdict
from labs import engine
from coursefiles.fields import FieldReader
from coursefiles.kinds import CourseIndex
from coursefiles.markdown import render_markdown
from coursefiles.problems import Problems
from coursefiles.yamlfile import LineDict, LineList, YamlError, load_yaml_file

LAB_KEYS = {
    "id", "slug", "title", "summary", "module", "services", "difficulty", "minutes", "time_limit_s",
    "attempts_before_solution", "order", "hints", "lessons",
}
DIFFICULTIES = ("intro", "intermediate", "advanced")
SERVICES = {"sqs", "sns", "events", "scheduler", "pipes", "kinesis", "firehose", "lambda", "kafka", "s3", "logs", "dynamodb", "cloudwatch"}
REQUIRED_FILES = ("instructions.md", "starter.py", "solution.py", "grader.py", "variants.py")
MIN_WRONG, MIN_RIGHT = 4, 2
# wrong/*.py line 2; a checkpoint id as graders write them (run.check's first argument)
FAILS_LINE = re.compile(r"#\s*fails:\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\s*")


@dataclass
class LabSpec:
    stable_id: str
    slug: str
    title: str
    summary: str
    module: str
    services: list[str]
    difficulty: str
    minutes: int
    time_limit_s: int
    attempts_before_solution: int
    order: int
    folder: Path  # as shown in problems, e.g. course/labs/sqs-dlq
    instructions: list[dict] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    lessons: list[str] = field(default_factory=list)
    starter: str = ""
    solution: str = ""
    grader_files: dict[str, str] = field(default_factory=dict)
    lines: dict = field(default_factory=dict)
    right: dict[str, str] = field(default_factory=dict)  # file name in right/ -> code
    wrong: dict[str, "WrongAnswer"] = field(default_factory=dict)  # file name in wrong/ -> answer


@dataclass
class WrongAnswer:
    code: str
    misconception: str
    fails: str  # the checkpoint id it must fail


@dataclass
class LoadedLabs:
    labs: list[LabSpec] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)

    @property
    def stats(self) -> dict[str, int]:
        return {"labs": len(self.labs)}

    def apply(self) -> dict[str, int]:
        return labs_apply(labs=self.labs)


def _shown(root: Path, path: Path) -> Path:
    try:
        return path.relative_to(root.parent)
    except ValueError:
        return path


def _read(path: Path, shown: Path, problems: Problems) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.add(shown, 1, "file is not valid UTF-8")
    except OSError as exc:
        problems.add(shown, 1, f"cannot read file: {exc.strerror}")
    return None


def _check_python(text: str, shown: Path, problems: Problems, *, needs: tuple[str, ...] = ()) -> bool:
    try:
        tree = ast.parse(text, filename=str(shown))
    except SyntaxError as exc:
        problems.add(shown, exc.lineno or 1, f"Python syntax error: {exc.msg}")
        return False
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    ok = True
    for name in needs:
        if name not in defined:
            problems.add(shown, 1, f"{shown.name} must define a top-level function {name}()")
            ok = False
    return ok


def load_lab(index: CourseIndex, folder: Path, loaded: LoadedLabs) -> LabSpec | None:
    problems = Problems()
    shown_folder = _shown(index.root, folder)
    yaml_path = folder / "lab.yaml"
    shown_yaml = shown_folder / "lab.yaml"
    if not yaml_path.exists():
        loaded.problems.add(shown_yaml, 1, "lab folder has no lab.yaml")
        return None
    try:
        data = load_yaml_file(yaml_path)
    except YamlError as exc:
        loaded.problems.add(shown_yaml, exc.line, exc.message)
        return None
    if not isinstance(data, LineDict):
        loaded.problems.add(shown_yaml, 1, "lab.yaml must be a YAML mapping of fields (id, slug, title, ...)")
        return None

    fields = FieldReader(data, shown_yaml, problems, what="lab")
    fields.unknown_keys(LAB_KEYS)
    slug = fields.slug()
    if slug and slug != folder.name:
        fields.problem("slug", f"slug '{slug}' must match the folder name '{folder.name}'")
    module = fields.text("module")
    if module and module not in index.modules:
        fields.problem("module", f"unknown module '{module}' (course.yaml has: {', '.join(sorted(index.modules)) or 'none'})")
    services = fields.string_list("services", required=True)
    unknown = [s for s in services if s not in SERVICES]
    if unknown:
        fields.problem("services", f"unknown service(s) {', '.join(unknown)} (known: {', '.join(sorted(SERVICES))})")
    difficulty = data.get("difficulty")
    if difficulty not in DIFFICULTIES:
        fields.problem("difficulty", f"'difficulty' must be one of {', '.join(DIFFICULTIES)}, got {difficulty!r}")
    spec = LabSpec(
        stable_id=fields.stable_id(),
        slug=slug,
        title=fields.text("title"),
        summary=fields.text("summary"),
        module=module,
        services=services,
        difficulty=difficulty if difficulty in DIFFICULTIES else "intro",
        minutes=fields.integer("minutes", minimum=1, maximum=240),
        time_limit_s=fields.integer("time_limit_s", minimum=1, maximum=MAX_TIME_LIMIT_S),
        attempts_before_solution=fields.integer("attempts_before_solution", minimum=0, maximum=100),
        order=fields.integer("order", required=False, default=1000, minimum=0, maximum=10000),
        folder=shown_folder,
        lines=data.lines,
    )

    hints = data.get("hints")
    if hints is None:
        fields.problem("hints", "lab is missing required field 'hints' (a list of Markdown hints, revealed one at a time)")
    elif not isinstance(hints, LineList) or not hints or not all(isinstance(h, str) and h.strip() for h in hints):
        fields.problem("hints", "'hints' must be a non-empty list of Markdown text")
    else:
        for i, hint in enumerate(hints):
            spec.hints.append(render_markdown(hint, path=shown_yaml, problems=problems, first_line=hints.line_of(i)).html)
    lessons = data.get("lessons")
    if lessons is not None:
        if not isinstance(lessons, LineList) or not all(isinstance(s, str) and s.strip() for s in lessons):
            fields.problem("lessons", "'lessons' must be a list of lesson slugs")
        else:
            for i, target in enumerate(lessons):
                index.check_link(target.strip(), path=shown_yaml, line=lessons.line_of(i), problems=problems)
                spec.lessons.append(target.strip())

    texts: dict[str, str] = {}
    for name in REQUIRED_FILES:
        path = folder / name
        if not path.exists():
            problems.add(shown_folder / name, 1, f"lab folder has no {name}")
            continue
        text = _read(path, shown_folder / name, problems)
        if text is not None:
            texts[name] = text
    if "instructions.md" in texts:
        shown = shown_folder / "instructions.md"
        if not texts["instructions.md"].strip():
            problems.add(shown, 1, "instructions.md is empty")
        for number, line in enumerate(texts["instructions.md"].splitlines(), start=1):
            if line.startswith("# "):
                problems.add(shown, number, "instructions.md must not have a level-1 heading: the lab page shows the title from lab.yaml")
        rendered = render_markdown(texts["instructions.md"], path=shown, problems=problems)
        spec.instructions = [{"kind": "html", "html": s.html} for s in rendered.segments if s.kind == "html"]
        for line, target in rendered.links:
            index.check_link(target, path=shown, line=line, problems=problems)
    if "starter.py" in texts and _check_python(texts["starter.py"], shown_folder / "starter.py", problems):
        spec.starter = texts["starter.py"]
    if "solution.py" in texts and _check_python(texts["solution.py"], shown_folder / "solution.py", problems):
        spec.solution = texts["solution.py"]
    if "grader.py" in texts and _check_python(texts["grader.py"], shown_folder / "grader.py", problems, needs=("grade",)):
        spec.grader_files["grader.py"] = texts["grader.py"]
    _load_answers(folder, shown_folder, spec, problems)
    if "variants.py" in texts and _check_python(texts["variants.py"], shown_folder / "variants.py", problems, needs=("variants",)):
        _check_variants(texts["variants.py"], shown_folder / "variants.py", spec, problems)
    if (folder / "inputs.yaml").exists():
        problems.add(shown_folder / "inputs.yaml", 1, "hidden inputs come from variants.py (variants(seed) returns them); move them there")

    loaded.problems.extend(problems)
    return None if problems else spec


def _check_variants(text: str, shown: Path, spec: LabSpec, problems: Problems) -> None:
    """variants(seed) runs, returns JSON data, and returns the same for the same seed."""
    files = {"variants.py": text}
    try:
        first, again, other = (variant_inputs(files, seed, slug=spec.slug) for seed in (0, 0, 1))
    except Exception as exc:  # the author's code: any error is a problem in their file
        problems.add(shown, _error_line(exc, shown), f"variants() failed: {type(exc).__name__}: {exc}")
        return
    if first != again:
        problems.add(shown, 1, "variants(0) returned different inputs on two calls: draw them from random.Random(seed), not from the clock or global state")
    elif first == other and first:
        problems.add(shown, 1, "variants(0) and variants(1) are the same: two learners would see the same hidden inputs")
    else:
        spec.grader_files["variants.py"] = text


def _error_line(exc: BaseException, shown: Path) -> int:
    """The line of `shown` where `exc` was raised, 1 when it is not in the file's frames."""
    line = 1
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename.endswith(f"{shown.parent.name}/variants.py"):
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def _load_answers(folder: Path, shown_folder: Path, spec: LabSpec, problems: Problems) -> None:
    """right/*.py and wrong/*.py: enough of each, valid Python, wrong ones headed
    "# <misconception>" then "# fails: <checkpoint-id>"."""
    for name, minimum, what in (
        ("right", MIN_RIGHT, "correct answers written differently from solution.py, each must score 1.0"),
        ("wrong", MIN_WRONG, "plausible wrong answers, each must score below 1.0"),
    ):
        paths = sorted((folder / name).glob("*.py"))
        if len(paths) < minimum:
            problems.add(shown_folder / name, 1, f"a lab needs at least {minimum} files in {name}/ ({what}); it has {len(paths)}")
        for path in paths:
            shown = shown_folder / name / path.name
            text = _read(path, shown, problems)
            if text is None or not _check_python(text, shown, problems):
                continue
            if name == "right":
                spec.right[path.name] = text
                continue
            lines = text.splitlines() + ["", ""]
            misconception = lines[0].lstrip("#").strip() if lines[0].startswith("#") else ""
            fails = FAILS_LINE.fullmatch(lines[1].strip())
            if not misconception:
                problems.add(shown, 1, "a wrong answer's first line must be a comment naming its misconception, e.g. '# Misconception: ...'")
            if not fails:
                problems.add(shown, 2, "a wrong answer's second line must be '# fails: <checkpoint-id>', the checkpoint it must fail")
            if misconception and fails:
                spec.wrong[path.name] = WrongAnswer(code=text, misconception=misconception, fails=fails.group(1))


def _grade(spec: LabSpec, code: str, seed: int = 0) -> Verdict:
    return engine.grade_source(
        slug=spec.slug, time_limit_s=spec.time_limit_s, grader_files=spec.grader_files, code=code, services=spec.services,
        seed=seed,
    )


def _must_pass(verdict: Verdict, path: Path, what: str, problems: Problems) -> None:
    if verdict.status == Status.PASSED:
        return
    if verdict.error:
        problems.add(path, 1, f"{what} did not pass ({verdict.status}): {verdict.error}")
    for checkpoint in verdict.checkpoints:
        if not checkpoint.passed:
            problems.add(path, 1, f"{what} fails checkpoint '{checkpoint.id}': {checkpoint.feedback}")
    if not verdict.error and all(c.passed for c in verdict.checkpoints):
        problems.add(path, 1, f"{what} did not pass: status {verdict.status}, score {verdict.score}")


def _must_fail(verdict: Verdict, path: Path, answer: WrongAnswer, problems: Problems) -> None:
    """Below 1.0, and failing the checkpoint the answer names."""
    checkpoints = {c.id: c for c in verdict.checkpoints}
    failed = [c.id for c in verdict.checkpoints if not c.passed]
    if verdict.status == Status.PASSED or verdict.score >= 1.0:
        problems.add(path, 1, f"wrong answer scores 1.0: the grader must reject it, failing '{answer.fails}' ({answer.misconception})")
    elif answer.fails not in checkpoints:
        ended = f" (the run ended {verdict.status}: {verdict.error})" if verdict.error else ""
        problems.add(path, 2, f"wrong answer names checkpoint '{answer.fails}', which the grader did not record "
                              f"(it recorded: {', '.join(checkpoints) or 'none'}){ended}")
    elif checkpoints[answer.fails].passed:
        problems.add(path, 2, f"wrong answer passes checkpoint '{answer.fails}', the one it must fail "
                              f"(it fails {', '.join(failed) or 'none'} instead)")


def grade_lab_files(spec: LabSpec, problems: Problems) -> None:
    """The solution and every right answer must score 1.0, the starter below it,
    and every wrong answer below it while failing the checkpoint it names."""
    _must_pass(_grade(spec, spec.solution), spec.folder / "solution.py", "solution", problems)
    starter = _grade(spec, spec.starter)
    if starter.status == Status.PASSED or starter.score >= 1.0:
        problems.add(spec.folder / "starter.py", 1, "starter scores 1.0; it must score less, so the learner has something to do")
    for name, code in spec.right.items():
        _must_pass(_grade(spec, code), spec.folder / "right" / name, "right answer", problems)
    for name, answer in spec.wrong.items():
        _must_fail(_grade(spec, answer.code), spec.folder / "wrong" / name, answer, problems)


def load(index: CourseIndex) -> LoadedLabs:
    loaded = LoadedLabs()
    labs_dir = index.root / "labs"
    if not labs_dir.is_dir():
        return loaded
    for folder in sorted(p for p in labs_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        spec = load_lab(index, folder, loaded)
        if spec is not None:
            loaded.labs.append(spec)
    seen_ids: dict[str, LabSpec] = {}
    lesson_ids = {ref.stable_id for ref in index.lessons.values()} | set(index.modules.values())
    for spec in list(loaded.labs):
        shown = spec.folder / "lab.yaml"
        if spec.stable_id in seen_ids:
            loaded.problems.add(shown, spec.lines.get("id", 1), f"duplicate lab id '{spec.stable_id}' (also in {seen_ids[spec.stable_id].folder})")
            loaded.labs.remove(spec)
        elif spec.stable_id in lesson_ids:
            loaded.problems.add(shown, spec.lines.get("id", 1), f"id '{spec.stable_id}' is already a module's or lesson's id")
            loaded.labs.remove(spec)
        else:
            seen_ids[spec.stable_id] = spec
    if index.grade_labs:
        for spec in loaded.labs:
            grade_lab_files(spec, loaded.problems)
    return loaded


def labs_apply(*, labs: list[LabSpec]) -> dict[str, int]:
    """Upsert Lab rows by stable id (a renamed lab keeps its submissions) and
    retire labs whose folder is gone. Runs inside the sync's transaction, after
    learning's modules were applied."""
    from labs.models import Lab
    from learning.models import Lesson, Module

    # Free every slug first so that swaps and renames never trip the unique index.
    for pk in Lab.objects.values_list("pk", flat=True):
        Lab.objects.filter(pk=pk).update(slug=f"retired-{pk}")
    modules = {m.slug: m for m in Module.objects.filter(slug__in={spec.module for spec in labs})}
    lessons = {lesson.slug: lesson for lesson in Lesson.objects.filter(slug__in={slug for spec in labs for slug in spec.lessons})}
    for position, spec in enumerate(sorted(labs, key=lambda s: (s.order, s.slug))):
        lab, _ = Lab.objects.update_or_create(
            stable_id=spec.stable_id,
            defaults={
                "slug": spec.slug,
                "title": spec.title,
                "summary": spec.summary,
                "module": modules.get(spec.module),
                "services": spec.services,
                "difficulty": spec.difficulty,
                "minutes": spec.minutes,
                "time_limit_s": spec.time_limit_s,
                "attempts_before_solution": spec.attempts_before_solution,
                "position": position,
                "instructions": spec.instructions,
                "hints": spec.hints,
                "starter_code": spec.starter,
                "solution_code": spec.solution,
                "grader_files": spec.grader_files,
                "source_path": str(spec.folder),
                "is_active": True,
            },
        )
        lab.lessons.set([lessons[slug] for slug in spec.lessons if slug in lessons])
    retired = Lab.objects.exclude(stable_id__in=[spec.stable_id for spec in labs]).update(is_active=False)
    return {"labs": len(labs), "labs_retired": retired}
