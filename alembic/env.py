"""Alembic's entry point, for newsarchive's own upgrades and for `alembic` run by hand.

newsarchive hands in an open connection (config.attributes["connection"]) inside its own
transaction. Run by hand, the archive is `-x db=...`, else NEWSARCHIVE_DB, else the default.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from newsarchive.storage import config as archive_config
from newsarchive.storage.backends import backend_for
from newsarchive.storage.schema import metadata

target_metadata = metadata


# What one engine alone has, made by hand-written SQL in its migrations (the search index:
# 0002 and 0003 on SQLite, 0004 on PostgreSQL; 0005's index on PostgreSQL), not from the table
# model: autogenerate must leave it be.
_ENGINE_OWN = {
    "table": ("article_search",),  # FTS5's table and its shadow tables, a prefix
    "column": ("search_document",),
    "index": ("ix_articles_search_document", "ix_articles_newest_first"),
}


def _include_name(name: str | None, type_: str, _parent: object) -> bool:
    return name is None or not name.startswith(_ENGINE_OWN.get(type_, ()))


def _configure(connection: Connection) -> None:
    # Batch mode: SQLite alters a table by copying it; constraint names make that work.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_name=_include_name,
    )


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        context.run_migrations()
        return
    value = context.get_x_argument(as_dictionary=True).get("db")
    if value is None:
        import os

        value = os.environ.get(archive_config.ENV_VAR)
    location = archive_config.resolve(value, archive_config.default_data_dir())
    engine = backend_for(location.url).connect(location.url)
    with engine.connect().execution_options(writes=True) as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("newsarchive migrations run online only; give an archive with -x db=PATH")
run_migrations_online()
