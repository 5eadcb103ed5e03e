"""Schema upgrades: alembic's configuration built in code, and upgrade-on-open.

The migration scripts live in the top-level `alembic/` of a checkout; the wheel carries the
same tree as `newsarchive/alembic`, so an installed tool can upgrade archives anywhere.
Opening an archive that is already current costs one query and never imports alembic.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from newsarchive.model.errors import ArchiveError, ArchiveNotFoundError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine

# The newest revision in alembic/versions; a test holds it equal to alembic's own head.
HEAD_REVISION = "0013"

_PACKAGED = Path(__file__).parents[1] / "alembic"
_CHECKOUT = Path(__file__).parents[3] / "alembic"


def script_location() -> Path:
    """The migration scripts: inside the installed package, else in the source checkout."""
    for candidate in (_PACKAGED, _CHECKOUT):
        if (candidate / "env.py").is_file():
            return candidate
    raise ArchiveError(
        "newsarchive's migration scripts are missing from its installation; reinstall it"
    )


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location()))
    config.attributes["connection"] = connection
    return config


def current_revision(connection: Connection) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


# Revisions before which stored articles have no versions or links: an archive upgraded
# from one of them is told to run `newsarchive reparse`.
VERSIONS_REVISION = "0006"


def upgrade(engine: Engine, where: str, *, create: bool) -> str | None:
    """Bring the archive to the newest schema, in one transaction: all of it or none.
    Returns the revision an existing archive was upgraded from (None: nothing to do, or
    a new archive).

    A database with tables but no newsarchive schema is somebody else's: it is refused, never
    written to. An empty one is made an archive only when `create` (ingest) asks for it.
    """
    with engine.connect() as connection:
        current = _check_ours(connection, where, create=create)
    if current == HEAD_REVISION:
        return None
    from alembic import command
    from alembic.script import ScriptDirectory

    with engine.connect().execution_options(writes=True) as connection, connection.begin():
        config = alembic_config(connection)
        # Again, under the write lock: another process may have upgraded meanwhile.
        current = _check_ours(connection, where, create=create)
        known = {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}
        if current is not None and current not in known:
            raise ArchiveError(
                f"the archive at {where} was written by a newer newsarchive (schema "
                f"{current}); upgrade newsarchive to read it"
            )
        command.upgrade(config, "head")
    return current


def reparse_advised(upgraded_from: str | None) -> bool:
    """Whether an archive upgraded from this revision holds articles to reparse."""
    return upgraded_from is not None and upgraded_from < VERSIONS_REVISION


def _check_ours(connection: Connection, where: str, *, create: bool) -> str | None:
    from sqlalchemy import inspect

    current = current_revision(connection)
    if current is not None:
        return current
    tables = inspect(connection).get_table_names()
    if tables:
        raise ArchiveError(
            f"{where} is a database but not a newsarchive archive (it has tables "
            f"{', '.join(sorted(tables)[:3])}); choose another file with --db"
        )
    if not create:
        raise ArchiveNotFoundError(
            f"no archive at {where} yet (the database is empty); add articles with "
            "'newsarchive ingest PATH'"
        )
    return None
