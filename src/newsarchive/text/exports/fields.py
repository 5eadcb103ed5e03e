"""What an export says of one article (`Fields`), built the same way by every format's
reader, and the dates its date fields state, in the languages exports come in."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsarchive.text.exports.alternatives import one_of


@dataclass(frozen=True, slots=True)
class Fields:
    """What an export says of one article, each value as written (stripped of padding)."""

    headline: str | None = None
    byline: str | None = None
    publication: str | None = None
    date_text: str | None = None
    published: dt.date | None = None
    section: str | None = None
    length: str | None = None
    language: str | None = None
    load_date: str | None = None
    document_id: str | None = None
    url: str | None = None
    copyright: str | None = None
    # Every other labelled line, (label, value) as written, in file order; unlabelled
    # header lines (a Factiva source code, an edition) have the label "".
    other: tuple[tuple[str, str], ...] = ()
    # The article's own text: paragraphs separated by a blank line.
    body: str = ""

    def lines(self) -> list[str]:
        """The fields as metadata lines, verbatim: "Section: NEWS; Pg. 5"."""
        named = (
            ("Publication", self.publication),
            ("Date", self.date_text),
            ("Byline", self.byline),
            ("Section", self.section),
            ("Length", self.length),
            ("Language", self.language),
            ("Load date", self.load_date),
            ("Document ID", self.document_id),
            ("URL", self.url),
            ("Copyright", self.copyright),
        )
        out = [f"{label}: {value}" for label, value in named if value]
        out += [f"{label}: {value}" if label else value for label, value in self.other]
        return [line if _single_spaced(line) else " ".join(line.split()) for line in out]


def _single_spaced(line: str) -> bool:
    """Whether `" ".join(line.split())` is the line itself: no whitespace but single spaces
    between words. Every whitespace character but the space is unprintable (a test checks
    each), so two scans in C tell it, not a list of the line's words made and joined."""
    return line.isprintable() and "  " not in line and line[:1] != " " and line[-1:] != " "


COPYRIGHT = re.compile(r"^(?:Copyright|©|\(c\)|Copyright ©)", re.I)


def put_field(
    values: dict[str, str], other: list[tuple[str, str]], name: str | None, label: str, value: str
) -> None:
    if name is not None and name not in values:
        values[name] = value
    else:
        other.append((label, value))


def extend_field(
    values: dict[str, str], other: list[tuple[str, str]], name: str | None, label: str, more: str
) -> None:
    if name is not None and values.get(name) is not None and (not other or other[-1][0] != label):
        values[name] = f"{values[name]} {more}".strip()
    elif other and other[-1][0] == label:
        other[-1] = (label, f"{other[-1][1]} {more}".strip())


def build_fields(
    values: dict[str, str],
    other: list[tuple[str, str]],
    published: dt.date | None,
    body: list[str],
) -> Fields:
    if published is None and values.get("date_text"):
        published = parse_date(values["date_text"])
    # Each paragraph's lines joined by a space ("\n" made " ", what joining its split did).
    text = "\n\n".join([p.replace("\n", " ").replace("  ", " ") for p in _paragraphs(body)])
    return Fields(
        headline=values.get("headline") or None,
        byline=values.get("byline") or None,
        publication=values.get("publication") or None,
        date_text=values.get("date_text") or None,
        published=published,
        section=values.get("section") or None,
        length=values.get("length") or None,
        language=values.get("language") or None,
        load_date=values.get("load_date") or None,
        document_id=values.get("document_id") or None,
        url=values.get("url") or None,
        copyright=values.get("copyright") or None,
        other=tuple(other),
        body=text,
    )


def _paragraphs(body: list[str]) -> list[str]:
    """Body lines as paragraphs: a line starting with "\\n" continues the one before."""
    out: list[str] = []
    for line in body:
        if line.startswith("\n") and out:
            out[-1] += "\n" + line[1:]
        else:
            out.append(line.lstrip("\n"))
    return out


# --- dates -----------------------------------------------------------------------------

_MONTH_NAMES: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan januar janvier januari enero gennaio janeiro jänner",
        "february feb februar février fevrier februari febrero febbraio fevereiro",
        "march mar märz maerz mars maart marzo março",
        "april apr avril abril aprile",
        "may mai mei mayo maggio maio",
        "june jun juni juin junio giugno junho",
        "july jul juli juillet julio luglio julho",
        "august aug août aout augustus agosto",
        "september sep sept septembre septiembre settembre setembro",
        "october oct oktober octobre octubre ottobre outubro okt",
        "november nov novembre noviembre novembro",
        "december dec dezember décembre decembre diciembre dicembre dezembro dez",
    ),
    start=1,
):
    for _month in _names.split():
        _MONTH_NAMES[_month] = _number

# Each name, longest first where one starts another: a tree of their letters, which a search
# tries a letter at a time, not a hundred names at every word (alternatives.py): the
# patterns below match what they did with the names sorted longest first, for a month's
# name before a stop or a space is one name alone (tests/test_export_patterns.py).
# An Europresse article's date parsed in 61 -> 31k instructions (callgrind).
_MONTH_RE = one_of(_MONTH_NAMES)
_DATE_PATTERNS: Sequence[tuple[re.Pattern[str], tuple[str, str, str]]] = (
    # January 11, 2010 Monday; Jan 11, 2020
    (re.compile(rf"\b({_MONTH_RE})\.? (\d{{1,2}}),? (\d{{4}})\b", re.I), ("m", "d", "y")),
    # 11 January 2020; 11. Januar 2020; 11 de enero de 2020
    (
        re.compile(rf"\b(\d{{1,2}})\.? (?:de )?({_MONTH_RE})\.?,? (?:de )?(\d{{4}})\b", re.I),
        ("d", "m", "y"),
    ),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"), ("d", "m", "y")),  # 30.01.2020
)


# Every pattern above holds a year of four digits: one search for them, not each pattern,
# tells most lines (headlines, publications, labels) from dates; it runs on many lines.
_YEAR = re.compile(r"\d{4}")


def parse_date(text: str) -> dt.date | None:
    """The date an export's date field states ("January 11, 2010 Monday", "11 January
    2020", "11. Januar 2020", "2020-01-11"), or None."""
    if len(text) > 120 or _YEAR.search(text) is None:
        return None
    text = text.replace("1er ", "1 ")  # French: "1er janvier 2020"
    for pattern, order in _DATE_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = parts["m"]
        number = int(month) if month.isdigit() else _MONTH_NAMES.get(month.lower())
        if number is None:
            continue
        try:
            return dt.date(int(parts["y"]), number, int(parts["d"]))
        except ValueError:
            continue
    return None
