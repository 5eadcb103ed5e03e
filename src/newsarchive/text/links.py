"""Matching a related-article link ("READ MORE: <title>" or a URL) to an archived article.

Pure rules, no I/O. An article is findable under a few *names* (`article_names`, kept in an
indexed table); a link is looked up by a few names in *tiers* (`link_lookups`), and the
first tier that yields a candidate that `confirms` accepts decides. Names carry a prefix
saying what they are: `u:` a URL, `t:` a whole title, `p:` the first words of a title.

The aim is precision first: a wrong link is worse than none, because a reader follows it
and the archive looks sure of itself. Every rule below therefore compares whole titles or
whole URLs after normalising only what writers and scrapers change without changing the
title; nothing is fuzzy, so "Brown names 16 March for Budget" never matches "Brown names 17
March for Budget", nor does a title match another that merely shares its topic or most of
its words (a word dropped, added, swapped or reordered gives another name).

Rules, and why:

- `title_key`: NFKC (full-width letters, ligatures, "…" -> "..."), case folded after
  upper-casing (so "KILIÇDAROĞLU" and "Kılıçdaroğlu" agree, as do "STRASSE" and "Straße"),
  invisible format characters (soft hyphen, zero-width space) deleted, dotted initials
  joined ("U.S." == "US"), and every run of other characters that are not letters, marks or
  digits made one space: quotes of every kind, dashes, apostrophes, punctuation. Quoting
  sites swap straight and curly quotes, hyphens and dashes, and change case; none of that
  makes another title. An apostrophe is a separator on both sides ("Obama's", "Obama’s" and
  "Obamaʼs" all give "obama s"). Currency signs, "%" and "+" are kept as words of their
  own: "£5m" is not "$5m", "5%" is not "5".
- `bare_title_key`: web pages title themselves "<headline> - BBC News"; a link may quote
  the headline with or without that tail. Only a tail after a spaced separator (" - ",
  " | ", " – ", " — ", " · ", " :: ") that reads as a site name is dropped: a domain
  (cnn.com, bbc.co.uk), or at most 4 capitalised words that name an outlet. One word of
  `_BRANDS` (BBC, Reuters, Guardian, ...) names an outlet alone; a generic masthead word of
  `_OUTLET_WORDS` (News, Times, Post, Herald, Daily, Online, ...) only beside another word
  ("Sunday Times", "Mirror Online"), because alone it is often the headline's own
  attribution ("Pay gap widens - report", "UK heading wrong way - Howard", BBC style) or a
  subtitle ("Brexit - what happens next"). At least 3 words must remain, so that a short
  headline is never reduced to a phrase that other headlines share. What is refused: a
  tail that is a person, a party, a lower-case phrase, or longer than 4 words. Known
  cost: a capitalised body with a masthead word ("- Royal Mail", "- Post Office") is taken
  for a site; that matters only for a link quoting the headline without it when no
  article has that shorter title. Both names of an article are `t:` names, so a link
  without the tail finds an article with it at tier 1, and a link with a tail finds an
  article without it at tier 2 (its own tail dropped).
- `p:` names and truncated links: listings cut long titles ("Brown names 16 March for
  Budget day am..."). A link ending in "...", "…" or " .." with at least 6 words before
  the ellipsis is looked up by its first 6 words (only titles of more than 6 words have a
  `p:` name); `confirms` then requires the words before the ellipsis to be the first
  words of the candidate's title (or bare title), except that a word the ellipsis touches
  ("am...", not "am ...") may have been cut and need only begin the title's next word. A
  truncated link that diverges anywhere before its ellipsis is refused; fewer than 6
  words ("Brown names 16 March...") are too little to be sure of. A title that ends in an
  ellipsis but is otherwise whole is matched by tier 1 already (the ellipsis is
  punctuation to the key).
- `url_key`: the same page is linked as http or https, with or without "www.", a trailing
  "/", a "#fragment" or tracking parameters (utm_*, fbclid, gclid, ...); those are dropped,
  the rest (path case, meaningful query parameters) is kept. Nothing else is guessed
  (mobile hosts, AMP paths, percent-encoding variants are not unified). A link whose text
  is a URL (with a scheme, "www." or a path) is looked up as that URL only.

Ambiguity is the caller's: several candidates in the winning tier that are not versions of
one article (two articles headlined "Blair backs plan") leave the link unresolved.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit

__all__ = [
    "PREFIX_WORDS",
    "article_names",
    "bare_title_key",
    "confirms",
    "link_lookups",
    "title_key",
    "url_key",
]

# How many leading words of a title a truncated link is looked up by.
PREFIX_WORDS = 6
MIN_BARE_WORDS = 3
MAX_SITE_WORDS = 4

# Letters that Unicode calls modifier letters but writers use as apostrophes and quotes.
_QUOTE_LETTERS = frozenset("ʹʺʻʼʽʾʿˈˊˋ")
# Signs that change what a title says ("£5m" and "$5m"; "5%" and "5"): kept as words.
_KEPT_SIGNS = frozenset("%+")
# Dotted initials: "U.S.", "U.K", "J.K." (letters only, so "5.2" stays two numbers).
_INITIALS = re.compile(r"(?<![\w.])[^\W\d_](?:\.[^\W\d_])+\.?(?![\w])")
_SEPARATOR = re.compile(r" (?:-|\||–|—|·|::) ")
_DOMAIN = re.compile(r"^(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")
# Outlet names that are never an ordinary last word of a headline.
_BRANDS = frozenset(
    "bbc cnn cnbc msnbc npr abc nbc cbs pbs itv reuters ap afp upi xinhua bloomberg guardian"
    " telegraph independent observer economist politico forbes newsweek axios buzzfeed"
    " huffpost huffington breitbart slate vox wired techcrunch engadget aljazeera jazeera"
    " yahoo msn sky".split()
)
# Masthead and media words: a site name when they stand beside another capitalised word
# ("Sunday Times", "Mirror Online", "Fox News"), not alone ("- report", "- Post").
_OUTLET_WORDS = frozenset(
    "news times post mail express mirror herald tribune journal gazette chronicle daily"
    " online press insider wire magazine tv radio review standard sun star globe report"
    " reporter today weekly examiner courier record inquirer enquirer register dispatch"
    " bulletin sentinel monitor telegram argus echo advertiser sport sports".split()
)
# Lower-case words allowed in a capitalised site name ("The Times of India").
_NAME_CONNECTORS = frozenset("the of and & de la le el al du der die".split())

# "...", "…" or " .." at the end; `space` says whether a word may have been cut by it.
_ELLIPSIS = re.compile(r"(?:(?P<space>\s*)(?:\.{3,}|…)|\s\.\.)\s*$")
_TRACKING = frozenset(
    "fbclid gclid dclid gclsrc msclkid mc_cid mc_eid igshid yclid _hsenc _hsmi".split()
)
_URL_TAIL = ".,;:!?'\"’”>"
_OPENING = {")": "(", "]": "["}


# The replacement of each character met so far: itself, a space, nothing, or " c ".
class _CharKeys(dict[int, str]):
    """`_char_key` of each code point, worked out the first time it is met: the table
    str.translate maps a title through, in C rather than a loop here."""

    def __missing__(self, point: int) -> str:
        found = self[point] = _char_key(chr(point))
        return found


_CHAR_KEYS = _CharKeys()


def _char_key(char: str) -> str:
    """What `title_key` makes of one (NFKC, case-folded) character."""
    if char in _QUOTE_LETTERS:
        return " "
    category = unicodedata.category(char)
    if category[0] in "LMN":
        return char
    if category == "Cf":  # soft hyphen, zero-width space and joiners: invisible, no break
        return ""
    if category == "Sc" or char in _KEPT_SIGNS:
        return f" {char} "
    return " "


def title_key(text: str) -> str:
    """The normal form two quotations of one title share; see the module docstring."""
    plain = text.isascii()  # NFKC leaves ASCII be, and upper().casefold() is lower() there
    if not plain:
        text = unicodedata.normalize("NFKC", text)
    if "." in text:  # every initial has a dot: the search is skipped for most titles
        text = _INITIALS.sub(lambda m: m[0].replace(".", ""), text)
    # upper() first: casefold alone leaves "ı" and "İ" apart from "I" and "i".
    text = text.lower() if plain else unicodedata.normalize("NFKC", text.upper().casefold())
    return " ".join(text.translate(_CHAR_KEYS).split())


def _is_site_name(tail: str) -> bool:
    """Whether the words after a headline's last separator name a site, not a person."""
    words = tail.split()
    if not words or len(words) > MAX_SITE_WORDS:
        return False
    if len(words) == 1 and _DOMAIN.match(words[0].lower()):
        return True
    if not all(w[0].isupper() or w[0].isdigit() or w.lower() in _NAME_CONNECTORS for w in words):
        return False
    keys = title_key(tail).split()
    if any(k in _BRANDS for k in keys):
        return True
    return len(words) >= 2 and any(k in _OUTLET_WORDS for k in keys)


def bare_title_key(text: str) -> str | None:
    """The key of a headline without its site-name tail ("... - BBC News"), or None when
    it has none (or too little would remain)."""
    bare = None
    rest = text.strip()
    while True:
        separators = list(_SEPARATOR.finditer(rest))
        if not separators:
            break
        last = separators[-1]
        head, tail = rest[: last.start()], rest[last.end() :]
        key = title_key(head)
        if not _is_site_name(tail) or len(key.split()) < MIN_BARE_WORDS:
            break
        bare, rest = key, head.strip()  # "... | World news | The Guardian": both go
    return bare


def url_key(url: str) -> str | None:
    """Host (lower case, no "www.") and path (trailing "/" dropped) and the query without
    tracking parameters; None for what is not an http(s) URL or a bare host/path."""
    url = url.strip().rstrip(_URL_TAIL)
    # A closing bracket is the sentence's, unless the URL opened it (Wikipedia's "(band)").
    while url[-1:] in (")", "]") and url.count(url[-1]) > url.count(_OPENING[url[-1]]):
        url = url[:-1].rstrip(_URL_TAIL)
    if url.split() != [url]:  # empty, or holds whitespace (split's is isspace's)
        return None
    lowered = url.lower()
    if lowered.startswith("//"):
        url = "http:" + url
    elif not lowered.startswith(("http://", "https://")):
        if "://" in url or ":" in url.split("/", 1)[0]:
            return None  # ftp://, mailto:, javascript: and friends
        url = "http://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if not _DOMAIN.match(host) and not re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", host):
        return None
    host = host.removeprefix("www.")
    if port is not None and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = sorted(
        (name, value)
        for name, value in (parse_qsl(parts.query, keep_blank_values=True) if parts.query else ())
        if not name.lower().startswith("utm_") and name.lower() not in _TRACKING
    )
    return host + path + (f"?{urlencode(query)}" if query else "")


def _url_text(text: str) -> str | None:
    """The URL key of a link text that is itself a URL ("https://...", "www.x.com/a")."""
    text = text.strip()
    if "/" not in text and not text.lower().startswith("www."):
        return None  # "BBC.co.uk" alone names a site, not an article; "U.S." is no host
    if any(c.isspace() for c in text):
        return None
    return url_key(text)


def _prefix(words: list[str]) -> str:
    return "p:" + " ".join(words[:PREFIX_WORDS])


def article_names(headline: str, source_url: str | None) -> list[str]:
    """The names an article is found under: its title key, its bare title key, its first
    words (long titles only) and its URL key. Distinct, in that order."""
    names = []
    key = title_key(headline)
    if key:
        names.append("t:" + key)
    if bare := bare_title_key(headline):
        names.append("t:" + bare)
    words = key.split()
    if len(words) > PREFIX_WORDS:
        names.append(_prefix(words))
    if source_url and (ukey := url_key(source_url)):
        names.append("u:" + ukey)
    return list(dict.fromkeys(names))


def _truncated(text: str) -> tuple[list[str], str | None] | None:
    """A truncated link's words before its ellipsis (at least `PREFIX_WORDS`), the last
    split off when the ellipsis may have cut it ("for Bud..."), or None when the text is not
    truncated."""
    if ".." not in text and "…" not in text:  # what every match holds: no search
        return None
    match = _ELLIPSIS.search(text)
    if not match:
        return None
    before = text[: match.start()]
    words = title_key(before).split()
    if len(words) < PREFIX_WORDS:
        return None
    cut = None
    if match["space"] == "" and before[-1:].isalnum():
        cut = words.pop()
    return words, cut


def link_lookups(text: str, url: str | None) -> list[tuple[int, str]]:
    """(tier, name) pairs to look a link up by, in tier order: 0 its URL, 1 its title, 2
    its title without a site tail, 3 the first words of a truncated title."""
    lookups: list[tuple[int, str]] = []
    if url and (ukey := url_key(url)):
        lookups.append((0, "u:" + ukey))
    if (ukey := _url_text(text)) is not None:
        if (0, "u:" + ukey) not in lookups:
            lookups.append((0, "u:" + ukey))
        return lookups  # a URL is no title
    if key := title_key(text):
        lookups.append((1, "t:" + key))
    if bare := bare_title_key(text):
        lookups.append((2, "t:" + bare))
    if truncated := _truncated(text):
        # A word the ellipsis may have cut is looked up as it is: if it was cut, this finds
        # nothing (or a title that `confirms` checks like any other).
        words, cut = truncated
        lookups.append((3, _prefix(words + ([cut] if cut else []))))
    return lookups


def confirms(tier: int, text: str, headline: str) -> bool:
    """Whether a candidate found by a lookup of `tier` is the article the link means: for
    a URL or a whole title the names' equality is the match; a truncated link must be the
    start of the candidate's title (or of its bare title), word for word."""
    if tier < 3:
        return True
    truncated = _truncated(text)
    if truncated is None:
        return False
    words, cut = truncated
    for key in (title_key(headline), bare_title_key(headline)):
        if key is None:
            continue
        title = key.split()
        if title[: len(words)] != words:
            continue
        if cut is None or (len(title) > len(words) and title[len(words)].startswith(cut)):
            return True
    return False
