"""The arrows between Redrive's top-level packages run one way
(docs/architecture.md). Read from the source (every import statement,
including those inside functions), not from what happens to be loaded."""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each package may import, besides itself, Django and libraries. classes
# sits on top; coursefiles and grader import no app. grader may use
# coursefiles' diagram types (plain Python, like grader itself).
ALLOWED = {
    "coursefiles": set(),
    "grader": {"coursefiles"},
    "accounts": {"coursefiles"},
    "learning": {"coursefiles", "accounts"},
    "flashcards": {"coursefiles", "accounts", "learning"},
    "labs": {"coursefiles", "accounts", "learning", "grader"},
    "classes": {"coursefiles", "accounts", "learning", "flashcards", "labs"},
    # Settings, URLs, Celery and the context processors that compose apps.
    "redrive": {"coursefiles", "accounts", "learning", "flashcards", "labs", "classes", "grader"},
}
PACKAGES = [name for name in ALLOWED if (ROOT / name / "__init__.py").exists()]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    """The project modules `path` imports (a `from a.b import c` names a.b.c when c is a module)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if _is_module(candidate) else base)
    return {name for name in found if name.split(".")[0] in ALLOWED}


def _sources():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def package_graph() -> dict[str, set[str]]:
    graph = defaultdict(set)
    for path in _sources():
        source = _module_name(path).split(".")[0]
        for target in _imports(path):
            if target.split(".")[0] != source:
                graph[source].add(target.split(".")[0])
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle in `graph`, as a list of its nodes, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_package_imports_one_it_must_not():
    wrong = []
    for path in _sources():
        source = _module_name(path).split(".")[0]
        for target in sorted(_imports(path)):
            top = target.split(".")[0]
            if top != source and top not in ALLOWED[source]:
                wrong.append(f"{path.relative_to(ROOT)} imports {target} ({source} -> {top})")
    assert not wrong, "\n".join(wrong)


def test_classes_reads_the_apps_below_only_through_their_selectors_and_services():
    """Its models point at their rows with foreign keys (by name, no import); its code asks their selectors."""
    wrong = []
    for path in sorted((ROOT / "classes").rglob("*.py")):
        for target in sorted(_imports(path)):
            parts = target.split(".")
            if parts[0] in {"learning", "flashcards", "labs"} and (len(parts) < 2 or parts[1] not in {"selectors", "services"}):
                wrong.append(f"{path.relative_to(ROOT)} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_the_packages_import_each_other_without_a_cycle():
    assert _cycle(package_graph()) is None


@pytest.mark.parametrize("package", PACKAGES)
def test_the_modules_of_a_package_import_each_other_without_a_cycle(package):
    """Imports at the top of a module only: one inside a function runs after
    every module has loaded, which is how a module may reach one that imports it."""
    graph = defaultdict(set)
    for path in sorted((ROOT / package).rglob("*.py")):
        name = _module_name(path)
        graph[name].update(t for t in _imports(path, top_level_only=True) if t.split(".")[0] == package and t != name)
    assert _cycle(graph) is None


def test_the_checker_sees_a_forbidden_arrow_and_a_cycle(tmp_path):
    """The helpers above would pass on anything if they found no imports."""
    assert "flashcards" not in package_graph().get("learning", set())
    assert {"learning", "accounts"} <= package_graph()["flashcards"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None
