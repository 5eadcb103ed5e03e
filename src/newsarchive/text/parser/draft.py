"""The article being put together while the parser reads it: fields, metadata lines and
blocks, first value found wins."""

from __future__ import annotations

import newsarchive.text.parser.shapes as shapes
from newsarchive.model.records import BlockKind, MetaKind, MetaLine
from newsarchive.text import dates
from newsarchive.text.parser.metadata import Meta


class Draft:
    """The article being put together, in the order the parser meets its parts."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.meta: list[MetaLine] = []
        # Blocks as dicts, validated in one pass with the article (faster than one by one).
        self.blocks: list[dict[str, str | None]] = []
        self.updated = False
        # The dek model's vote on the first unit asked (dek.dek_vote), None if none was.
        self.dek_vote: float | None = None

    def add_meta(self, meta: Meta) -> None:
        self.meta.append(MetaLine(kind=meta.kind, text=meta.text))
        if meta.byline and "byline" not in self.values:
            self.values["byline"] = meta.byline
        if meta.url and "source_url" not in self.values:
            self.values["source_url"] = meta.url
        if meta.kind is MetaKind.DATELINE and "dateline" not in self.values:
            self.values["dateline"] = meta.text
        self.set_date(meta.date)

    def set_date(self, found: dates.FoundDate | None) -> None:
        if found and "published" not in self.values:
            self.values["published"], self.values["date_source"] = found.value, found.source
            self.values["date_confidence"] = found.confidence
            self.values["date_evidence"] = found.evidence

    def add(self, kind: BlockKind, text: str, label: str | None = None) -> None:
        if label is None:
            self.blocks.append({"kind": kind, "text": text})
        else:
            url = text if shapes.URL.match(text) else None
            self.blocks.append({"kind": kind, "text": text, "label": label, "url": url})
