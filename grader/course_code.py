"""Running a lab folder's trusted Python files (grader.py, variants.py).

They come from the course, not from learners: each is compiled under its
course path (so tracebacks name course/labs/<slug>/<file> and its lines) and
run as a fresh module, and the one function the engine calls is taken from it.

The worker compiles a lab's files once (`marshalled`, kept per text) and
sends the code objects with each job: a run's emulator child is a fresh fork
that lives for one grading, and compiling a 20 KB grader there cost 5 to 30 ms
of every run of the larger labs. The child loads them (`unmarshalled`) and
compiles only what it was not sent, or what another interpreter marshalled.
"""

import base64
import functools
import importlib.util
import marshal
import types
from typing import Callable

MAGIC = importlib.util.MAGIC_NUMBER  # marshal's format is this interpreter version's own


def course_path(slug: str, filename: str) -> str:
    return f"course/labs/{slug}/{filename}"


def course_function(
    source: str, *, slug: str, filename: str, name: str, code: types.CodeType | None = None
) -> Callable | None:
    """`name` defined by `source`, the text of course/labs/<slug>/<filename>; None
    if it defines none. `code` is that text compiled already (`unmarshalled`)."""
    module = types.ModuleType(f"redrive_{filename.removesuffix('.py')}_{slug.replace('-', '_')}")
    module.__file__ = course_path(slug, filename)
    if code is None or code.co_filename != module.__file__:
        code = compile(source, module.__file__, "exec")
    exec(code, module.__dict__)
    function = getattr(module, name, None)
    return function if callable(function) else None


def marshalled(grader_files: dict[str, str], slug: str) -> str:
    """The lab's Python files compiled, for a job (ASCII); '' when one does not compile
    (the child then compiles it and reports the error as it always did)."""
    return _marshalled(slug, tuple(sorted((name, text) for name, text in grader_files.items() if name.endswith(".py"))))


@functools.lru_cache(maxsize=64)  # a lab's files change only when the course is synced
def _marshalled(slug: str, files: tuple[tuple[str, str], ...]) -> str:
    try:
        codes = {name: compile(text, course_path(slug, name), "exec") for name, text in files}
    except (SyntaxError, ValueError):
        return ""
    return base64.b64encode(MAGIC + marshal.dumps(codes)).decode("ascii")


def unmarshalled(text: str) -> dict[str, types.CodeType]:
    """A job's compiled files by name; {} when there are none or they are another interpreter's."""
    if not text:
        return {}
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError:
        return {}
    if not data.startswith(MAGIC):
        return {}
    try:
        codes = marshal.loads(data[len(MAGIC):])
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(codes, dict):
        return {}
    return {name: code for name, code in codes.items() if isinstance(name, str) and isinstance(code, types.CodeType)}
