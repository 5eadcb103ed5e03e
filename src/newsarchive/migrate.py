"""Schema upgrades: alembic's configuration built in code, and upgrade-on-open.

The migration scripts live in the top-level `alembic/` of a checkout; the wheel carries the
same tree as `newsarchive/alembic`, so an installed tool can upgrade archives anywhere.
Opening an archive that is already current costs one query and never imports alembic.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from newsarchive.config import ArchiveLocation
from newsarchive.errors import ArchiveError, ArchiveNotFoundError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine

# The newest revision in alembic/versions; a test holds it equal to alembic's own head.
HEAD_REVISION = "0003"

_PACKAGED = Path(__file__).parent / "alembic"
_CHECKOUT = Path(__file__).parents[2] / "alembic"


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


def upgrade(engine: Engine, where: str, *, create: bool) -> None:
    """Bring the archive to the newest schema, in one transaction: all of it or none.

    A database with tables but no newsarchive schema is somebody else's: it is refused, never
    written to. An empty one is made an archive only when `create` (ingest) asks for it.
    """
    with engine.connect() as connection:
        current = _check_ours(connection, where, create=create)
    if current == HEAD_REVISION:
        return
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
            f"no archive at {where} yet (the file is empty); add articles with "
            "'newsarchive ingest PATH'"
        )
    return None


def open_archive(location: ArchiveLocation, *, create: bool) -> Engine:
    """An engine on the archive, upgraded to the current schema.

    With `create`, a missing SQLite file (and its folder) is made; without, a missing or
    empty archive is an error and nothing is written, so reading never leaves a trace.
    """
    from sqlalchemy.exc import DatabaseError, NoSuchModuleError

    from newsarchive.db import make_engine, use_wal

    where = location.describe()
    if location.path is not None:
        _check_path(location.path, where, create=create)
    elif create and location.url.get_backend_name() == "sqlite":
        raise ArchiveError("an in-memory archive keeps nothing; give --db a file path")
    try:
        engine = make_engine(location.url)
        upgrade(engine, where, create=create)
        if create:
            use_wal(engine)
    except (NoSuchModuleError, ImportError) as exc:
        raise ArchiveError(
            f"no database driver for {where} ({exc}); newsarchive archives are SQLite files "
            "for now: give --db a file path"
        ) from None
    except DatabaseError as exc:
        message = str(exc.orig)
        if "not a database" in message:
            hint = "it is not an SQLite database; choose another file with --db"
        elif "readonly" in message or "unable to open" in message:
            hint = f"{message}; check that you may read and write it and its folder"
        else:
            hint = f"{message}; choose another archive with --db"
        raise ArchiveError(f"cannot open the archive at {where}: {hint}") from None
    return engine


def _check_path(path: Path, where: str, *, create: bool) -> None:
    if path.is_dir():
        raise ArchiveError(f"the archive {where} is a folder; give --db a file path")
    if path.exists():
        return
    if not create:
        raise ArchiveNotFoundError(
            f"no archive at {where} yet; add articles with 'newsarchive ingest PATH'"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(
            f"cannot create the archive's folder {path.parent}: {exc.strerror}; "
            "choose another place with --db"
        ) from None
