"""How a line looks, for every role the parser gives: its leading marker (`-- `, `• `),
whether it is a URL, how it ends (a sentence, a clause, a finished paragraph)."""

from __future__ import annotations

import re

URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)

MARKER = re.compile(r"^(?:-{1,3}|[–—•·*>|#]+)\s+")

QUOTE_OPEN = "\"'“‘«„"


def is_marker_only(text: str) -> bool:
    """`--`, `•`, `|`: a marker with nothing after it, a field left empty."""
    return not text.strip(MARKER_CHARS + " ")


def unmarked(text: str) -> str:
    """The line without a leading marker such as `-- ` or `• `."""
    return MARKER.sub("", text, count=1) if text[:1] in MARKER_CHARS else text


MARKER_CHARS = "-–—•·*>|#"

_CLOSERS = "\"'”’)]」』）"


def _end_char(text: str) -> str:
    """The last character before any closing quotes and brackets."""
    return text.rstrip(_CLOSERS)[-1:]


def ends_sentence(text: str) -> bool:
    """Ends in . ! ? or …, perhaps inside quotes or brackets."""
    return _end_char(text) in _SENTENCE_ENDS


def ends_clause(text: str) -> bool:
    """Ends as a heading never does: . , ; or an ellipsis."""
    return _end_char(text) in _CLAUSE_ENDS


def ended(text: str) -> bool:
    """How a finished paragraph ends: a sentence's end, a colon or semicolon, a quote."""
    return _end_char(text) in _PARAGRAPH_ENDS or text[-1:] in '"”’'


# With the full stops, marks and commas of Chinese and Japanese (。！？ and the full-width
# forms): a CJK lead that ends in 。 is a sentence, not a scrap of page under the headline.
_SENTENCE_ENDS = frozenset(".!?…。！？．")
_CLAUSE_ENDS = frozenset(".,;…。，；、．")
_PARAGRAPH_ENDS = frozenset(".!?:…;。！？：；．")
