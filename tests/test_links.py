"""Link matching: what quotations of one title share, and what near misses must not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsarchive.text.links import (
    article_names,
    bare_title_key,
    confirms,
    link_lookups,
    title_key,
    url_key,
)


def _resolve(text: str, url: str | None, archive: dict[str, str | None]) -> set[str]:
    """The candidates of the first tier that has confirmed ones (what the caller does)."""
    index: dict[str, set[str]] = {}
    for headline, source_url in archive.items():
        for name in article_names(headline, source_url):
            index.setdefault(name, set()).add(headline)
    lookups = link_lookups(text, url)
    for tier in sorted({t for t, _ in lookups}):
        found = {h for t, n in lookups if t == tier for h in index.get(n, ())}
        confirmed = {h for h in found if confirms(tier, text, h)}
        if confirmed:
            return confirmed
    return set()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Brown names 16 March for Budget", "brown names 16 march for budget"),
        ("‘Cold calls’ questioned", "cold calls questioned"),
        ("'Cold calls' questioned", "“Cold calls” questioned"),
        ("«Cold calls» questioned", "„Cold calls“ questioned"),
        ("Obama's legacy", "Obama’s legacy"),
        ("Obama's legacy", "Obamaʼs legacy"),  # modifier letter apostrophe is a letter to re
        ("Blair - the final year", "Blair — the final year"),
        ("High-speed net grows", "High–speed net grows"),
        ("Dollar falls − again", "Dollar falls ‐ again"),
        ("  Spaces\tand   tabs  ", "Spaces and tabs"),
        ("Ｆｕｌｌ ｗｉｄｔｈ", "Full width"),
        ("ﬁnal ﬂight", "final flight"),
        ("news\u00adpaper pay\u200bwall", "newspaper paywall"),  # invisible, not breaks
        ("Straße closed", "STRASSE CLOSED"),
        ("Kılıçdaroğlu wins", "KILIÇDAROĞLU WINS"),
        ("U.S. troops leave", "US troops leave"),
        ("Cafe\u0301 owners", "Café owners"),
        ("Profits up...", "Profits up…"),
    ],
)
def test_quotations_of_one_title_share_a_key(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Brown names 16 March for Budget", "Brown names 17 March for Budget"),
        ("Firm fined £5m", "Firm fined $5m"),
        ("Shares up 5%", "Shares up 5"),
        ("Rate cut to 1.5", "Rate cut to 15"),
        ("Blair backs the plan", "Blair backs plan"),
        ("Its time", "It's time"),
    ],
)
def test_near_miss_titles_keep_different_keys(a: str, b: str) -> None:
    assert title_key(a) != title_key(b)


def test_key_is_words_separated_by_single_spaces() -> None:
    assert title_key("  “Hello,” she said -- twice!! ") == "hello she said twice"
    assert title_key("…!?") == ""


@given(st.text())
def test_title_key_is_idempotent(text: str) -> None:
    assert title_key(title_key(text)) == title_key(text)


@given(st.text())
def test_title_key_ignores_case(text: str) -> None:
    key = title_key(text)
    assert title_key(text.upper()) == key
    assert title_key(text.lower()) == key
    assert title_key(text.swapcase()) == key


@given(st.text(), st.sampled_from(["'", "’", "‘", "`", '"', "“", "”", "«", "-", "–", "—", " "]))
def test_a_quote_or_dash_between_words_is_a_space(text: str, mark: str) -> None:
    assert title_key(f"Left{mark}{text}{mark}right") == title_key(f"Left {text} right")


@pytest.mark.parametrize(
    ("headline", "bare"),
    [
        ("Ad sales boost Time Warner profit - BBC News", "ad sales boost time warner profit"),
        ("Ministers back new plan | The Guardian", "ministers back new plan"),
        ("Markets fall again – CNN.com", "markets fall again"),
        ("Oil price hits record — Reuters", "oil price hits record"),
        ("Oil price hits record · bbc.co.uk", "oil price hits record"),
        ("Oil price hits record :: Daily Mail Online", "oil price hits record"),
        ("Oil price hits record - The Sunday Times", "oil price hits record"),
        ("Oil price hits record | World news | The Guardian", "oil price hits record world news"),
    ],
)
def test_site_name_tail_is_dropped(headline: str, bare: str) -> None:
    assert bare_title_key(headline) == bare


@pytest.mark.parametrize(
    "headline",
    [
        "Brexit - what happens next",  # a subtitle
        "Obama's legacy: the economy",  # no separator of a site name
        "UK heading wrong way - Howard",  # BBC's attribution: a person
        "Teenagers drink more than ever - report",  # a study, lower case
        "Teenagers drink more than ever - Report",  # a generic word alone
        "Markets rally - BBC News Business Live Now",  # longer than a site name
        "Big win - BBC News",  # too little would remain
        "Ad sales boost Time Warner profit",
        "Ad sales boost profit-BBC News",  # no spaced separator
    ],
)
def test_other_tails_are_kept(headline: str) -> None:
    assert bare_title_key(headline) is None


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.bbc.co.uk/news/business-123", "bbc.co.uk/news/business-123"),
        ("http://bbc.co.uk/news/business-123/", "bbc.co.uk/news/business-123"),
        ("HTTPS://WWW.BBC.CO.UK/news/Business-123", "bbc.co.uk/news/Business-123"),
        ("www.bbc.co.uk/news/business-123#comments", "bbc.co.uk/news/business-123"),
        ("bbc.co.uk/news/business-123", "bbc.co.uk/news/business-123"),
        ("https://x.com/a?utm_source=tw&b=2&fbclid=z&a=1&gclid=q", "x.com/a?a=1&b=2"),
        ("https://x.com/a?id=7", "x.com/a?id=7"),
        ("https://x.com:8080/a", "x.com:8080/a"),
        ("https://x.com:443/a", "x.com/a"),
        ("https://x.com/a.", "x.com/a"),  # the sentence's full stop
        ("https://en.wikipedia.org/wiki/Bush_(band)", "en.wikipedia.org/wiki/Bush_(band)"),
        ("(https://x.com/a)", None),
        ("https://x.com/a)", "x.com/a"),
        ("//x.com/a", "x.com/a"),
    ],
)
def test_url_key(url: str, key: str | None) -> None:
    assert url_key(url) == key


@pytest.mark.parametrize(
    "text", ["ftp://x.com/a", "mailto:a@b.com", "Brexit news", "24/7", "", "https:///a", "U.S."]
)
def test_what_is_not_a_url_has_no_key(text: str) -> None:
    assert url_key(text) is None


def test_url_query_and_path_case_are_kept() -> None:
    assert url_key("https://x.com/a?id=7") != url_key("https://x.com/a?id=8")
    assert url_key("https://x.com/A") != url_key("https://x.com/a")


def test_article_names() -> None:
    names = article_names(
        "Brown names 16 March for Budget day - BBC News", "https://www.bbc.co.uk/news/uk-1"
    )
    assert names == [
        "t:brown names 16 march for budget day bbc news",
        "t:brown names 16 march for budget day",
        "p:brown names 16 march for budget",
        "u:bbc.co.uk/news/uk-1",
    ]
    assert article_names("Short title here", None) == ["t:short title here"]
    assert article_names("One two three four five six", "not a url") == [
        "t:one two three four five six"
    ]


def test_lookups_in_tier_order() -> None:
    lookups = link_lookups("Brown names 16 March for Budget d... - BBC News", "https://x.com/a")
    assert [tier for tier, _ in lookups] == [0, 1, 2]
    lookups = link_lookups("Brown names 16 March for Budget d...", "https://x.com/a")
    assert lookups == [
        (0, "u:x.com/a"),
        (1, "t:brown names 16 march for budget d"),
        (3, "p:brown names 16 march for budget"),
    ]


def test_a_url_as_link_text_is_looked_up_as_a_url_only() -> None:
    url = "https://www.bbc.co.uk/news/uk-1?utm_medium=x"
    assert link_lookups(url, url) == [(0, "u:bbc.co.uk/news/uk-1")]
    assert link_lookups("www.bbc.co.uk/news/uk-1", None) == [(0, "u:bbc.co.uk/news/uk-1")]
    assert link_lookups("BBC.co.uk", None) == [(1, "t:bbc co uk")]


@pytest.mark.parametrize(
    "text",
    [
        "Brown names 16 March for...",  # 5 words: too few to be sure
        "Brown names 16 March for Budget",
    ],
)
def test_no_prefix_lookup_without_six_whole_words_before_an_ellipsis(text: str) -> None:
    assert all(tier != 3 for tier, _ in link_lookups(text, None))


@pytest.mark.parametrize(
    "text",
    [
        "Brown names 16 March for Budget day amid...",
        "Brown names 16 March for Budget day amid …",
        "Brown names 16 March for Budget day amid ..",
        "Brown names 16 March for Budget day am...",  # cut mid-word
        "Brown names 16 March for Budget...",  # the ellipsis touches a whole word
        "Brown names 16 March for Budget day amid rows…",
        "BROWN NAMES 16 MARCH FOR BUDGET DAY...",
    ],
)
def test_truncated_link_is_confirmed_by_its_start(text: str) -> None:
    headline = "Brown names 16 March for Budget day amid rows over tax"
    assert link_lookups(text, None)[-1] == (3, "p:brown names 16 march for budget")
    assert confirms(3, text, headline)
    assert confirms(3, text, headline + " - BBC News")


@pytest.mark.parametrize(
    "text",
    [
        "Brown names 16 March for Budget week amid...",  # diverges after the sixth word
        "Brown names 16 March for Budget day amongst...",  # a whole word that differs
        "Brown names 16 March for Budget day ami rows...",  # a typo before the cut
        "Brown names 16 March for Budget day amid rows over tax and spending...",  # too long
        "Brown names 16 March for Budget day ax...",  # the cut word does not fit
        "Brown names 16 March for Budget dax...",
        "Brown names 16 March for Budget day amid rows over tax",  # not truncated at all
    ],
)
def test_truncated_link_that_diverges_is_refused(text: str) -> None:
    assert not confirms(3, text, "Brown names 16 March for Budget day amid rows over tax")


def test_a_sixth_word_cut_by_the_ellipsis_finds_nothing() -> None:
    """Cut, it leaves 5 whole words: too few, though they agree with the title."""
    archive: dict[str, str | None] = {"Brown names 16 March for Budget day amid rows": None}
    assert _resolve("Brown names 16 March for Bud...", None, archive) == set()
    assert _resolve("Brown names 16 March for Budget...", None, archive) == set(archive)


def test_whole_names_need_no_confirmation() -> None:
    assert all(confirms(tier, "anything", "else") for tier in (0, 1, 2))


ARCHIVE: dict[str, str | None] = {
    "Brown names 16 March for Budget": "https://www.bbc.co.uk/news/uk-16",
    "Ad sales boost Time Warner profit - BBC News": None,
    "‘Cold calls’ questioned by watchdog in new report": None,
    "UK heading wrong way - Howard": None,
}


@pytest.mark.parametrize(
    ("text", "url", "want"),
    [
        ("BROWN NAMES 16 MARCH FOR BUDGET", None, "Brown names 16 March for Budget"),
        ("http://bbc.co.uk/news/uk-16/", None, "Brown names 16 March for Budget"),
        ("Ad sales boost Time Warner profit", None, "Ad sales boost Time Warner profit - BBC News"),
        (
            "Ad sales boost Time Warner profit | BBC",
            None,
            "Ad sales boost Time Warner profit - BBC News",
        ),
        (
            "'Cold calls' questioned by watchdog in new...",
            None,
            "‘Cold calls’ questioned by watchdog in new report",
        ),
        ("Brown names 16 March for Budget - BBC News", None, "Brown names 16 March for Budget"),
    ],
)
def test_quotations_resolve(text: str, url: str | None, want: str) -> None:
    assert _resolve(text, url, ARCHIVE) == {want}


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("Brown names 17 March for Budget", None),
        ("Brown names March for Budget", None),
        ("Brown sets 16 March for Budget", None),
        ("Brown names 16 March for Budget vote", None),
        ("March Budget date named by Brown", None),  # the same topic, another title
        ("UK heading wrong way - Kennedy", None),  # another speaker is another story
        ("UK heading wrong way", None),  # and so is none
        ("'Cold calls' questioned by regulator in...", None),
        ("http://bbc.co.uk/news/uk-17", None),
        ("Read the full story", "https://www.bbc.co.uk/news/uk-17"),
    ],
)
def test_near_misses_resolve_to_nothing(text: str, url: str | None) -> None:
    assert _resolve(text, url, ARCHIVE) == set()


def _title_key_whole(text: str) -> str:
    """title_key without its shortcuts (ASCII, no dot): every step for every text."""
    import unicodedata

    from newsarchive.text.links import _CHAR_KEYS, _INITIALS

    text = unicodedata.normalize("NFKC", text)
    text = _INITIALS.sub(lambda m: m[0].replace(".", ""), text)
    text = unicodedata.normalize("NFKC", text.upper().casefold())
    return " ".join(text.translate(_CHAR_KEYS).split())


_TITLE_PIECES = st.sampled_from(
    ["U", ".", "S", " ", "J.K.", "a", "İ", "ı", "ß", "․", "…", "5.2", "£", "%", "Ǆ", "ﬁ", "—"]
)


@given(st.one_of(st.text(), st.lists(_TITLE_PIECES, max_size=20).map("".join)))
def test_title_key_is_every_step_of_the_rule(text: str) -> None:
    """The ASCII and no-dot shortcuts give what the whole rule gives ("․", a one dot
    leader, becomes a dot under NFKC: the dot is looked for after it)."""
    assert title_key(text) == _title_key_whole(text)


@given(st.text(alphabet=st.sampled_from(list("ab .…\t\n"))))
def test_an_ellipsis_is_looked_for_only_where_its_dots_are(text: str) -> None:
    from newsarchive.text.links import _ELLIPSIS

    if ".." not in text and "…" not in text:
        assert _ELLIPSIS.search(text) is None


_SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]


@given(st.text() | st.text(alphabet=[*_SPACES, "a", "/"]))
def test_a_url_with_whitespace_is_told_by_split_as_by_isspace(text: str) -> None:
    """url_key refuses an empty URL or one holding whitespace by `url.split() != [url]`:
    split's whitespace is isspace's, every kind of it."""
    assert (text.split() != [text]) == (not text or any(c.isspace() for c in text))
