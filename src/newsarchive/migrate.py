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
HEAD_REVISION = "0002"

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


def upgrade(engine: Engine) -> None:
    """Bring the archive to the newest schema, in one transaction: all of it or none."""
    with engine.connect() as connection:
        current = current_revision(connection)
    if current == HEAD_REVISION:
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    with engine.connect().execution_options(writes=True) as connection, connection.begin():
        config = alembic_config(connection)
        current = current_revision(connection)  # again: another process may have upgraded
        known = {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}
        if current is not None and current not in known:
            raise ArchiveError(
                f"the archive was written by a newer newsarchive (schema {current}); "
                "upgrade newsarchive to read it"
            )
        command.upgrade(config, "head")


def open_archive(location: ArchiveLocation, *, create: bool) -> Engine:
    """An engine on the archive, upgraded to the current schema.

    With `create`, a missing SQLite file (and its folder) is made; without, a missing archive
    is an error, so that reading never leaves an empty archive behind.
    """
    from sqlalchemy.exc import DatabaseError, NoSuchModuleError

    from newsarchive.db import make_engine

    where = location.describe()
    if location.path is not None:
        if not location.path.exists():
            if not create:
                raise ArchiveNotFoundError(
                    f"no archive at {where} yet; add articles with 'newsarchive ingest PATH'"
                )
            try:
                location.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ArchiveError(
                    f"cannot create the archive's folder {location.path.parent}: "
                    f"{exc.strerror}; choose another place with --db"
                ) from None
        elif location.path.is_dir():
            raise ArchiveError(f"the archive {where} is a folder; give a file path to --db")
    try:
        engine = make_engine(location.url)
        upgrade(engine)
    except NoSuchModuleError:
        raise ArchiveError(
            f"no database driver for {where}; use an SQLite path or sqlite:/// URL"
        ) from None
    except DatabaseError as exc:
        raise ArchiveError(
            f"cannot open the archive at {where}: {exc.orig}; check that it is a newsarchive "
            "archive, or choose another with --db"
        ) from None
    return engine
