"""Lab folders are validated with path:line problems, and graded when asked."""

import shutil
from pathlib import Path

import pytest

from coursefiles.kinds import load_course

LAB = "course/labs/jobs-queue"


def problems_of(root, *, grade=False):
    _index, _parts, problems = load_course(root, grade_labs=grade)
    return [str(p) for p in problems]


def edit(path, old, new):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


@pytest.fixture
def lab_dir(course_copy):
    return course_copy / "labs" / "jobs-queue"


def test_the_fixture_course_and_its_lab_are_valid_and_graded(course_copy, lab_dir):
    edit(lab_dir / "lab.yaml", "order: 1", "order: 1\nlessons: [dead-letters]")
    with (lab_dir / "instructions.md").open("a") as f:
        f.write("See [dead-letter queues](lesson:dead-letters#redrive-policy).\n")
    assert problems_of(course_copy, grade=True) == []


def test_an_unknown_module_is_named_on_its_line(course_copy, lab_dir):
    edit(lab_dir / "lab.yaml", "module: queues", "module: streams")
    assert problems_of(course_copy) == [f"{LAB}/lab.yaml:5: unknown module 'streams' (course.yaml has: basics, queues)"]


def test_the_slug_must_match_the_folder(course_copy, lab_dir):
    edit(lab_dir / "lab.yaml", "slug: jobs-queue", "slug: job-queue")
    assert problems_of(course_copy) == [f"{LAB}/lab.yaml:2: slug 'job-queue' must match the folder name 'jobs-queue'"]


def test_field_problems_each_name_their_line(course_copy, lab_dir):
    edit(lab_dir / "lab.yaml", "time_limit_s: 10", "time_limit_s: 90")
    edit(lab_dir / "lab.yaml", "difficulty: intro", "difficulty: easy")
    edit(lab_dir / "lab.yaml", "order: 1", "order: 1\ncolour: blue\nlessons: [dead-letter]")
    assert problems_of(course_copy) == [
        f"{LAB}/lab.yaml:7: 'difficulty' must be one of intro, intermediate, advanced, got 'easy'",
        f"{LAB}/lab.yaml:9: 'time_limit_s' must be a whole number from 1 to 60, got 90",
        f"{LAB}/lab.yaml:12: unknown field 'colour' in lab (allowed: attempts_before_solution, difficulty, hints, id, lessons, minutes, module, order, services, slug, summary, time_limit_s, title)",
        f"{LAB}/lab.yaml:13: broken internal link: no lesson with slug 'dead-letter'",
    ]


def test_a_syntax_error_in_the_solution_names_its_line(course_copy, lab_dir):
    edit(lab_dir / "solution.py", 'def setup():', 'def setup(:')
    assert problems_of(course_copy) == [f"{LAB}/solution.py:6: Python syntax error: invalid syntax"]


def test_a_grader_without_grade_and_missing_files_are_reported(course_copy, lab_dir):
    edit(lab_dir / "grader.py", "def grade(run):", "def score(run):")
    (lab_dir / "starter.py").unlink()
    assert problems_of(course_copy) == [
        f"{LAB}/grader.py:1: grader.py must define a top-level function grade()",
        f"{LAB}/starter.py:1: lab folder has no starter.py",
    ]


def test_bad_yaml_names_its_line(course_copy, lab_dir):
    edit(lab_dir / "lab.yaml", "minutes: ", "minutes: [1, 2\n")
    [problem] = problems_of(course_copy)
    assert problem.startswith(f"{LAB}/lab.yaml:") and "invalid YAML" in problem


def test_variants_that_fail_name_their_line(course_copy, lab_dir):
    (lab_dir / "variants.py").write_text("import random\n\n\ndef variants(seed):\n    return {'job': 1 / (seed - seed)}\n")
    [problem] = problems_of(course_copy)
    assert problem == f"{LAB}/variants.py:5: variants() failed: ZeroDivisionError: division by zero"


def test_variants_the_same_for_every_seed_are_refused(course_copy, lab_dir):
    (lab_dir / "variants.py").write_text("def variants(seed):\n    return {'seconds': 45}\n")
    [problem] = problems_of(course_copy)
    assert problem == f"{LAB}/variants.py:1: variants(0) and variants(1) are the same: two learners would see the same hidden inputs"


def test_variants_that_change_between_calls_are_refused(course_copy, lab_dir):
    (lab_dir / "variants.py").write_text("import random\n\n\ndef variants(seed):\n    return {'job': random.random()}\n")
    [problem] = problems_of(course_copy)
    assert "variants(0) returned different inputs on two calls" in problem


def test_hidden_inputs_in_a_yaml_file_are_pointed_at_variants(course_copy, lab_dir):
    (lab_dir / "inputs.yaml").write_text("seconds: 45\n")
    assert problems_of(course_copy) == [
        f"{LAB}/inputs.yaml:1: hidden inputs come from variants.py (variants(seed) returns them); move them there"
    ]


def test_a_broken_link_in_the_instructions_is_named(course_copy, lab_dir):
    with (lab_dir / "instructions.md").open("a") as f:
        f.write("See [where failed jobs go](lesson:dead-letters#no-such-part).\n")
    assert problems_of(course_copy) == [f"{LAB}/instructions.md:1: broken internal link: lesson 'dead-letters' has no section '#no-such-part'"]


def test_a_title_heading_in_the_instructions_is_refused(course_copy, lab_dir):
    text = (lab_dir / "instructions.md").read_text()
    (lab_dir / "instructions.md").write_text("# A queue for jobs\n\n" + text)
    assert problems_of(course_copy) == [
        f"{LAB}/instructions.md:1: instructions.md must not have a level-1 heading: the lab page shows the title from lab.yaml"
    ]


def test_a_failing_solution_checkpoint_is_a_problem_on_solution_py(course_copy, lab_dir):
    edit(lab_dir / "solution.py", '"45"', '"30"')
    assert problems_of(course_copy, grade=True) == [
        f"{LAB}/solution.py:1: solution fails checkpoint 'visibility': Expected a visibility timeout of 45 s; it is 30 s."
    ]


def test_a_starter_that_already_passes_is_a_problem(course_copy, lab_dir):
    shutil.copy(lab_dir / "solution.py", lab_dir / "starter.py")
    assert problems_of(course_copy, grade=True) == [f"{LAB}/starter.py:1: starter scores 1.0; it must score less, so the learner has something to do"]


def test_duplicate_lab_ids_are_refused(course_copy, lab_dir):
    twin = course_copy / "labs" / "jobs-queue-two"
    shutil.copytree(lab_dir, twin)
    edit(twin / "lab.yaml", "slug: jobs-queue", "slug: jobs-queue-two")
    assert problems_of(course_copy) == [
        "course/labs/jobs-queue-two/lab.yaml:1: duplicate lab id 'lab-jobs-queue-0004' (also in course/labs/jobs-queue)"
    ]


@pytest.fixture(scope="module")
def course_labs():
    """The bundled course's labs, loaded as validate_course loads them."""
    from django.conf import settings

    _index, parts, problems = load_course(settings.BASE_DIR / "course", grade_labs=False)
    assert [str(p) for p in problems] == []
    return {spec.slug: spec for part in parts for spec in getattr(part, "labs", [])}


# Every lab folder of the bundled course, so a new lab is graded here without anyone listing it.
COURSE_LABS = sorted(
    p.name for p in (Path(__file__).resolve().parents[3] / "course" / "labs").iterdir()
    if p.is_dir() and not p.name.startswith((".", "_"))
)


@pytest.mark.sandbox
@pytest.mark.seeds  # with the every-variant sweep, in make test-seeds: minutes of sandboxed gradings
@pytest.mark.parametrize("slug", COURSE_LABS)
def test_the_course_labs_grade_their_answers_through_the_engine(course_labs, slug):
    """Solution and right/ at 1.0, starter below, each wrong/ answer below and
    failing the checkpoint it names: a grader change that lets a wrong answer
    through, or fails a right one, fails here."""
    from labs.course_content import grade_lab_files
    from coursefiles.problems import Problems

    problems = Problems()
    grade_lab_files(course_labs[slug], problems)
    assert [str(p) for p in problems] == []
