"""Which files an ingest takes, and reading one.

Folders are walked in sorted order without following links to folders, a FIFO or device
refused, never opened; `FileSelection` says which files found in folders are taken (a file
named outright always is); a file is read without blocking and refused past the size limit;
and a file whose content is no article (JSON, CSV, PDF, an image, an archive...) is told by
its first bytes (`not_an_article`) and left out.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

# A corpus's own documents: a folder of articles often holds a README, a LICENSE and the like,
# which describe the articles and are not one. Matched on the name before its first dot,
# in any case: README, readme.txt, License.md, CHANGELOG.rst.
DOC_NAMES = frozenset({"readme", "license", "licence", "changelog", "copying"})


@dataclass(frozen=True, slots=True)
class FileSelection:
    """Which files found by walking a folder are ingested; a file named outright always is.

    A file is taken when its name matches any of `patterns` (none: every name), matches no
    pattern of `excludes`, and is not named like a README or LICENSE (DOC_NAMES) unless
    `include_docs`. An exclude without a '/' is matched against the file's name; with one,
    against its path relative to the folder given (where '*' also matches '/', so
    'drafts/*' leaves out everything under drafts/).
    """

    patterns: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    include_docs: bool = False

    def wanted(self, name: str, relative: str) -> bool:
        """Whether a file called `name`, at `relative` under the folder given, is taken by
        the patterns and excludes (documents are decided by `is_doc`)."""
        if self.patterns and not any(fnmatch.fnmatch(name, p) for p in self.patterns):
            return False
        return not any(fnmatch.fnmatch(relative if "/" in p else name, p) for p in self.excludes)

    @classmethod
    def given(
        cls, pattern: str | Sequence[str], exclude: Sequence[str], include_docs: bool
    ) -> FileSelection:
        """The selection ingest's --pattern, --exclude and --include-docs ask for: a '*'
        among the patterns takes every name."""
        patterns = (pattern,) if isinstance(pattern, str) else tuple(pattern)
        return cls(
            tuple(p for p in patterns if p != "*") if "*" not in patterns else (),
            tuple(_relative_glob(p) for p in exclude),
            include_docs,
        )

    def is_doc(self, name: str) -> bool:
        return not self.include_docs and name.split(".", 1)[0].lower() in DOC_NAMES


def _relative_glob(pattern: str) -> str:
    """An exclude as FileSelection matches it: 'drafts/' is every file under drafts/, and a
    leading '/' or './' anchors at the folder given, as every GLOB with a '/' is anyway."""
    if "/" not in pattern:
        return pattern
    pattern = pattern.removeprefix("./").lstrip("/")
    return pattern + "*" if pattern.endswith("/") or not pattern else pattern


def iter_files(
    paths: Iterable[Path],
    selection: FileSelection,
    refuse: Callable[[Path | str, str], None],
    skip_doc: Callable[[str], None] = lambda _path: None,
) -> Iterator[tuple[str, bool]]:
    """Every file named, and every non-hidden file under every folder named that
    `selection` takes, in sorted order, each with whether it was named outright; `skip_doc`
    hears of each document left out.

    Folders are walked without following links to folders (no loops); `selection` filters
    files found in folders, never files named outright.
    """
    for path in paths:
        if path.is_dir():
            yield from _walk(os.fspath(path), selection, refuse, skip_doc)
        elif path.is_file():
            yield os.fspath(path), True
        else:
            refuse(path, "not a regular file" if path.exists() else "no such file or folder")


def _walk(
    root: str,
    selection: FileSelection,
    refuse: Callable[[Path | str, str], None],
    skip_doc: Callable[[str], None],
) -> Iterator[tuple[str, bool]]:
    """Files in sorted order, each folder's files before its subfolders. The directory
    entries tell a regular file from a folder or a FIFO without a stat call per file, and a
    FIFO or device is refused, never opened (a FIFO would block the run forever)."""
    folders = [(root, "")]  # (folder, its path relative to the root, ending in "/")
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            refuse(folder, f"cannot read folder: {exc.strerror or exc}")
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                kind = _kind(entry)
            except OSError as exc:  # a link that loops or runs through a file, say
                kind = "broken link" if entry.is_symlink() else f"cannot read: {exc.strerror}"
            if kind == "folder":
                subfolders.append((entry.path, f"{prefix}{entry.name}/"))
            elif kind != _LINK_TO_FOLDER and not selection.wanted(entry.name, prefix + entry.name):
                continue  # the selection filters files; links to folders are still reported
            elif kind == "file" and selection.is_doc(entry.name):
                skip_doc(entry.path)
            elif kind == "file":
                yield entry.path, False  # found in a folder, not named
            else:
                refuse(entry.path, kind)
        folders.extend(reversed(subfolders))


_LINK_TO_FOLDER = "a link to a folder: not followed (links can loop); name it to ingest it"


def _kind(entry: os.DirEntry[str]) -> str:
    """What the entry is: "folder", "file", or why it is refused."""
    if entry.is_dir(follow_symlinks=False):
        return "folder"
    if entry.is_dir():
        return _LINK_TO_FOLDER
    if entry.is_file():
        return "file"
    if entry.is_symlink() and not os.path.exists(entry.path):
        return "broken link"
    return "not a regular file"


def _open_nonblocking(path: str, flags: int) -> int:
    # Without blocking: a file swapped for a FIFO after the walk must not stall the run.
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def read_file(path: str, max_bytes: int) -> bytes | str:
    """The file's bytes, or why it is refused. Checked on the open file, so a file
    swapped for a FIFO after the walk saw it is still caught, and opened without
    blocking, so such a FIFO cannot stall the run.

    One read of the size fstat gave and a byte more, on the descriptor: a file object's
    readall stats and seeks again and reads once more to find the end (20,000 generated
    files: 8.2 -> 5.3 µs a file on the writer's core). A file that grew since is read on
    to its end."""
    try:
        fd = _open_nonblocking(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        size = info.st_size
        if size <= max_bytes:
            os.set_blocking(fd, True)  # a network file system may wait
            data = os.read(fd, size + 1)
            if len(data) != size:  # grown, or a short read: on to the end
                parts, size = [data], len(data)
                while size <= max_bytes and (more := os.read(fd, max(size, 1 << 16))):
                    parts.append(more)
                    size += len(more)
                data = b"".join(parts)
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    finally:
        os.close(fd)
    if size > max_bytes:
        return (
            f"too large: {size:,} bytes, over the {max_bytes:,}-byte limit "
            "(raise it with --max-size)"
        )
    return data


def stored_path(path: str | Path) -> str:
    """The absolute path, `..` folded but links kept (the name the user knows); a byte of
    the name that is not UTF-8 stays that byte (as os functions keep it: see paths.py)."""
    return os.path.abspath(os.fsdecode(path))


ZIP_OR_OFFICE = "ZIP archive or office document"
# A saved web page where the html extra is not installed: skipped, with the way to read it.
PAGE_WITHOUT_READER = "saved web page (pip install 'newsarchive[html]' reads them)"
# What a file is, by its first bytes, when it is no article: (magic, offset, kind).
_MAGIC = (
    (b"%PDF-", 0, "PDF document"),
    (b"PK\x03\x04", 0, "ZIP archive or office document"),  # ZIP_OR_OFFICE
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "office document (OLE)"),
    (b"{\\rtf", 0, "RTF document"),
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"II*\x00", 0, "TIFF image"),
    (b"MM\x00*", 0, "TIFF image"),
    (b"\x1f\x8b", 0, "gzip archive"),
    (b"1AY&SY", 4, "bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "RAR archive"),
    (b"\x28\xb5\x2f\xfd", 0, "zstd archive"),
    (b"ustar", 257, "tar archive"),
)


# The first bytes of the magic numbers at offset 0: any other first byte skips the loop.
_MAGIC_FIRST = frozenset(magic[:1] for magic, offset, _ in _MAGIC if offset == 0)


def not_an_article(data: bytes) -> str | None:
    """What the file is when its content says it is no article (JSON, XML, CSV, PDF, an
    office document, an image, an archive), else None. A look at its first bytes; JSON
    alone is parsed to be sure."""
    if data[:1] in _MAGIC_FIRST or data[4:10] == b"1AY&SY" or data[257:262] == b"ustar":
        for magic, offset, kind in _MAGIC:
            if data.startswith(magic, offset):
                return kind
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        return "WebP image"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return _json_kind(data)
    if head.startswith((b"<?xml", b"<rss", b"<feed")):
        # An XHTML page is a web page, not data: left to whatever reads pages.
        page = data[:65536].lower()
        return None if any(tag in page for tag in (b"<html", b"<head", b"<body")) else "XML"
    return None if head.startswith(b"<") else _csv_kind(head)


def _json_kind(data: bytes) -> str | None:
    import json

    try:
        json.loads(data)
        return "JSON"
    except ValueError:
        pass
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0]
    try:
        json.loads(first)
    except ValueError:
        return None
    return "JSON Lines" if first.strip()[:1] == b"{" else None


def _csv_kind(head: bytes) -> str | None:
    """CSV or TSV: its first lines (three at least, five when there are) follow each other
    without a blank line between (an article's paragraphs have them), each under 2,000
    bytes and with the same number, two or more, of the same delimiter."""
    first = head[: head.find(b"\n", 0, 2001)]
    if first.count(b",") < 2 and first.count(b"\t") < 2 and first.count(b";") < 2:
        return None  # a headline, nearly always: no data header
    parts = head.split(b"\n", 6)[:6]
    if len(parts) < 6 or not parts[-1]:
        parts = parts[:-1]  # the last line may be cut short, or empty after the last LF
    lines = parts[:5]
    if len(lines) < 3 or any(not line.strip() or len(line) > 2000 for line in lines):
        return None
    for delimiter, kind in ((b",", "CSV"), (b"\t", "TSV"), (b";", "CSV")):
        counts = {line.count(delimiter) for line in lines}
        if len(counts) == 1 and counts.pop() >= 2:
            return kind
    return None
