"""Page furniture: boilerplate (prompts, captions, credits, sign-offs, separators,
disclaimers), photo credits and the scraps of a site's page under the headline."""

from __future__ import annotations

import re

from newsarchive.text.parser.metadata import is_staff_line
from newsarchive.text.parser.shapes import ends_sentence

# Lines of a web page or wire around the story: never story text, never headings.
_BOILERPLATE = re.compile(
    r"^(?:"
    r"story\s+continue[sd]\s+below|continue[sd]?\s+reading(?:\s+(?:the\s+)?(?:main\s+)?"
    r"(?:story|article|below))?|advertisement|advertising|sponsored(?:\s+content)?|ad"
    r"|reuters?|-+\s*reuters?|\(?reuters\)?|\(?ap\)?|___+|\*{3,}|-{3,}|={3,}|~{3,}|#{3,}"
    r"|(?:x\s*){3}|(?:\*\s*){3}|•{3,}|\.{3,}"
    r"|(?:subscribe|sign\s+up|follow\s+(?:us|@)|like\s+us|share\s+(?:this|on|via)|click\s+here"
    r"|tap\s+here|download\s+(?:the|our)|get\s+(?:the|our)\s+(?:latest|free)"
    r"|join\s+(?:the|our)\s+(?:conversation|newsletter|mailing)|delivered\s+by"
    r"|featured\s+image|image\s+via|photo\s+via|h/t\b|hat\s+tip|via\s*:)\b.*"
    r"|(?:photo|image|picture|graphic|illustration|caption|credit|photograph|pictured)"
    r"(?:\s+credit)?\s*[:|].*"
    r"|this\s+(?:article|story|post)\s+(?:was\s+)?(?:originally\s+)?(?:appeared|published"
    r"|first\s+appeared).*"
    r"|(?:©|\(c\)|copyright)\s.*"
    r"|(?:tags?|filed\s+under|categories|category|topics|keywords|article\s+from|posted\s+in"
    r"|section)\s*:.*"
    r"|\d+\s+(?:votes?|comments?|shares?|views?|responses?)"
    r"|(?:comments?|print|email|e-mail|tweet|share|reddit|facebook|twitter|linkedin|whatsapp"
    r"|pinterest|close|menu|search|skip\s+to\s+(?:main\s+)?content|back\s+to\s+top|top)"
    r"|the\s+(?:views|opinions)\s+expressed\s.*|(?:views|opinions)\s+expressed\s.*"
    r"|(?:related|more)\s+(?:coverage|stories)\s+below|article\s+continues(?:\s+below)?"
    r"|\[(?:via|h/t|source|image|photo)\b[^\[\]]*\]"
    r")$",
    re.IGNORECASE,
)
# A photo credit inside a short line: "(AP Photo/Jane Doe)", "Getty Images".
CREDIT = re.compile(
    r"\((?:AP|AFP|Reuters|EPA|Getty|PA)(?:\s+Photo)?[^)]*\)\s*$|Getty\s+Images|AP\s+Photo"
    r"|AFP\s*/|Reuters\s*/|Shutterstock|/\s*(?:AFP|Reuters|EPA|AP)\b|Image\s+copyright"
    r"|Photo\s+by\s",
)
MAX_CREDIT_CHARS = 200

MAX_FURNITURE_CHARS = 400
MAX_SHORT_FURNITURE_CHARS = 120
MAX_SHORT_FURNITURE_WORDS = 10
MAX_LINK_PROMPT_CHARS = 90
MAX_SCRAP_WORDS = 6
MAX_SCRAP_CHARS = 80


def is_boilerplate(text: str) -> bool:
    """Page furniture (see _BOILERPLATE). Long lines are furniture only when they open as
    furniture does; testing every paragraph against every pattern is parsing's main cost."""
    opening = text[:24].lower()
    if opening.startswith("the post ") and " appeared first on " in text:
        return True
    long = len(text) > MAX_SHORT_FURNITURE_CHARS or text.count(" ") >= MAX_SHORT_FURNITURE_WORDS
    if long and not opening.startswith(_LONG_FURNITURE_OPENINGS):
        return False
    if _BOILERPLATE.match(text):
        return True
    if text.endswith(("»", "›")) and "«" not in text and len(text) <= MAX_LINK_PROMPT_CHARS:
        return True  # "Watch what experts make of the new message »"
    return "rights reserved" in text.lower()


# How furniture longer than a line or two opens: footers, disclaimers, credits, prompts.
# Every pattern of _BOILERPLATE that can run past a line of ten words opens as one of these.
_LONG_FURNITURE_OPENINGS = (
    *("like us", "share", "delivered by", "get the", "get our", "tap here", "h/t", "hat tip"),
    *("via", "category", "article from", "posted in", "section", "featured"),
    *("the post ", "this article", "this story", "this post", "©", "(c) ", "copyright"),
    *("the views expressed", "views expressed", "the opinions expressed", "photo", "image"),
    *("caption", "credit", "featured image", "tags", "filed under", "categories", "topics"),
    *("keywords", "subscribe", "sign up", "follow us", "click here", "download", "join "),
    "all rights reserved",
)


def is_header_scrap(text: str) -> bool:
    """A few words under the headline that are no sentence: a site or section name, a
    caption, a credit (`Summit Daily News`, `PA Sport/Sportal`)."""
    if len(text) > MAX_SCRAP_CHARS:
        return False
    return len(text.split()) <= MAX_SCRAP_WORDS and not ends_sentence(text)


def is_furniture(text: str, headline: str) -> bool:
    if text == headline:
        return True
    if len(text) > MAX_FURNITURE_CHARS:  # furniture is short; most story lines are not
        return False
    return bool(
        is_boilerplate(text)
        or is_staff_line(text)
        or (len(text) <= MAX_CREDIT_CHARS and may_credit(text) and CREDIT.search(text))
    )


def may_credit(text: str) -> bool:
    """What every credit CREDIT finds has in it: a cheap test before it."""
    # Substring tests, not one pattern: a search for any of four words costs ten times more.
    return (
        "/" in text
        or "(" in text
        or "Getty" in text
        or "Photo" in text
        or "Image" in text
        or "Shutterstock" in text
    )
