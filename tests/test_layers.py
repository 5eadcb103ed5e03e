"""The folders are the layers, and imports flow one way down them:

    cli -> ui -> ops -> storage -> text -> model

A module imports modules of its own folder or of a folder below it, never above, and the
modules import each other in no circle (within a folder too). Only `storage.backends`
picks a backend implementation. The pure layers keep the heavy libraries out.

Read from the source with ast, so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "newsarchive"

# Each folder's place, lowest first: a module may import from its own folder and the
# folders before it. The package's own `__init__` and `__main__` stand at the ends.
FOLDERS = ("__init__", "model", "text", "storage", "ops", "ui", "cli", "__main__")
# Libraries each folder keeps out, and a few modules' own stricter lists.
FORBIDDEN = {
    "model": {"click", "rich", "sqlalchemy", "alembic", "textual"},
    "text": {"click", "rich", "sqlalchemy", "alembic", "textual"},
    "storage": {"click", "rich", "textual"},
    "ops": {"click", "rich", "textual"},
    "ui": {"click", "sqlalchemy", "alembic"},
}
STRICTER = {
    "model.records": {"pydantic"},
    "model.rows": {"pydantic"},
    "text.exports": {"pydantic"},
    "text.exports.detect": {"pydantic"},
    "text.exports.lines": {"pydantic"},
    "text.exports.fields": {"pydantic"},
    "text.exports.lexisnexis": {"pydantic"},
    "text.exports.proquest": {"pydantic"},
    "text.exports.factiva": {"pydantic"},
    "text.exports.html": {"pydantic"},
    "text.exports.mediargus": {"pydantic"},
    "ops.stats": {"sqlalchemy"},
    "ops.workers": {"sqlalchemy", "alembic"},
}
BACKENDS = "storage.backends"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


PATHS = {_module(p): p for p in PACKAGE.rglob("*.py")}
MODULES = sorted(PATHS)


@functools.cache
def _imports(module: str) -> frozenset[str]:
    """Every name `module` imports: ours as our module names ("text.parser"), others as
    their top-level package ("sqlalchemy")."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(PATHS[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(_ours(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = _ours(node.module)
            names.add(base)
            names.update(
                f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in PATHS
            )
    names.discard(module)
    names.discard("newsarchive")
    return frozenset(names)


def _ours(imported: str) -> str:
    if imported.startswith("newsarchive."):
        return imported.removeprefix("newsarchive.")
    return imported.split(".")[0]


def _folder(module: str) -> str:
    return module.split(".")[0]


def _graph() -> dict[str, set[str]]:
    return {m: {i for i in _imports(m) if i in PATHS} for m in MODULES}


def test_every_module_is_in_a_layer_folder() -> None:
    top_level = {m for m in MODULES if "." not in m}
    assert top_level <= set(FOLDERS), f"{top_level - set(FOLDERS)}: put each in its layer's folder"


@pytest.mark.parametrize("module", MODULES)
def test_imports_flow_one_way(module: str) -> None:
    imports = _imports(module)
    ours = {i for i in imports if i in PATHS}
    rank = FOLDERS.index(_folder(module))
    upward = {i for i in ours if FOLDERS.index(_folder(i)) > rank}
    assert not upward, f"{module} ({_folder(module)}/) imports {upward} from a layer above"
    implementations = {i for i in ours if i.startswith(BACKENDS + ".")}
    assert module.startswith(BACKENDS) or not implementations, (
        f"{module} imports {implementations}: only storage.backends.backend_for picks one"
    )
    libraries = {i for i in imports if i not in PATHS}
    kept_out = FORBIDDEN.get(_folder(module), set()) | STRICTER.get(module, set())
    assert not libraries & kept_out, f"{module} imports {libraries & kept_out}"


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    """A circle of imports in `graph`, if there is one (depth first)."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        path.append(module)
        for imported in sorted(graph.get(module, ())):
            if found := visit(imported):
                return found
        path.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        if found := visit(module):
            return found
    return None


def test_modules_import_each_other_in_no_circle() -> None:
    graph = _graph()
    # Backends' __init__ imports the implementation a URL names, lazily: the one way down.
    graph[BACKENDS] = {m for m in graph[BACKENDS] if not m.startswith(BACKENDS + ".")}
    circle = _circle(graph)
    assert circle is None, "a circle of imports: " + " -> ".join(circle or ())


def test_a_circle_is_found_where_there_is_one() -> None:
    assert _circle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert _circle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
