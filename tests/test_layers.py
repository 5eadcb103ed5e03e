"""Imports flow one way: cli -> ingest/migrate/store/render -> parser/dates/decode -> models.

Read from the source with ast, so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "newsarchive"

# module -> the project modules it may import
ALLOWED = {
    "models": set(),
    "errors": set(),
    "config": {"errors"},
    "decode": {"errors", "models"},
    "dates": {"models"},
    "parser": {"dates", "errors", "models"},
    "db": set(),
    "migrate": {"config", "db", "errors"},
    "query": {"errors"},
    "rows": {"decode", "errors", "models", "parser"},
    "store": {"db", "errors", "models", "query", "rows"},
    "ingest": {"errors", "models", "rows", "store"},
    "verify": {"models", "parser", "rows", "store"},
    "reparse": {"models", "parser", "rows", "store"},
    "render": {"models", "query"},
    "cli": {
        *("config", "dates", "errors", "ingest", "migrate", "query", "render", "reparse"),
        *("store", "verify"),
    },
    "__main__": {"cli"},
    "__init__": set(),
}
# Libraries that must stay out of the pure layers.
FORBIDDEN = {
    "parser": {"click", "rich", "sqlalchemy", "alembic"},
    "models": {"click", "rich", "sqlalchemy", "alembic"},
    "decode": {"click", "rich", "sqlalchemy"},
    "dates": {"click", "rich", "sqlalchemy"},
    "query": {"click", "rich", "sqlalchemy"},
    "render": {"click", "sqlalchemy", "alembic"},
    "store": {"click", "rich"},
    "ingest": {"click", "rich"},
    "reparse": {"click", "rich"},
    "rows": {"click", "rich", "sqlalchemy", "alembic"},
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "newsarchive":
                names.update(f"newsarchive.{alias.name}" for alias in node.names)
    return names


def test_every_module_is_in_the_map() -> None:
    assert {p.stem for p in PACKAGE.glob("*.py")} == set(ALLOWED)


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_imports_flow_one_way(module: str) -> None:
    imports = _imports(PACKAGE / f"{module}.py")
    project = {name.split(".")[1] for name in imports if name.startswith("newsarchive.")}
    assert project <= ALLOWED[module], f"{module} imports {project - ALLOWED[module]}"
    libraries = {name.split(".")[0] for name in imports}
    assert not libraries & FORBIDDEN.get(module, set())
