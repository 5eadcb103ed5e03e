"""An export's text as lines, each with its start in the file's bytes, and the pieces every
text format's splitter cuts from it, in lines (`Cut`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import compress, count

from newsarchive.text.exports.fields import Fields


class Lines:
    """The text's lines without their line ends, with each line's start in bytes.

    Given the file's bytes (`data`) in an encoding whose line ends are the same single
    bytes as in the text (UTF-8, cp1252), the starts are found in the bytes, not by
    encoding every line again: a 38 MB export of 10,000 articles was split in 0.78 s at a
    216 MiB peak, with a list of every line ending kept beside the lines; and only once
    asked for: reading one article's fields (an ingest worker's, for each article of an
    export) never does, and that was a sixth of its time there. A text without a CR is
    split by `str.split`, quicker than the expression that finds any line end."""

    def __init__(self, text: str, encoding: str, prefix: int, data: bytes | None = None) -> None:
        self.text = text.split("\n") if "\r" not in text else _LINE_END.split(text)
        if self.text[-1] == "":  # the text ends with a line end (or is empty)
            self.text.pop()
        self.stripped = [line.strip() for line in self.text]  # most are the same objects
        self._prefix = prefix
        self._data = data if data is not None and encoding in ("utf-8", "cp1252") else None
        # LF alone ends the lines: a line's start is walked to from the last one asked for
        # (`start`), never found for every line.
        self._lf = self._data if self._data is not None and b"\r" not in self._data else None
        self._cursor = (0, prefix)
        if self._data is not None:
            return
        self._starts = [prefix]
        position = prefix
        for line in _LINE.findall(text):
            position += len(line.encode(encoding, "surrogatepass"))
            self._starts.append(position)

    @property
    def starts(self) -> list[int]:
        """Where each line starts in the bytes, and where the last ends."""
        if self._data is not None:  # found in the bytes, the first time they are asked for
            data, prefix, self._data = self._data, self._prefix, None
            self._starts = [prefix, *(m.end() for m in _LINE_END_BYTES.finditer(data, prefix))]
            if len(self._starts) == len(self.text):  # the last line has no line end
                self._starts.append(len(data))
        return self._starts

    def start(self, k: int) -> int:
        """Where line `k` starts in the bytes (where the last ends, past it), walked to LF by
        LF from the line asked for last or from the end, whichever is nearer: asked for in
        file order, as the pieces of an export are, it costs a look a line, where `starts`
        (a match object a line) was a third of the time a 38 MB Nexis Uni export took to
        cut; and a document cut on its own (bounds.py) is walked into from both ends."""
        data = self._lf
        if data is None:
            return self.starts[k]
        total = len(self.text)
        if k >= total:
            return len(data)
        at, position = self._cursor
        if k < at:
            at, position = 0, self._prefix
        if total - k < k - at:  # nearer the end (a document's last line, cut on its own)
            position = len(data)
            # The line ends after line k-1, counted from the last (the text may not end in one).
            for _ in range(total - k + data.endswith(b"\n")):
                position = data.rindex(b"\n", 0, position)
            position += 1
        else:
            for _ in range(k - at):
                position = data.index(b"\n", position) + 1
        self._cursor = (k, position)
        return position

    def __len__(self) -> int:
        return len(self.text)

    def blank(self, i: int) -> bool:
        return not self.stripped[i]


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")


@dataclass(slots=True)
class Cut:
    """A piece in lines, [first, last) line indices."""

    kind: str
    first: int
    last: int
    fields: Fields | None = None


def matching(pattern: re.Pattern[str], text: list[str]) -> list[int]:
    """The indices of the lines `pattern` matches, found without a loop in Python (a
    separator's lines among the hundreds of thousands of an export: 0.10 -> 0.07 s)."""
    return list(compress(count(), map(pattern.match, text)))


def trim(lines: Lines, first: int, last: int) -> tuple[int, int]:
    """[first, last) without blank lines at either end."""
    while first < last and lines.blank(first):
        first += 1
    while last > first and lines.blank(last - 1):
        last -= 1
    return first, last
