"""The header: the metadata, furniture and dek right under the headline, up to where the
body starts."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

import newsarchive.text.parser.metadata as metadata
from newsarchive.model.records import BlockKind, MetaKind
from newsarchive.text.parser.dek import MIN_META_DEK_WORDS, Place, dek_vote, says
from newsarchive.text.parser.draft import Draft
from newsarchive.text.parser.furniture import is_furniture, is_header_scrap
from newsarchive.text.parser.metadata import Meta, is_staff_line, meta_line
from newsarchive.text.parser.shapes import ended, is_marker_only, unmarked
from newsarchive.text.parser.units import Unit

MAX_HEADER_UNITS = 8
DEK_LOOKS_AHEAD = 3
MAX_KICKER_WORDS = 6  # units after a dek's candidate that its model reads


def read_header(units: Sequence[Unit], headline: str, out: Draft, dek_folder: int = 0) -> int:
    """Consume the metadata, furniture and dek under the headline; return where the body
    starts. The last unit is always body. The first unit asked whether it is the dek
    gives the article's `dek_vote`, which the folder's verdict (`dek_folder`: 1, 0 or -1,
    see dek.folder_verdict) sways."""
    pos = 0
    dek_done = False
    compact = _is_compact(units)
    limit = min(len(units) - 1, MAX_HEADER_UNITS)
    metas: dict[int, Meta | None] = {}  # a unit's metadata, read once (the dek asks too)

    def meta_at(index: int) -> Meta | None:
        if index not in metas:
            unit = units[index].text
            metas[index] = meta_line(unmarked(unit), unit, header=True)
        return metas[index]

    while pos < limit:
        text = unmarked(units[pos].text)
        if metadata.GLUED_URL.match(units[pos].text):
            break  # a URL that lost its newline: the story starts after it
        if is_marker_only(units[pos].text):
            pos += 1  # an empty field (`-- ` where a byline would be): no words, no block
            continue
        if is_staff_line(text):  # "Staff Writer": a title, not a name
            out.add(BlockKind.BOILERPLATE, units[pos].text)
        elif meta := meta_at(pos):
            out.add_meta(meta)
            out.updated |= meta.kind is MetaKind.DATE and meta.date is None
        elif is_furniture(text, headline):
            out.add(BlockKind.BOILERPLATE, units[pos].text)
        elif not dek_done and _is_dek(
            out,
            units[pos].text,
            Place(
                headline,
                tuple(u.text for u in units[pos + 1 : pos + 1 + DEK_LOOKS_AHEAD]),
                pos,
                text.count(" ") + 1 >= MIN_META_DEK_WORDS and meta_at(pos + 1) is not None,
                compact,
                bool(out.meta),
                _after_scrap(out.blocks, pos),
            ),
            dek_folder,
        ):
            out.values["dek"] = units[pos].text
            dek_done = True
        elif is_header_scrap(text):
            out.add(BlockKind.BOILERPLATE, units[pos].text)
        else:
            break
        pos += 1
    return pos


def _is_dek(out: Draft, text: str, place: Place, dek_folder: int) -> bool:
    """The model's answer; on the first unit it has a vote on, swayed by the folder's
    verdict (and kept as the article's vote)."""
    vote = dek_vote(text, place)
    if vote is None:
        return False
    if out.dek_vote is not None:
        return vote > 0
    out.dek_vote = vote
    return says(vote, dek_folder)


def _after_scrap(blocks: Sequence[dict[str, str | None]], pos: int) -> bool:
    """Whether page furniture stands between the headline and the unit at `pos`; a kicker
    (`Test series, day 4`: one short line right under the headline, no sentence) does not
    count: a standfirst follows it as it follows the headline."""
    if len(blocks) != 1 or pos != 1:
        return bool(blocks)
    text = str(blocks[0]["text"])
    return not (text.count(" ") < MAX_KICKER_WORDS and not ended(text))


def _is_compact(units: Sequence[Unit]) -> bool:
    """Body lines not separated by blank lines (the seed's layout)."""
    gaps: int = sum(map(_GAP_BEFORE, units[1:]))  # map: no generator frame a unit
    return gaps * 3 < max(1, len(units) - 1)


_GAP_BEFORE = attrgetter("gap_before")
