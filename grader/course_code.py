"""Running a lab folder's trusted Python files (grader.py, variants.py).

They come from the course, not from learners: each is compiled under its
course path (so tracebacks name course/labs/<slug>/<file> and its lines) and
run as a fresh module, and the one function the engine calls is taken from it.
"""

import types
from typing import Callable


def course_function(source: str, *, slug: str, filename: str, name: str) -> Callable | None:
    """`name` defined by `source`, the text of course/labs/<slug>/<filename>; None if it defines none."""
    module = types.ModuleType(f"redrive_{filename.removesuffix('.py')}_{slug.replace('-', '_')}")
    module.__file__ = f"course/labs/{slug}/{filename}"
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    function = getattr(module, name, None)
    return function if callable(function) else None
