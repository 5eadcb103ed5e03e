"""What stands around a stored article, decided from what the archive holds: the story each
of its related links leads to, and what changed in each other version of its story.

Pure rules over values the store read (storage/links.py, storage/store.py), so that they are
tested without a database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from newsarchive.model.records import OtherVersion

if TYPE_CHECKING:
    from newsarchive.model.records import StoredArticle


def link_stories(
    article_id: int,
    lookups: Mapping[int, Sequence[tuple[int, str]]],
    blocks: Sequence[Mapping[str, Any]],
    named: Mapping[str, Sequence[int]],
    candidates: Mapping[int, tuple[str, int]],
) -> dict[int, int | None]:
    """The story (cluster id) each related link of an article leads to, by the link's block
    position. `lookups`: each link's (tier, name) look-ups in tier order (links.link_lookups);
    `named`: the articles each name finds; `candidates`: those articles' (headline, cluster).

    The first tier whose names find an article other than this one, confirmed by the link's
    text (links.confirms), decides; None when no tier does, or when what it finds is not one
    story (ambiguous: never guessed)."""
    from newsarchive.text.links import confirms  # its rules compiled only for links

    chosen: dict[int, int | None] = {}
    for position, found in lookups.items():
        chosen[position] = None
        text = str(blocks[position].get("text", "")) if blocks else ""
        for tier, name in found:
            matches = [
                i
                for i in named.get(name, ())
                if i != article_id and confirms(tier, text, candidates[i][0])
            ]
            if matches:
                stories = {candidates[i][1] for i in matches}
                chosen[position] = stories.pop() if len(stories) == 1 else None
                break
    return chosen


def other_versions(
    article: StoredArticle, others: Sequence[StoredArticle]
) -> tuple[OtherVersion, ...]:
    """The other versions of an article's story as `show` lists them, each with what changed
    from the article to it (compare.change_summary)."""
    if not others:
        return ()
    from newsarchive.text.compare import change_summary  # the word diff's modules, if needed

    return tuple(
        OtherVersion(
            id=other.id,
            headline=other.headline,
            published=other.published,
            word_count=other.word_count,
            ingested_at=other.ingested_at,
            change=change_summary(article, other),
        )
        for other in others
    )
