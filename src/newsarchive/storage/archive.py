"""An open archive: it owns the database engine and hands out read and write transactions.

Nobody else opens connections. `reading()` and `writing()` each give a `Store` for one
transaction, committed when the block ends and rolled back if it raises; a database error
inside `writing()` comes out as a StorageError that says what kind it is, whatever the
engine. `batches()` is the one walk over every stored article, for verify, redate, reparse
and export alike.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DatabaseError, DBAPIError

from newsarchive.model.errors import (
    ArchiveError,
    ArchiveNotFoundError,
    DamagedArchiveError,
    StorageError,
    Trouble,
)
from newsarchive.storage.backends import Backend, backend_for
from newsarchive.storage.store import Store

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from newsarchive.storage.config import ArchiveLocation
    from newsarchive.storage.records import StoredRecord


class Archive:
    def __init__(
        self, engine: Engine, backend: Backend, where: str, upgraded_from: str | None = None
    ) -> None:
        self.engine = engine
        self.backend = backend
        self.where = where  # as the user would recognise it (no password)
        self._reader = backend.for_reading(engine)
        self._snapshot_reader = backend.for_reading(engine, snapshot=True)
        self._lean_reader = backend.for_reading(engine, lean=True)
        self._lean_snapshot_reader = backend.for_reading(engine, snapshot=True, lean=True)
        self._writer = engine.execution_options(writes=True)
        self.upgraded_from = upgraded_from  # the schema revision it was opened at, if older
        self._checked = False  # whether the engine's damage check ran before a first write

    @contextmanager
    def reading(self, *, snapshot: bool = False, lean: bool = False) -> Iterator[Store]:
        """A read transaction; with `snapshot`, all it reads is as of its first read, on
        every engine (see Backend.for_reading), for a read of many statements; `lean`, for
        a walk that reads each article once."""
        if snapshot:
            reader = self._lean_snapshot_reader if lean else self._snapshot_reader
        else:
            reader = self._lean_reader if lean else self._reader
        with (
            self._classified(writing=False),
            reader.connect() as connection,
            connection.begin(),
            _interruptible(connection, self.backend),
        ):
            yield Store(connection, self.backend)

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """A write transaction; it holds the archive's write lock from its first statement,
        so writers take turns (their transactions are short), and a block that writes
        nothing (a batch with nothing to change) never waits for another writer."""
        if self.backend.read_only:
            raise StorageError(
                Trouble.READ_ONLY,
                f"you may not write {self.where} or its folder, so it was opened read-only; "
                "it can be listed, shown, searched and verified, not changed",
            )
        if not self._checked:
            self._check_for_damage()
        with self._classified(writing=True), self._writer.connect() as connection:
            try:  # begun by the first statement (Part._writing begins it for the driver's)
                yield Store(connection, self.backend, writable=True)
            except BaseException:
                connection.rollback()
                raise
            connection.commit()

    def _check_for_damage(self) -> None:
        """Nothing is written into an archive its engine reports damaged: writing there
        could overwrite what `db recover` would still save. Once an Archive, before its
        first write (the engine bounds what the check may cost)."""
        with self._classified(), self._reader.connect() as connection:
            found = self.backend.damage(connection)
        if found is not None:
            raise DamagedArchiveError(self.where, found)
        self._checked = True

    @contextmanager
    def _classified(self, *, writing: bool = False) -> Iterator[None]:
        """Database errors that mean something to a person leave as StorageError; the
        engine reporting its storage damaged, as DamagedArchiveError (with the way out).
        Errors of the driver itself count too (a search runs on the driver's cursor)."""
        try:
            yield
        except DBAPIError as exc:
            trouble = self.backend.trouble(exc)
            if trouble is Trouble.OTHER:
                raise
            said = " ".join(str(exc.orig).split())
            if trouble in (Trouble.DAMAGED, Trouble.NOT_A_DATABASE):  # it opened as ours
                raise DamagedArchiveError(self.where, said) from exc
            if trouble is Trouble.NO_PRIVILEGE:
                said = self._grants_needed(said, writing=writing)
            raise StorageError(trouble, said) from exc
        except DamagedArchiveError:
            raise
        except Exception as exc:
            if self.backend.trouble(exc) in (Trouble.DAMAGED, Trouble.NOT_A_DATABASE):
                raise DamagedArchiveError(self.where, " ".join(str(exc).split())) from exc
            raise

    def _grants_needed(self, said: str, *, writing: bool) -> str:
        """A server refused the role a privilege: which role, and the GRANTs that let it
        do what newsarchive does (every table and sequence of the schema: ingest alone
        inserts, updates and deletes across them), or the owner's role."""
        import getpass

        role = self.engine.url.username or getpass.getuser()  # libpq's default: the OS user
        if writing:
            grants = (
                f"'GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}' and "
                f"'GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}'"
            )
        else:
            grants = f"'GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}'"
        return (
            f"role {role} may not {'write' if writing else 'read'} the archive ({said})"
            f"{'; nothing was changed' if writing else ''}: have the tables' owner run "
            f"{grants}, or connect as the role that owns the tables"
        )

    def batches(
        self,
        *,
        size: int,
        after: int = 0,
        parsed_before: int | None = None,
        lean: bool = False,
    ) -> Iterator[list[StoredRecord]]:
        """Every stored article past id `after` in id order, `size` at a time, each batch
        read in its own short transaction (so a writer between batches, as reparse is, never
        waits long). `parsed_before` keeps only articles an older parser version read;
        `lean` reads them as a walk that writes nothing between (see Backend.for_reading)."""
        while True:
            with self.reading(lean=lean) as store:
                batch = store.records.batch(after=after, limit=size, parsed_before=parsed_before)
            if not batch:
                return
            yield batch
            after = batch[-1].id

    def schema_revision(self) -> str | None:
        """The alembic revision the archive's schema is at."""
        from newsarchive.storage.migrate import current_revision

        with self._classified(), self._reader.connect() as connection:
            return current_revision(connection)

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def _interruptible(connection: Connection, backend: Backend) -> Iterator[None]:
    """Ctrl-C stops a read at once, even inside one long query (a search of a huge
    article): Python runs its signal handler only between bytecodes, so a thread woken by
    the signal (set_wakeup_fd) asks the database to stop the statement, and the read ends
    as KeyboardInterrupt. Only where Ctrl-C is Python's (the main thread, its default
    handler): a command that handles it itself (ingest) keeps its own ways."""
    import signal
    import threading

    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) != signal.default_int_handler
    ):
        yield
        return
    driver = connection.connection.driver_connection
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    interrupted = threading.Event()

    def watch() -> None:
        while data := os.read(read_end, 64):
            if signal.SIGINT in data:
                interrupted.set()
                backend.interrupt(driver)
                return
            if 0 in data:  # the read is over
                return

    previous = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    watcher = threading.Thread(target=watch, name="interrupt-reads", daemon=True)
    watcher.start()
    try:
        yield
    except DBAPIError:
        if interrupted.is_set():
            raise KeyboardInterrupt from None
        raise
    finally:
        signal.set_wakeup_fd(previous)
        with suppress(OSError):  # wake the watcher: the read is over
            os.write(write_end, b"\0")
        watcher.join(timeout=1)
        os.close(read_end)
        os.close(write_end)


def open_archive(location: ArchiveLocation, *, create: bool) -> Archive:
    """The archive at `location`, upgraded to the current schema.

    With `create`, a missing SQLite file (and its folder) is made; without, a missing or
    empty archive is an error and nothing is written, so reading never leaves a trace.
    """
    from sqlalchemy.exc import NoSuchModuleError

    from newsarchive.storage.migrate import upgrade

    where = location.describe()
    if location.path is not None:
        _check_path(location.path, where, create=create)
    backend = backend_for(location.url)
    if create and backend.in_memory(location.url):
        raise ArchiveError("an in-memory archive keeps nothing; give --db a file path")
    try:
        engine = backend.connect(location.url)
        upgraded_from = upgrade(engine, where, create=create)
        if create:
            backend.prepare_for_writing(engine)
    except (NoSuchModuleError, ImportError) as exc:
        raise ArchiveError(
            f"no database driver for {where} ({exc}); for PostgreSQL archives install it "
            "with: pip install 'newsarchive[postgres]'"
        ) from None
    except DatabaseError as exc:
        trouble = backend.trouble(exc)
        if trouble is Trouble.DAMAGED or (
            trouble is Trouble.NOT_A_DATABASE and backend.looks_like_an_archive(location.url)
        ):
            raise DamagedArchiveError(where, " ".join(str(exc.orig).split())) from None
        raise ArchiveError(f"cannot open the archive at {where}: {_hint(backend, exc)}") from None
    return Archive(engine, backend, where, upgraded_from)


def _hint(backend: Backend, error: DatabaseError) -> str:
    """Why an archive could not be opened, in one line, and what to do."""
    trouble = backend.trouble(error)
    said = " ".join(str(error.orig).split())  # drivers' messages may span lines
    hints = {
        Trouble.NOT_A_DATABASE: "it is not an SQLite database; choose another file with --db",
        Trouble.READ_ONLY: f"{said}; check that you may read and write it and its folder",
        Trouble.CANNOT_OPEN: f"{said}; check that you may read and write it and its folder",
        Trouble.UNREACHABLE: f"{said}; check the host and port, and that the server runs",
        Trouble.CONNECTION_LOST: f"{said}; check the host and port, and that the server runs",
        Trouble.AUTH: f"{said}; check the user name and password in the URL",
        Trouble.NO_DATABASE: f"{said}; create it first (createdb NAME) or name another",
    }
    return hints.get(trouble, f"{said}; choose another archive with --db")


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
