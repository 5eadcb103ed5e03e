"""Writing what `export` selects: JSON Lines or CSV to a file or standard output, Markdown
to a folder of files. Each file is written beside itself and renamed when whole, so a
stopped or failed export leaves no file half-written."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from newsarchive.model.errors import CannotWriteError
from newsarchive.ops.exchange import (
    Exported,
    ExportSelection,
    LayoutsToWrite,
    R,
    csv_header,
    csv_line,
    jsonl_line,
    markdown_path,
    markdown_text,
    selected,
    selected_text,
)
from newsarchive.storage.archive import Archive
from newsarchive.storage.records import StoredRecord

WRITE_BUFFER = 1 << 20  # bytes: see _binary_out
PROGRESS_EVERY = 100  # articles written between calls of on_progress

OnProgress = Callable[[int], None] | None


def write_export(
    archive: Archive,
    selection: ExportSelection,
    form: str,
    output: Path | None,
    on_progress: OnProgress,
) -> int:
    """Write the selected articles as `form` (jsonl, csv or markdown) to `output` (for
    markdown a folder; else a file, or standard output when None); returns how many."""
    if form == "markdown":
        assert output is not None
        return _write_markdown(selected(archive, selection), output, on_progress)
    if form == "csv":
        records = selected(archive, selection)
        return _write_lines(records, csv_line, output, on_progress, head=csv_header())
    files = LayoutsToWrite(selection.everything)  # the layouts of news-database exports follow
    texts = map(files.seen, selected_text(archive, selection))
    # files.lines is a generator: it reads the layouts once the articles are written.
    return _write_lines(texts, jsonl_line, output, on_progress, tail=files.lines(archive))


def _write_lines(
    records: Iterator[Exported[R]],
    line: Callable[[Exported[R]], bytes],
    output: Path | None,
    on_progress: OnProgress,
    *,
    head: bytes = b"",
    tail: Iterable[bytes] = (),
) -> int:
    """An article a line (JSON Lines or CSV) to a file (written beside it, then renamed) or
    standard output, `head` before them and `tail`'s lines after."""
    partial = output.with_name(output.name + ".partial") if output else None
    written = 0
    try:
        with _binary_out(partial) as out:
            out.write(head)
            for record in records:
                out.write(line(record))
                written += 1
                if on_progress and written % PROGRESS_EVERY == 0:
                    on_progress(written)
            for extra in tail:
                out.write(extra)
        if partial and output:
            partial.replace(output)
    except OSError as exc:
        if partial:
            partial.unlink(missing_ok=True)
        elif isinstance(exc, BrokenPipeError):  # `export | head`: the CLI ends quietly
            raise
        where = output or "standard output"
        raise CannotWriteError(f"cannot write {where}: {exc.strerror}") from None
    except BaseException:
        if partial:
            partial.unlink(missing_ok=True)
        raise
    return written


def _binary_out(path: Path | None) -> contextlib.AbstractContextManager[BinaryIO]:
    """The file at `path`, else standard output, for bytes, with a 1 MiB buffer: most
    export lines are longer than Python's 8 KiB, and a write(2) each was a fifth of an
    export's time. Standard output is left open (and flushed) when done."""
    if path is not None:
        return open(path, "wb", buffering=WRITE_BUFFER)
    try:
        sys.stdout.flush()
        return open(sys.stdout.fileno(), "wb", buffering=WRITE_BUFFER, closefd=False)
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        return contextlib.nullcontext(sys.stdout.buffer)


def _write_markdown(
    records: Iterator[Exported[StoredRecord]], folder: Path, on_progress: OnProgress
) -> int:
    """One .md per article under `folder`, each written beside itself then renamed."""
    written = 0
    try:
        for record in records:
            path = folder / markdown_path(record)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".partial")
            partial.write_text(markdown_text(record), encoding="utf-8")
            partial.replace(path)
            written += 1
            if on_progress and written % PROGRESS_EVERY == 0:
                on_progress(written)
    except OSError as exc:
        raise CannotWriteError(f"cannot write in {folder}: {exc.strerror}") from None
    return written
