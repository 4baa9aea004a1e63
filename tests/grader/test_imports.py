"""grader/ is a framework-free core: no module in it imports Django, or any app."""

import ast
from pathlib import Path

GRADER = Path(__file__).resolve().parents[2] / "grader"
APPS = ("django", "labs", "learning", "flashcards", "accounts", "classes", "coursefiles", "redrive")


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_module_under_grader_imports_django_or_an_app():
    modules = sorted(GRADER.rglob("*.py"))
    assert len(modules) > 20  # the walk found the package
    offenders = {str(path.relative_to(GRADER.parent)): sorted(_imported_roots(path) & set(APPS)) for path in modules}
    assert {path: roots for path, roots in offenders.items() if roots} == {}


def test_the_walk_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from django.conf import settings\n    import labs.models\n")
    assert _imported_roots(module) == {"django", "labs"}
