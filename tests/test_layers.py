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
    "records": 0,
    "models": 1,
    "searchtext": 1,
    "errors": 0,
    "config": 2,
    "decode": 2,
    "dates": 2,
    "query": 2,
    "fingerprint": 2,
    "links": 2,
    "compare": 2,
    "paths": 2,
    "exports": 2,
    "exports_html": 1,
    "exports_mediargus": 1,
    "db": 2,
    "parser": 3,
    "htmlpage": 3,
    "rows": 4,
    "engines": 5,
    "engines.salvage": 5,
    "engines.sqlite": 6,
    "engines.postgres": 6,
    "store": 7,
    "migrate": 7,
    "archive": 8,
    "versions": 8,
    "ingest": 9,
    "verify": 9,
    "reparse": 9,
    "transfer": 9,
    "exchange": 9,
    "corrections": 9,
    "stats": 9,
    "render": 9,
    "widgets": 10,
    "recover": 10,
    "browse": 11,
    "cli": 12,
    "__main__": 13,
    "__init__": 0,
}
# Libraries that must stay out of the pure layers.
FORBIDDEN = {
    "parser": {"click", "rich", "sqlalchemy", "alembic"},
    "htmlpage": {"click", "rich", "sqlalchemy", "alembic"},
    "models": {"click", "rich", "sqlalchemy", "alembic"},
    "records": {"click", "rich", "sqlalchemy", "alembic", "pydantic"},
    "decode": {"click", "rich", "sqlalchemy"},
    "dates": {"click", "rich", "sqlalchemy"},
    "query": {"click", "rich", "sqlalchemy"},
    "fingerprint": {"click", "rich", "sqlalchemy", "alembic"},
    "links": {"click", "rich", "sqlalchemy", "alembic"},
    "compare": {"click", "rich", "sqlalchemy", "alembic"},
    "paths": {"click", "rich", "sqlalchemy", "alembic"},
    "exports": {"click", "rich", "sqlalchemy", "alembic", "pydantic"},
    "exports_html": {"click", "rich", "sqlalchemy", "alembic", "pydantic"},
    "exports_mediargus": {"click", "rich", "sqlalchemy", "alembic", "pydantic"},
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
    "recover": {"click", "rich"},
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
