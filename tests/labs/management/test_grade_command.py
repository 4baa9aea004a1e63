"""`manage.py grade`: the worker's engine, synchronous, from the course folder."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.sandbox


def _grade(course, *args):
    out = io.StringIO()
    call_command("grade", *args, "--course", str(course), stdout=out)
    return out.getvalue()


def test_json_prints_one_verdict_object_for_a_passing_solution(course_copy):
    solution = course_copy / "labs" / "jobs-queue" / "solution.py"
    verdict = json.loads(_grade(course_copy, "jobs-queue", str(solution), "--json"))
    assert verdict["status"] == "passed"
    assert verdict["score"] == 1.0
    assert {"id", "title", "passed", "points", "feedback"} <= set(verdict["checkpoints"][0])
    assert verdict["duration_ms"] > 0


def test_a_failing_starter_still_exits_cleanly_and_names_each_miss(course_copy):
    starter = course_copy / "labs" / "jobs-queue" / "starter.py"
    text = _grade(course_copy, "jobs-queue", str(starter))
    assert "failed" in text.splitlines()[0]
    assert "MISS" in text


def test_an_unknown_lab_is_an_error_that_lists_the_labs(course_copy, tmp_path):
    code = tmp_path / "mine.py"
    code.write_text("print('hi')\n")
    with pytest.raises(CommandError, match="no lab 'nope'.*jobs-queue"):
        _grade(course_copy, "nope", str(code))


def test_an_unreadable_file_is_an_error(course_copy, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        _grade(course_copy, "jobs-queue", str(tmp_path / "missing.py"))


def test_a_seed_picks_the_variant_and_is_named(course_copy):
    from grader.variants import variant_inputs

    solution = course_copy / "labs" / "jobs-queue" / "solution.py"
    text = _grade(course_copy, "jobs-queue", str(solution), "--seed", "12")
    assert "(variant 12): passed" in text.splitlines()[0]
    # The grader in the sandboxed engine read variant 12's inputs, not variant 0's.
    files = {"variants.py": (course_copy / "labs" / "jobs-queue" / "variants.py").read_text()}
    twelve, zero = variant_inputs(files, 12)["job"], variant_inputs(files, 0)["job"]
    assert twelve != zero
    assert f"jobs took {twelve} and gave it back." in text


@pytest.mark.parametrize("seed", ["-1", str(2**31)])
def test_a_seed_out_of_range_is_an_error(course_copy, seed):
    solution = course_copy / "labs" / "jobs-queue" / "solution.py"
    with pytest.raises(CommandError, match="a variant seed is a whole number from 0"):
        _grade(course_copy, "jobs-queue", str(solution), "--seed", seed)
