"""File paths exactly: as the archive stores them, and as people and scripts are shown them.

A name on disk is bytes, and need not be UTF-8 (b'caf\\xe9.txt', written by a Latin-1
system). In memory a path is a `str` as Python's os module makes it (PEP 383): each byte
that is not UTF-8 becomes a lone surrogate, U+DC80 to U+DCFF, so the bytes come back
exactly (`os.fsencode`). Neither SQLite's nor PostgreSQL's text holds those, so the archive
stores a path as two columns (`columns`): its text, which is the name itself when it is
UTF-8 (nearly always) and otherwise shows each byte that is not as `\\xNN`; and its exact
bytes, empty unless the text is not the name. Text alone could not tell b'caf\\xe9.txt'
from a file really named 'caf\\xe9.txt' (backslash, x, e, 9); the pair can.

`shown` is how a path is displayed, escaped as `ls -b` does, so that two different names
never look alike: a backslash is doubled, every byte that is not UTF-8 or is a control is
`\\xNN`, and any other character that does not print (U+202E, a zero-width space) is
`\\uNNNN`.
"""

from __future__ import annotations

import base64
import os

_ENCODING = "utf-8"
# Lone surrogates stand for bytes that are not UTF-8 (PEP 383), U+DC80 to U+DCFF.
_SURROGATE_BYTES = range(0xDC80, 0xDD00)


def columns(path: str) -> tuple[str, bytes]:
    """The path as the archive stores it: (text, exact bytes, or b"" when the text is the
    name itself)."""
    try:
        path.encode(_ENCODING)
    except UnicodeEncodeError:
        exact = to_bytes(path)
        return exact.decode(_ENCODING, "backslashreplace"), exact
    return path, b""


def from_columns(text: str, exact: bytes | None) -> str:
    """The path `columns` stored, as Python's os functions take it."""
    return exact.decode(_ENCODING, "surrogateescape") if exact else text


def to_bytes(path: str) -> bytes:
    """The name's bytes, exactly as on disk."""
    return path.encode(_ENCODING, "surrogateescape")


def as_text(path: str) -> str:
    """The path as text: the name itself when it is UTF-8, else with `\\xNN` for each byte
    that is not (what `columns` stores; not unambiguous alone, see `exact_base64`)."""
    return columns(path)[0]


def folder_of(path: str) -> str:
    """The folder a file is in, as text (`as_text`): the archive's key for the files of one
    folder (articles.folder)."""
    return as_text(os.path.dirname(path))


def exact_base64(path: str) -> str | None:
    """The name's bytes in base64 when its text (`as_text`) is not the name, else None:
    with `as_text`, what `--json` gives, from which the bytes come back exactly."""
    exact = columns(path)[1]
    return base64.b64encode(exact).decode("ascii") if exact else None


def shown(path: str) -> str:
    """The path for display: one line, inert in a terminal, and never the same for two
    different names. A backslash is doubled; a byte that is not UTF-8, and a control, is
    \\xNN; any other character Python does not count as printable (a zero-width or
    no-break space, a bidi override, U+2028) is \\uNNNN or \\UNNNNNNNN."""
    if path.isprintable() and "\\" not in path:
        return path  # nearly every path, at the cost of one scan
    return "".join(_escape(char) for char in path)


def _escape(char: str) -> str:
    code = ord(char)
    if char == "\\":
        return "\\\\"
    if char.isprintable():
        return char
    if code in _SURROGATE_BYTES:
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
