"""A lab's grader files, compiled once in the worker and loaded in the run's
child (grader/course_code.py): the same functions, the same tracebacks, and
a compile from source whenever the compiled files cannot be used."""

import base64
import marshal
import traceback

import pytest

from grader.course_code import MAGIC, marshalled, unmarshalled
from grader.run import load_grader

FILES = {
    "grader.py": "def grade(run):\n    raise RuntimeError('checked')\n",
    "variants.py": "def variants(seed):\n    return {'seed': seed, 'double': seed * 2}\n",
    "lab.yaml": "title: not Python\n",
}


def test_the_compiled_files_load_as_the_sources_do():
    codes = unmarshalled(marshalled(FILES, "demo"))
    assert sorted(codes) == ["grader.py", "variants.py"]
    grade, inputs = load_grader(FILES, slug="demo", seed=7, codes=codes)
    assert inputs == {"seed": 7, "double": 14} == load_grader(FILES, slug="demo", seed=7)[1]
    with pytest.raises(RuntimeError) as raised:
        grade(None)
    assert traceback.extract_tb(raised.value.__traceback__)[-1].filename == "course/labs/demo/grader.py"


def test_the_worker_compiles_each_text_once():
    first = marshalled(dict(FILES), "demo")
    assert marshalled(dict(FILES), "demo") is first
    assert marshalled({**FILES, "grader.py": FILES["grader.py"].replace("checked", "edited")}, "demo") != first


def test_a_grader_that_does_not_compile_is_sent_as_source_and_fails_as_before():
    broken = {**FILES, "grader.py": "def grade(run:\n"}
    assert marshalled(broken, "demo") == ""
    with pytest.raises(SyntaxError):
        load_grader(broken, slug="demo", codes=unmarshalled(""))


@pytest.mark.parametrize(
    "text",
    [
        "not base64!",
        base64.b64encode(b"\x00\x00\x00\x00" + marshal.dumps({})).decode(),  # another interpreter's
        base64.b64encode(MAGIC + b"\xff\xfe").decode(),  # not marshal
        base64.b64encode(MAGIC + marshal.dumps(["grader.py"])).decode(),  # not a dict of code
    ],
)
def test_files_that_cannot_be_used_are_compiled_from_source(text):
    assert unmarshalled(text) == {}
    _grade, inputs = load_grader(FILES, slug="demo", seed=1, codes=unmarshalled(text))
    assert inputs["double"] == 2


def test_code_compiled_for_another_labs_path_is_not_used():
    other = unmarshalled(marshalled({"grader.py": "def grade(run):\n    return 'other'\n"}, "other-lab"))
    grade, _inputs = load_grader(FILES, slug="demo", codes=other)
    with pytest.raises(RuntimeError):
        grade(None)
