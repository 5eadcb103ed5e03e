"""Imports flow one way, down the tiers: cli -> browse -> widgets ->
ingest/verify/reparse/render -> archive -> store -> engines -> parser -> dates/query/db ->
models/errors.

Read from the source with ast, so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "newsarchive"

# Each module's tier: a module imports only modules of lower tiers (so imports flow one way
# and never in a circle). Engine implementations are reached through `engines` alone.
TIERS = {
    "models": 0,
    "errors": 0,
    "config": 1,
    "decode": 1,
    "dates": 1,
    "query": 1,
    "fingerprint": 1,
    "links": 1,
    "compare": 1,
    "paths": 1,
    "db": 1,
    "parser": 2,
    "rows": 3,
    "engines": 4,
    "engines.sqlite": 5,
    "engines.postgres": 5,
    "store": 6,
    "migrate": 6,
    "archive": 7,
    "versions": 7,
    "ingest": 8,
    "verify": 8,
    "reparse": 8,
    "transfer": 8,
    "exchange": 8,
    "corrections": 8,
    "stats": 8,
    "render": 8,
    "widgets": 9,
    "browse": 10,
    "cli": 11,
    "__main__": 12,
    "__init__": 0,
}
# Libraries that must stay out of the pure layers.
FORBIDDEN = {
    "parser": {"click", "rich", "sqlalchemy", "alembic"},
    "models": {"click", "rich", "sqlalchemy", "alembic"},
    "decode": {"click", "rich", "sqlalchemy"},
    "dates": {"click", "rich", "sqlalchemy"},
    "query": {"click", "rich", "sqlalchemy"},
    "fingerprint": {"click", "rich", "sqlalchemy", "alembic"},
    "links": {"click", "rich", "sqlalchemy", "alembic"},
    "compare": {"click", "rich", "sqlalchemy", "alembic"},
    "paths": {"click", "rich", "sqlalchemy", "alembic"},
    "versions": {"click", "rich"},
    "render": {"click", "sqlalchemy", "alembic"},
    "browse": {"click", "sqlalchemy", "alembic"},
    "widgets": {"click", "sqlalchemy", "alembic"},
    "store": {"click", "rich"},
    "engines": {"click", "rich"},
    "engines.sqlite": {"click", "rich"},
    "engines.postgres": {"click", "rich"},
    "archive": {"click", "rich"},
    "ingest": {"click", "rich"},
    "reparse": {"click", "rich"},
    "transfer": {"click", "rich"},
    "exchange": {"click", "rich"},
    "corrections": {"click", "rich"},
    "stats": {"click", "rich", "sqlalchemy"},
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


def _module(path: Path) -> str:
    name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    return "engines" if name == "engines.__init__" else name


def _project_module(imported: str) -> str | None:
    """The module of ours an import names ("newsarchive.engines.sqlite" -> "engines.sqlite")."""
    if not imported.startswith("newsarchive."):
        return None
    parts = imported.split(".")[1:]
    name = ".".join(parts[:2]) if parts[0] == "engines" and len(parts) > 1 else parts[0]
    return name


MODULES = sorted(_module(p) for p in PACKAGE.rglob("*.py"))


def test_every_module_has_a_tier() -> None:
    assert set(MODULES) <= set(TIERS)


@pytest.mark.parametrize("module", MODULES)
def test_imports_flow_one_way(module: str) -> None:
    path = PACKAGE / (module.replace(".", "/") + ".py")
    if module == "engines":
        path = PACKAGE / "engines" / "__init__.py"
    imports = _imports(path)
    project = {m for name in imports if (m := _project_module(name)) and m != module}
    upward = {m for m in project if TIERS[m] >= TIERS[module] and not _chooses(module, m)}
    assert not upward, f"{module} (tier {TIERS[module]}) imports {upward}"
    implementations = {m for m in project if m.startswith("engines.")}
    assert module.startswith("engines") or not implementations, (
        f"{module} imports {implementations}: only engines.engine_for picks an engine"
    )
    libraries = {name.split(".")[0] for name in imports}
    assert not libraries & FORBIDDEN.get(module, set())


def _chooses(module: str, imported: str) -> bool:
    # engines.engine_for imports the implementation the URL names, lazily: the one way down.
    return module == "engines" and imported.startswith("engines.")
