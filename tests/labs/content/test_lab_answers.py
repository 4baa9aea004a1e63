"""right/ and wrong/ answers keep a lab's grader honest: validate_course grades
them all, and names each one the grader misjudges as path:line."""

import shutil

from coursefiles.kinds import load_course

LAB = "course/labs/jobs-queue"


def problems_of(root, *, grade=False):
    _index, _parts, problems = load_course(root, grade_labs=grade)
    return [str(p) for p in problems]


def test_a_wrong_answer_the_grader_accepts_is_a_problem_on_its_first_line(course_copy):
    lab = course_copy / "labs" / "jobs-queue"
    solution = (lab / "solution.py").read_text()
    (lab / "wrong" / "string_seconds.py").write_text("# Misconception: the timeout must be a string.\n# fails: visibility\n" + solution)
    assert problems_of(course_copy, grade=True) == [
        f"{LAB}/wrong/string_seconds.py:1: wrong answer scores 1.0: the grader must reject it, failing 'visibility' "
        "(Misconception: the timeout must be a string.)"
    ]


def test_a_wrong_answer_must_fail_the_checkpoint_it_names(course_copy):
    lab = course_copy / "labs" / "jobs-queue"
    minutes = lab / "wrong" / "minutes.py"
    minutes.write_text(minutes.read_text().replace("# fails: visibility", "# fails: queue"))
    delay = lab / "wrong" / "delay_seconds.py"
    delay.write_text(delay.read_text().replace("# fails: visibility", "# fails: visibility-timeout"))
    assert problems_of(course_copy, grade=True) == [
        f"{LAB}/wrong/delay_seconds.py:2: wrong answer names checkpoint 'visibility-timeout', which the grader did not record "
        "(it recorded: queue, visibility, holds)",
        f"{LAB}/wrong/minutes.py:2: wrong answer passes checkpoint 'queue', the one it must fail (it fails visibility instead)",
    ]


def test_a_right_answer_that_fails_is_named_with_the_checkpoint_feedback(course_copy):
    lab = course_copy / "labs" / "jobs-queue"
    right = lab / "right" / "named_constant.py"
    right.write_text(right.read_text().replace("JOB_SECONDS = 45", "JOB_SECONDS = 40"))
    assert problems_of(course_copy, grade=True) == [
        f"{LAB}/right/named_constant.py:1: right answer fails checkpoint 'visibility': Expected a visibility timeout of 45 s; it is 40 s."
    ]


def test_a_wrong_answer_without_its_header_lines_is_named_on_each(course_copy):
    lab = course_copy / "labs" / "jobs-queue"
    (lab / "wrong" / "bare.py").write_text('"""No header."""\nimport boto3\n')
    (lab / "wrong" / "vague.py").write_text("# Misconception: any queue will do.\n# fails:\nimport boto3\n")
    assert problems_of(course_copy) == [
        f"{LAB}/wrong/bare.py:1: a wrong answer's first line must be a comment naming its misconception, e.g. '# Misconception: ...'",
        f"{LAB}/wrong/bare.py:2: a wrong answer's second line must be '# fails: <checkpoint-id>', the checkpoint it must fail",
        f"{LAB}/wrong/vague.py:2: a wrong answer's second line must be '# fails: <checkpoint-id>', the checkpoint it must fail",
    ]


def test_answers_are_checked_for_syntax_at_their_line(course_copy):
    lab = course_copy / "labs" / "jobs-queue"
    (lab / "right" / "typo.py").write_text('import boto3\n\n\ndef setup(:\n    pass\n')
    assert problems_of(course_copy) == [f"{LAB}/right/typo.py:4: Python syntax error: invalid syntax"]


def test_a_lab_needs_four_wrong_answers_and_two_right_ones(course_copy):
    lab = course_copy / "labs" / "jobs-queue"
    (lab / "wrong" / "minutes.py").unlink()
    shutil.rmtree(lab / "right")
    assert problems_of(course_copy) == [
        f"{LAB}/right:1: a lab needs at least 2 files in right/ (correct answers written differently from solution.py, each must score 1.0); it has 0",
        f"{LAB}/wrong:1: a lab needs at least 4 files in wrong/ (plausible wrong answers, each must score below 1.0); it has 3",
    ]
