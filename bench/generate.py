#!/usr/bin/env python3
"""Generate a synthetic, deterministic corpus of plain-text news articles.

Purpose: give the `newsarchive` import/search benchmarks a large corpus that
looks like the real inputs the parser handles, without shipping real data.
Standard library only, so it runs from any Python 3.11 with no venv.

    python bench/generate.py OUT_DIR --count 100000 [--seed 1] [--per-dir 1000]

Files are written as OUT_DIR/<dir:05d>/<index:06d>.txt, at most --per-dir per
folder.  The corpus mixes the layouts we see in the wild:

* compact   - headline, dek, one paragraph per line, no blank lines, optional
              subheading line, 0-2 "READ MORE: <title>" lines (like
              seeds/000_*.txt);
* bbc       - headline, blank line, paragraphs separated by one blank line;
* web       - scraped pages: optional URL line before the headline, optional
              byline and date line ("Published On 14 Mar 2021" or an ISO
              timestamp) right under it, blank-line separated paragraphs with
              occasional runs of (sometimes whitespace-only) blank lines, and
              "RELATED:" / "MORE:" / "Also Read:" link lines.

Every file is meant to parse unambiguously with src/newsarchive/text/parser/:
metadata sits where the parser looks for it, and body paragraphs are kept
longer than 100 characters so none can pass for a subheading.

On top of the layout, a few percent of files lack a final newline, a few use
CRLF, ~0.5% are cp1252-encoded (and contain a pound sign or curly quotes, so
they are *not* valid UTF-8), and ~1% are byte-for-byte copies of an earlier
file so that de-duplication gets exercised.

Determinism: every file is generated from its own RNG seeded by (seed, index),
so the output for a given --seed does not depend on --per-dir, --jobs or on
how work is split between processes.  Vocabulary tables are built from a fixed
seed and are therefore identical for every --seed.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import os
import random
import sys
import time
from multiprocessing import Pool
from typing import Any


def _words(text: str) -> list[str]:
    """Whitespace-separated word list; long lists read better as a text block."""
    return text.split()


# --------------------------------------------------------------------------
# Tunable proportions.  Kept together so the benchmark report can quote them.
# --------------------------------------------------------------------------
LAYOUT_WEIGHTS = (("compact", 0.40), ("bbc", 0.30), ("web", 0.30))
P_DUPLICATE = 0.01  # exact copy of an earlier file
P_CP1252 = 0.005  # legacy Windows encoding
P_CRLF = 0.03  # Windows line ends
P_NO_FINAL_NEWLINE = 0.04
P_TAIL_SIZE = 0.05  # long articles, 6-25 KB

# --------------------------------------------------------------------------
# Word lists.  Real English for the frequent words (so text reads roughly like
# news and stop-word handling is realistic) plus a few thousand pseudo-words
# for a long, Zipf-distributed vocabulary tail (so FTS indexes have to cope
# with many distinct terms, not the same hundred words in every article).
# --------------------------------------------------------------------------

# Connective words/phrases, alternated with content words to give prose-like
# rhythm.  Repeats raise a word's frequency (the pool is Zipf-weighted by rank).
FUNCTION_WORDS = [
    *_words("""
the of and to in a that for on with as by at from its their has had have was
were is are been will would could may might not but or over after before into
about against between during under since while than some many most several
all both each other such no only also still even
"""),
    "of the",
    "in the",
    "to the",
    "on the",
    "for the",
    "and the",
    "at the",
    "by the",
    "with the",
    "from the",
    "said the",
    "after the",
    "over the",
    "into the",
    "as the",
    "is a",
    "was a",
    "has been",
    "had been",
    "will be",
    "would be",
    "could be",
    "is being",
    "said that",
    "says the",
    "told the",
    "according to",
    "as well as",
    "because of",
    "despite the",
    "ahead of",
    "in a",
    "to a",
    "of a",
    "for a",
    "on a",
    "with a",
    "amid the",
    "which has",
    "who had",
    "which was",
    "who said",
    "they said",
    "it was",
    "it is",
    "there are",
    "more than",
    "less than",
    "at least",
    "up to",
    "so far",
    "such as",
]

NEWS_WORDS = _words("""
government minister ministry police election vote voters parliament court
judge ruling law lawmakers bill budget economy economic inflation prices
market markets shares stocks investors bank banks interest rates growth
recession jobs unemployment workers union strike wages tax taxes spending
deficit debt trade tariffs exports imports sanctions talks deal agreement
treaty summit leaders president prime officials official spokesman spokeswoman
statement report reports analysts experts data figures survey poll campaign
candidate party opposition coalition protest protesters demonstrators crowd
troops soldiers military army forces attack attacks strike strikes missile
drone border war conflict ceasefire peace security crisis tensions threat
warning warnings reprisals invasion incursion diplomacy diplomats embassy
refugees migrants asylum aid humanitarian health hospital hospitals doctors
patients virus vaccine vaccines cases deaths infections pandemic outbreak
climate emissions energy oil gas prices power electricity coal renewable
solar wind weather storm flooding floods drought wildfire wildfires heat
temperatures scientists research study university students schools teachers
education children families residents community city cities town region
province state states country countries nation national international global
local company companies firm firms business industry technology software
internet platform users social media online phone data privacy security
investigation inquiry charges trial prosecutors lawyers defence evidence
witness verdict sentence prison arrest arrested suspect suspects victims
killed injured dead wounded fire explosion crash accident rescue emergency
services housing rent homes property construction transport rail trains
airport flights airline passengers road traffic cars vehicles electric
football match season team club players coach league cup final goal goals
win victory defeat record championship tournament fans stadium olympic
festival film music artist album show television series director actor
culture museum history heritage century decades years months weeks days
week month year today yesterday morning evening night Monday Tuesday
Wednesday Thursday Friday Saturday Sunday January February March April May
June July August September October November December announced said says
told added warned urged called claimed denied confirmed expected planned
agreed rejected accused criticised welcomed launched reported approved
increased decreased rose fell dropped reached remained became began continued
major key new former senior top chief general public private foreign domestic
federal regional central early late recent latest next last final first second
third high higher low lower large larger small smaller strong weak significant
serious severe critical full further possible likely unlikely important
difficult political military economic financial social environmental legal
people person man woman men women child group groups member members leader
head office offices system systems service plan plans policy policies issue
issues problem problems question questions decision decisions change changes
support pressure role rights freedom power control level levels number rate
cost costs price value amount share part side area areas place site sites
building buildings centre center road street village capital coast island
river sea water food supply supplies shortage shortages crop crops farmers
land forest mountain north south east west northern southern eastern western
border borders region regions district neighbourhood mayor council councils
committee board agency agencies authority authorities department minister
ministers cabinet spokesperson chairman director manager owner owners staff
employees customers consumers retailers sales profits losses revenue income
pension pensions benefits welfare insurance healthcare care nurses surgery
treatment disease cancer drug drugs medicine trial trials results evidence
information intelligence sources documents letter email message messages
comments remarks speech interview meeting meetings session sessions visit
trip tour journey move step steps effort efforts attempt attempts chance
risk risks danger fear fears concern concerns hope hopes demand demands
request offer proposal proposals response reaction criticism anger outrage
support backing approval opposition resistance fight fighting battle
violence unrest riot riots clashes shooting gunmen militants rebels fighters
weapons arms ammunition tanks aircraft jets ships navy coastguard satellite
nuclear chemical cyber hackers attack networks infrastructure bridge bridges
port ports pipeline pipelines grid plant plants factory factories mine mines
mining steel cars manufacturing exports supply chain chains shipping cargo
container containers tourism tourists hotels restaurants shops stores
bought sold paid raised cut cuts reduced boosted hit hits struck faced
facing sought seeking held holding hold met meeting left leaving returned
arrived arrives opened closed closing shut blocked allowed banned ordered
""")

FIRST_NAMES = _words("""
Antony Sergey Vladimir Joe Kamala Emmanuel Olaf Boris Rishi Keir Liz Angela
Ursula Jens Recep Narendra Xi Fumio Yoon Justin Jacinda Anthony Scott Cyril
Bola Abiy William Gustavo Luiz Javier Andres Pedro Giorgia Mark Viktor Andrzej
Volodymyr Dmytro Maria Anna Olga Sofia Elena Irina Fatima Aisha Amina Leila
Mohammed Ahmed Ali Omar Hassan Yusuf Ibrahim Khalid Tariq Sami Noor Layla
James John Robert Michael David Richard Thomas Charles Daniel Matthew Andrew
Paul Steven Kevin Brian George Edward Peter Simon Graham Nicola Rachel Sarah
Emma Laura Claire Helen Karen Susan Linda Jennifer Jessica Michelle Amanda
Priya Rahul Arjun Deepa Sanjay Anil Kenji Yuki Haruto Min-jun Ji-woo Wei
Li Mei Chen Hui Ngozi Chidi Kwame Ama Thabo Zanele Lucia Camila Mateo
Diego Valentina Isabella Santiago Jose François Jürgen Søren Zoë René Chloé
""")

SURNAMES = _words("""
Blinken Lavrov Putin Biden Harris Macron Scholz Johnson Sunak Starmer Truss
Merkel Leyen Stoltenberg Erdogan Modi Xi Kishida Trudeau Ardern Albanese
Ramaphosa Tinubu Ahmed Ruto Petro Lula Milei Lopez Sanchez Meloni Rutte Orban
Duda Zelenskyy Kuleba Smith Jones Williams Brown Taylor Davies Evans Wilson
Thomas Roberts Johnson Walker Wright Robinson Thompson White Hughes Edwards
Green Hall Wood Harris Clarke Jackson Turner Hill Moore Cooper Ward Morris
King Watson Baker Harrison Morgan Patel Shah Singh Kumar Sharma Gupta Khan
Hussain Rahman Hassan Abdullah Nasser Haddad Mansour Kaya Yilmaz Demir
Nowak Kowalski Novak Horvat Petrov Ivanov Smirnov Kuznetsov Popov Sokolov
Garcia Martinez Rodriguez Hernandez Gonzalez Perez Silva Santos Oliveira
Rossi Russo Ferrari Esposito Bianchi Muller Schmidt Schneider Fischer Weber
Dubois Martin Bernard Moreau Laurent Tanaka Suzuki Watanabe Kim Lee Park
Wang Zhang Liu Chen Yang Huang Nguyen Tran Okafor Mensah Dlamini Mwangi
Müller Søndergaard Núñez
""")

PLACES = [
    *_words("""
Geneva Moscow Washington Kyiv Kiev London Paris Berlin Brussels Rome Madrid
Lisbon Warsaw Vienna Prague Budapest Bucharest Athens Istanbul Ankara Tehran
Baghdad Damascus Beirut Jerusalem Gaza Cairo Riyadh Doha Dubai Kabul
Islamabad Karachi Delhi Mumbai Dhaka Colombo Kathmandu Beijing Shanghai
Taipei Tokyo Seoul Pyongyang Manila Jakarta Bangkok Hanoi
Singapore Sydney Melbourne Auckland Ottawa Toronto Vancouver Mexico Havana
Bogota Lima Santiago Brasilia Caracas Lagos Abuja Nairobi
Khartoum Johannesburg Kinshasa Accra Dakar Tunis Algiers Rabat Edinburgh
Cardiff Belfast Dublin Manchester Birmingham Glasgow Liverpool Leeds Bristol
Ukraine Russia China India Pakistan Iran Iraq Syria Israel Lebanon Egypt
Turkey Germany France Italy Spain Poland Britain Scotland Wales Ireland
Japan Korea Australia Canada Brazil Argentina Colombia Venezuela Nigeria
Kenya Ethiopia Sudan Somalia Afghanistan Yemen Libya Mali Niger Myanmar
Donetsk Luhansk Crimea Kharkiv Odesa Mariupol Zaporizhzhia Sevastopol
Bavaria Catalonia Kashmir Xinjiang Tigray Darfur Sahel Balkans Caucasus
"""),
    *("Hong Kong", "Addis Ababa", "New York", "Los Angeles", "Cape Town", "Tel Aviv"),
]

ORGS = (
    "NATO",
    "the United Nations",
    "the European Union",
    "the State Department",
    "the Foreign Ministry",
    "the Kremlin",
    "the White House",
    "the Pentagon",
    "the Bank of England",
    "the Federal Reserve",
    "the IMF",
    "the World Bank",
    "the World Health Organization",
    "Amnesty International",
    "the Red Cross",
    "the Supreme Court",
    "the Home Office",
    "the Treasury",
    "Downing Street",
    "the European Commission",
    "the African Union",
    "OPEC",
    "Reuters",
    "the Associated Press",
    "the interior ministry",
    "the central bank",
)

TITLES = (
    "President",
    "Prime Minister",
    "Foreign Minister",
    "Secretary of State",
    "Defence Minister",
    "Finance Minister",
    "Health Secretary",
    "Senator",
    "Governor",
    "Mayor",
    "General",
    "Chancellor",
    "Dr",
    "Professor",
    "Chief Executive",
    "Ambassador",
    "Judge",
    "Inspector",
)

NEWS_SITES = (
    "www.aljazeera.com",
    "www.bbc.co.uk",
    "www.reuters.com",
    "apnews.com",
    "www.theguardian.com",
    "www.independent.co.uk",
    "www.dw.com",
    "www.france24.com",
    "www.cnn.com",
    "www.nytimes.com",
    "www.example.com",
    "news.example.org",
    "www.thehindu.com",
    "www.abc.net.au",
)
URL_SECTIONS = (
    "news",
    "world",
    "uk-news",
    "business",
    "politics",
    "sport",
    "science",
    "health",
    "economy",
    "middle-east",
    "europe",
)

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_LONG = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

SUBHEADINGS = (
    "Unity in tatters?",
    "What happens next?",
    "A long road ahead",
    "Mounting pressure",
    "Who is to blame?",
    "Why does it matter?",
    "Background",
    "Analysis",
    "Fears of escalation",
    "Economic fallout",
    "Divided opinion",
    "A turning point?",
    "Reaction",
    "The numbers",
    "Calls for calm",
    "Growing anger",
    "Questions remain",
    "What they said",
)

RELATED_PREFIXES = ("RELATED:", "MORE:", "Also Read:")


_ONSETS = _words("b c d f g h j k l m n p r s t v w z br cr dr fr gr pl st tr sh ch")
_VOWELS = _words("a e i o u a e i o u ai ea oo ou")
_MID_CODAS = ["", "", "", "n", "r", "l", "s"]  # keep inner clusters light
_CODAS = _words("n r l s t m nd st rk nt ck") + [""] * 6
_SUFFIXES = [""] * 12 + _words("tion ment ness ity ism ery ance ist al ic ous")
# Random syllables occasionally spell something rude; keep those out.
_BANNED = (
    "fuck",
    "shit",
    "cunt",
    "cock",
    "dick",
    "nig",
    "fag",
    "slut",
    "whore",
    "rape",
    "piss",
    "tit",
    "cum",
)


def pseudo_word(rng: random.Random) -> str | None:
    """One pronounceable pseudo-word, or None if the draw was unsuitable."""
    ch = rng.choice
    w = "".join(ch(_ONSETS) + ch(_VOWELS) + ch(_MID_CODAS) for _ in range(ch((0, 1, 1, 1, 1, 2))))
    w += ch(_ONSETS) + ch(_VOWELS) + ch(_CODAS) + ch(_SUFFIXES)
    # Drop triple letters ("ooo") and rude accidents.
    if (
        not 3 <= len(w) <= 13
        or any(a == b == c for a, b, c in zip(w, w[1:], w[2:], strict=False))
        or any(b in w for b in _BANNED)
    ):
        return None
    return w


def _build_pseudo_words(n: int) -> list[str]:
    """Return n distinct pseudo-words (fixed, independent of --seed)."""
    rng = random.Random(0x5EED)
    seen: set[str] = set(w.lower() for w in NEWS_WORDS)
    out: list[str] = []
    while len(out) < n:
        w = pseudo_word(rng)
        if w and w not in seen:
            seen.add(w)
            out.append(w)
    return out


def _zipf_pool(words: list[str], scale: float, offset: float) -> list[str]:
    """Repeat words so that uniform sampling from the pool is Zipf-like.

    Sampling uniformly from a pre-weighted list is several times faster than
    random.choices(..., weights=...), which bisects per draw; the generator
    draws ~60 M words for a 100 k corpus, so this matters.  Every word gets at
    least one copy, so a long list flattens into a uniform tail.
    """
    pool: list[str] = []
    for rank, w in enumerate(words, start=1):
        pool.extend([w] * max(1, round(scale / (rank + offset))))
    return pool


REAL_WORDS = list(dict.fromkeys(NEWS_WORDS))
random.Random(0xBEEF).shuffle(REAL_WORDS)  # rank by chance, not by topic order
PSEUDO_WORDS = _build_pseudo_words(24000)
# Short pseudo-words also get inflected variants so stemming tokenizers see
# families of related terms ("plont", "plonts", "plonting", "plonted").
TAIL_WORDS = PSEUDO_WORDS + [
    w + suf for w in PSEUDO_WORDS[:3000] if len(w) <= 7 for suf in ("s", "ing", "ed")
]
random.Random(0xC0FFEE).shuffle(TAIL_WORDS)

# Content words: ~75% real news vocabulary (moderately skewed), ~25% from a
# ~30 k pseudo-word tail.  Per-article themes/entities are mixed in later.
_tail_pool = _zipf_pool(TAIL_WORDS, scale=300, offset=2)
_real_pool = _zipf_pool(REAL_WORDS, scale=1000, offset=15)
_real_pool *= max(1, round(3 * len(_tail_pool) / len(_real_pool)))
CONTENT_POOL = _real_pool + _tail_pool
FUNCTION_POOL = _zipf_pool(FUNCTION_WORDS, scale=200, offset=2.7)
# Capitalised pseudo-words double as invented surnames / places for variety.
PSEUDO_PROPER = [w.capitalize() for w in PSEUDO_WORDS[:6000]]


# --------------------------------------------------------------------------
# Article text generation.
# --------------------------------------------------------------------------


class Article:
    """Builds one article's text from a per-file RNG.

    Each article gets its own cast (people, places, an organisation) and a
    handful of "topic" terms that recur throughout, so term frequencies look
    like a real story rather than uniform noise.
    """

    def __init__(self, rng: random.Random, curly: bool, force_pound: bool):
        self.rng = rng
        self.curly = curly
        self.force_pound = force_pound
        r = rng
        self.people = []
        for _ in range(r.randint(2, 4)):
            first = r.choice(FIRST_NAMES)
            last = r.choice(SURNAMES) if r.random() < 0.7 else r.choice(PSEUDO_PROPER)
            self.people.append((first, last, r.choice(TITLES)))
        self.places = [
            r.choice(PLACES) if r.random() < 0.8 else r.choice(PSEUDO_PROPER)
            for _ in range(r.randint(1, 3))
        ]
        self.org = r.choice(ORGS)
        # Theme: real words this story keeps returning to, a few less common
        # terms, and sometimes a coined word unique-ish to this article (gives
        # the index a realistic population of rare terms).
        self.topic = r.sample(REAL_WORDS, 12) + r.sample(TAIL_WORDS, r.randint(3, 8))
        for _ in range(r.randint(0, 2)):
            self.topic.append(pseudo_word(r) or r.choice(TAIL_WORDS))
        self.mentioned: set[int] = set()
        if curly:
            self.oq, self.cq, self.apos = "\u201c", "\u201d", "\u2019"
        else:
            self.oq, self.cq, self.apos = '"', '"', "'"

    # -- entity helpers ----------------------------------------------------
    def person(self) -> str:
        """Full name with title on first mention, surname afterwards."""
        i = self.rng.randrange(len(self.people))
        first, last, title = self.people[i]
        if i not in self.mentioned:
            self.mentioned.add(i)
            return f"{title} {first} {last}" if self.rng.random() < 0.5 else f"{first} {last}"
        return last

    def number(self) -> str:
        r = self.rng
        k = r.randrange(10)
        if k == 0:
            return f"{r.randint(2, 99)},{r.randint(0, 999):03d}"
        if k == 1:
            return f"{r.randint(2, 99)} percent"
        if k == 2:
            return f"${r.randint(1, 99)}.{r.randint(1, 9)}bn"
        if k == 3 or self.force_pound:
            self.force_pound = False
            return f"\u00a3{r.randint(2, 950)}m"
        if k == 4:
            return str(r.randint(1990, 2024))
        if k == 5:
            return f"{MONTHS_LONG[r.randrange(12)]} {r.randint(1, 28)}"
        if k == 6:
            return f"{r.randint(2, 40)} days"
        return str(r.randint(2, 500))

    def entity(self) -> str:
        r = self.rng
        k = r.randrange(12)
        if k < 3:
            return self.person()
        if k < 5:
            place = r.choice(self.places)
            return place + self.apos + "s" if k == 4 and r.random() < 0.3 else place
        if k < 7:
            return self.number()
        if k == 7:
            return self.org
        return r.choice(self.topic)

    # -- text units --------------------------------------------------------
    def clause(self, n_min: int = 6, n_max: int = 20) -> str:
        """Alternating function phrases and content words, with entities."""
        r = self.rng
        n = r.randint(n_min, n_max) // 2 + 1
        content = r.choices(CONTENT_POOL, k=n)
        for _ in range(1 + n // 4):
            content[r.randrange(n)] = self.entity()
        if n > 5 and r.random() < 0.5:
            content[r.randrange(1, n - 1)] += ","
        func = r.choices(FUNCTION_POOL, k=n - 1)
        # zip stops after n-1 pairs; the clause always ends on a content word.
        pairs = itertools.chain.from_iterable(zip(content, func, strict=False))
        return " ".join(pairs) + " " + content[-1]

    def sentence(self) -> str:
        r = self.rng
        k = r.randrange(10)
        if k < 2:
            s = f"{self.person()} said {self.clause()}"
        elif k == 2:
            verb = r.choice(("said", "warned", "announced", "confirmed"))
            s = f"{self.org} {verb} {self.clause()}"
        elif k == 3:
            s = f"In {r.choice(self.places)}, {self.clause()}"
        else:
            s = self.clause(8, 26)
        return s[0].upper() + s[1:] + ("?" if r.random() < 0.03 else ".")

    def quote_paragraph(self) -> str:
        r = self.rng
        said = r.choice(("said", "told reporters", "added", "said in a statement"))
        inner = " ".join(self.sentence() for _ in range(r.randint(1, 2)))
        k = r.randrange(3)
        if k == 0:
            return f"{self.oq}{inner[:-1]},{self.cq} {self.person()} {said}."
        if k == 1:
            return f"{self.person()} {said}: {self.oq}{inner}{self.cq}"
        return f"{self.oq}{inner}{self.cq}"

    def paragraph(self) -> str:
        r = self.rng
        if r.random() < 0.22:
            p = self.quote_paragraph()
        else:
            p = " ".join(self.sentence() for _ in range(r.choice((1, 1, 2, 2, 2, 3, 3, 4))))
        # A short line ending in "?" reads as a subheading ("Unity in tatters?"),
        # so body paragraphs are kept longer than any subheading can be.
        while len(p) <= 100:
            p += " " + self.sentence()
        return p

    def byline(self) -> str:
        """A scrape's byline, e.g. "By Jane Doe and John Smith, Reuters | 3 March 2021"."""
        r = self.rng
        names = " and ".join(
            f"{r.choice(FIRST_NAMES)} {r.choice(SURNAMES)}" for _ in range(r.choice((1, 1, 1, 2)))
        )
        k = r.randrange(4)
        if k == 0:
            return f"By {names}, {r.choice(ORGS).removeprefix('the ')}"
        if k == 1:
            month, day, year = r.choice(MONTHS_LONG), r.randint(1, 28), r.randint(2005, 2024)
            return f"By {names} | {month} {day}, {year}"
        return f"By {names}"

    def headline(self) -> str:
        r = self.rng
        words = r.choices(CONTENT_POOL, k=r.randint(4, 9))
        words[r.randrange(len(words))] = r.choice(self.topic)
        k = r.randrange(3)
        if k == 0:
            words.insert(0, self.people[0][1])
        elif k == 1:
            words.insert(r.randrange(len(words)), r.choice(self.places))
        h = " ".join(words)
        h = h[0].upper() + h[1:]
        return h + "?" if r.random() < 0.08 else h

    def link_title(self) -> str:
        return Article(self.rng, self.curly, False).headline()


def _target_size(rng: random.Random) -> int:
    """Article size in bytes: mostly 1-6 KB, long tail to ~25 KB."""
    if rng.random() < P_TAIL_SIZE:
        return int(6000 * (25000 / 6000) ** rng.random())  # log-uniform tail
    return int(min(6200, max(900, rng.lognormvariate(math.log(2600), 0.42))))


def _body_paragraphs(a: Article, target: int, used: int) -> list[str]:
    paras = []
    while used < target:
        p = a.paragraph()
        paras.append(p)
        used += len(p) + 2
    return paras


def _date_line(rng: random.Random) -> str:
    y, m, d = rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28)
    if rng.random() < 0.5:
        return f"Published On {d} {MONTHS[m - 1]} {y}"
    hh, mm, ss = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    tz = rng.choice(("Z", "+00:00", "+01:00", "-05:00", ""))
    return f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}{tz}"


def _slug(text: str) -> str:
    return (
        "-".join("".join(c for c in w.lower() if c.isalnum()) for w in text.split()[:8]).strip("-")
        or "story"
    )


def layout_compact(a: Article, target: int) -> list[str]:
    r = a.rng
    head = a.headline()
    dek = " ".join(a.sentence() for _ in range(a.rng.choice((1, 1, 2))))
    paras = _body_paragraphs(a, target, len(head) + len(dek))
    if len(paras) > 4 and r.random() < 0.5:
        paras.insert(r.randrange(2, len(paras) - 1), r.choice(SUBHEADINGS))
    for _ in range(r.choice((0, 0, 1, 1, 1, 2))):
        pos = r.randrange(2, len(paras) + 1) if len(paras) > 2 else len(paras)
        paras.insert(pos, "READ MORE: " + a.link_title())
    return [head, dek, *paras]


def layout_bbc(a: Article, target: int) -> list[str]:
    head = a.headline()
    lines = [head]
    for p in _body_paragraphs(a, target, len(head)):
        lines += ["", p]
    return lines


def layout_web(a: Article, target: int) -> list[str]:
    r = a.rng
    head = a.headline()
    top: list[str] = []
    if r.random() < 0.6:
        y, m, d = r.randint(2005, 2024), r.randint(1, 12), r.randint(1, 28)
        top.append(
            f"https://{r.choice(NEWS_SITES)}/{r.choice(URL_SECTIONS)}/{y}/{m}/{d}/{_slug(head)}"
        )
    top.append(head)
    # Metadata goes right under the headline: that is where scrapes put it and
    # where the parser looks for it (a line above the headline would be taken
    # as the headline itself).
    byline = a.byline() if r.random() < 0.2 else None
    if byline:
        top.append(byline)
    # A dated byline already states the date; a second date line would not be
    # read as metadata.
    if r.random() < 0.6 and not (byline and "|" in byline):
        top.append(_date_line(r))
    paras = _body_paragraphs(a, target, len(head) + 80)
    for _ in range(r.choice((0, 1, 1, 2, 3))):
        pos = r.randrange(1, len(paras) + 1) if len(paras) > 1 else len(paras)
        paras.insert(pos, r.choice(RELATED_PREFIXES) + " " + a.link_title())
    # Scrapes often leave runs of blank (sometimes whitespace-only) lines.
    messy = r.random() < 0.3
    lines = top[:]
    for p in paras:
        if messy and r.random() < 0.25:
            lines += [r.choice(("", "", " ", "\t", "   ")) for _ in range(r.randint(2, 4))]
        else:
            lines.append("")
        lines.append(p)
    if messy and r.random() < 0.5:
        lines += [""] * r.randint(1, 3)  # trailing blank lines
    return lines


LAYOUTS = {"compact": layout_compact, "bbc": layout_bbc, "web": layout_web}
_LAYOUT_NAMES = [n for n, _ in LAYOUT_WEIGHTS]
_LAYOUT_CUM = list(itertools.accumulate(w for _, w in LAYOUT_WEIGHTS))


Flags = dict[str, Any]  # per-file features, for --stats
Job = tuple[str, int, int, int, int, int]  # out_dir, seed, start, stop, per_dir, width
Result = tuple[int, int, bytes, Flags]  # index, size, sha256 digest, flags


def _file_rng(seed: int, index: int) -> random.Random:
    # Index occupies the low 40 bits so (seed, index) pairs never collide.
    return random.Random((seed << 40) | index)


def duplicate_source(seed: int, index: int) -> int | None:
    """Index of the earlier file this one copies, or None if it is original.

    Follows chains so the result is always an original file.
    """
    src = None
    while index > 0:
        rng = _file_rng(seed, index)
        if rng.random() >= P_DUPLICATE:
            break
        index = src = rng.randrange(index)
    return src


def render(seed: int, index: int) -> tuple[bytes, Flags]:
    """Return (file bytes, feature flags) for original file `index`."""
    rng = _file_rng(seed, index)
    rng.random()  # consumed by the duplicate decision; keep streams aligned
    layout = rng.choices(_LAYOUT_NAMES, cum_weights=_LAYOUT_CUM)[0]
    cp1252 = rng.random() < P_CP1252
    crlf = rng.random() < P_CRLF
    no_final_nl = rng.random() < P_NO_FINAL_NEWLINE
    # cp1252 files must carry non-ASCII (pound sign, curly quotes) so that
    # they genuinely fail UTF-8 decoding; other files mix quote styles.
    curly = cp1252 or rng.random() < 0.6
    art = Article(rng, curly=curly, force_pound=cp1252)
    target = _target_size(rng)
    lines = LAYOUTS[layout](art, target)
    if cp1252 and not any("\u00a3" in ln for ln in lines):
        lines.append(f"The bill came to \u00a3{rng.randint(2, 900)}m, officials said.")
    text = "\n".join(lines)
    if not no_final_nl:
        text += "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    data = text.encode("cp1252" if cp1252 else "utf-8")
    return data, {"layout": layout, "cp1252": cp1252, "crlf": crlf, "no_final_newline": no_final_nl}


def file_path(out_dir: str, index: int, per_dir: int, width: int) -> str:
    return os.path.join(out_dir, f"{index // per_dir:05d}", f"{index:0{width}d}.txt")


def _work(job: Job) -> list[Result]:
    """Generate and write a contiguous range of files (runs in a worker)."""
    out_dir, seed, start, stop, per_dir, width = job
    results = []
    for i in range(start, stop):
        src = duplicate_source(seed, i)
        data, flags = render(seed, i if src is None else src)
        with open(file_path(out_dir, i, per_dir, width), "wb") as f:
            f.write(data)
        if src is not None:
            flags = {"layout": "duplicate"}
        results.append((i, len(data), hashlib.sha256(data).digest(), flags))
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-dir", type=int, default=1000)
    ap.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes (output is identical for any value)",
    )
    ap.add_argument(
        "--stats",
        action="store_true",
        help="also print a JSON breakdown of layouts/sizes to stderr",
    )
    args = ap.parse_args(argv)
    if not 0 <= args.count < 1 << 40 or args.per_dir < 1 or args.seed < 0:
        ap.error("need 0 <= count < 2**40, per-dir >= 1, seed >= 0")

    # Refuse to mix with an older corpus: stale files would skew benchmarks.
    if os.path.isdir(args.out_dir) and os.listdir(args.out_dir):
        ap.error(f"{args.out_dir} exists and is not empty")
    t0 = time.perf_counter()
    os.makedirs(args.out_dir, exist_ok=True)
    width = max(6, len(str(max(args.count - 1, 0))))
    for d in range((args.count + args.per_dir - 1) // args.per_dir):
        os.makedirs(os.path.join(args.out_dir, f"{d:05d}"), exist_ok=True)

    chunk = 500
    jobs = [
        (args.out_dir, args.seed, s, min(s + chunk, args.count), args.per_dir, width)
        for s in range(0, args.count, chunk)
    ]
    if args.jobs > 1 and len(jobs) > 1:
        with Pool(args.jobs) as pool:
            results = [r for batch in pool.imap_unordered(_work, jobs) for r in batch]
    else:
        results = [r for job in jobs for r in _work(job)]
    elapsed = time.perf_counter() - t0

    total = sum(r[1] for r in results)
    dups = sum(1 for r in results if r[3]["layout"] == "duplicate")
    distinct = len({r[2] for r in results})
    # Self-check: random text should never collide by accident.
    if distinct != len(results) - dups:
        print(f"error: {len(results) - dups - distinct} accidental duplicate(s)", file=sys.stderr)
        return 1
    print(
        f"wrote {len(results)} files, {total} bytes, {dups} deliberate duplicates, {elapsed:.1f} s"
    )

    if args.stats:
        n = len(results) or 1
        sizes = sorted(r[1] for r in results)

        def count(key: str) -> int:
            return sum(1 for r in results if r[3].get(key))

        stats = {
            "layout_pct": {
                k: round(100 * sum(1 for r in results if r[3]["layout"] == k) / n, 2)
                for k in [*_LAYOUT_NAMES, "duplicate"]
            },
            "cp1252_pct": round(100 * count("cp1252") / n, 2),
            "crlf_pct": round(100 * count("crlf") / n, 2),
            "no_final_newline_pct": round(100 * count("no_final_newline") / n, 2),
            "size_bytes": {
                "min": sizes[0] if results else 0,
                "p50": sizes[len(sizes) // 2] if results else 0,
                "p95": sizes[int(len(sizes) * 0.95)] if results else 0,
                "max": sizes[-1] if results else 0,
                "mean": round(total / n),
            },
            "pct_1k_to_6k": round(100 * sum(1 for s in sizes if 1024 <= s <= 6144) / n, 2),
        }
        print(json.dumps(stats), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
