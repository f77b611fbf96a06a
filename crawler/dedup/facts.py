"""A story's facts: the figures, dates and names a copy repeats and a templated report changes.

MinHash says two texts share most of their wording; it cannot tell a wire copy (same event, same
figures, same names) from the next day's report of the same template ("Ukraine downs 37 of 45 Shahed
drones overnight" vs "... 12 of 20 ...": ~87% the same 3-word shingles). The facts can:

* figures: every number, normalised (Persian/Arabic-Indic digits, "1,200" = "1 200" = "1200",
  "1,5" = "1.5", "thirty-seven" = "37"), with weekday and month names as dates;
* names: capitalised words not at a sentence start (Latin and Cyrillic), and in Persian, which has no
  capitals, the word after a cue such as شهر (city) or استان (province);
* the headline's key names: its names that the text also names, i.e. what the story is about.

Two near-duplicate texts are one story unless (see `same_story`):

1. more than FIGURES_REPLACED_TOLERATED figures were *replaced*: each side has figures the other
   lacks. A copy that cuts a paragraph or drops a dateline only loses figures (one side); a
   correction replaces one (the same story: the update path handles it at the same URL, a corrected
   copy elsewhere is still that story); a template report replaces the figures and the date.
2. the headlines name different things: each headline has a key name the other article never
   mentions (Odesa vs Kharkiv). A reworded or translated headline has no key name foreign to the
   other article's text, which is the same text.
3. the ledes name different things: more than LEDE_NAMES_REPLACED_TOLERATED names of each first
   LEDE_WORDS words are missing from the other article (a report from Dnipro quoting its governor vs
   one from Zaporizhzhia quoting its own, under the same generic headline).

The text's facts are stored with the article (articles.facts, `Facts.pack`), the headline's are read
from its title, so checking a candidate needs nothing but its row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# One replaced figure is a correction (or a stray number such as a rewritten dateline); two or more
# (the figures and/or the date of a daily report) are another report.
FIGURES_REPLACED_TOLERATED = 1

# Key names of one headline missing from the other article that make them two stories: any. Names
# outside the headline are not compared: outlets add and drop credits and bylines ("Reporting by ...",
# "Copyright ..."), which would look like replaced names.
HEADLINE_NAMES_FOREIGN_TOLERATED = 0

# The lede, where a report says who and where: its first words. One name of it may be replaced in a
# copy (a dateline city, an agency credit "(Reuters)" → "(AFP)"); another place and its officials are
# two or more.
LEDE_WORDS = 50
LEDE_NAMES_REPLACED_TOLERATED = 1

_DIGITS = {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")} | {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
# A number: digits, optionally grouped or with a decimal part. Thousands separators: a comma, the
# Arabic thousands sign, a (narrow) no-break space before exactly three digits; a point, the Arabic
# decimal sign, or a comma before other than three digits is a decimal separator (Russian "1,5").
_NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c\u00a0\u202f]\d+)*")
_GROUPED = re.compile(r"(?<=\d)[\u00a0\u202f](?=\d{3}(?!\d))")
_THOUSANDS = ",\u066c\u00a0\u202f"

# English number words: "one" is left out, it is a pronoun far more often than a figure.
_UNITS = {w: n for n, w in enumerate(
    "zero _ two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split()) if w != "_"}  # fmt: skip
_TENS = {
    w: 10 * n for n, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"
}
_NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS)
_ONES = {"one": 1} | {w: n for w, n in _UNITS.items() if 0 < n < 10}

# Dates as facts: weekday and month names, by stem (Russian is inflected: в среду, 3 марта).
_WEEKDAYS = {
    "mon": ("monday", "понедельник", "دوشنبه"), "tue": ("tuesday", "вторник", "سه‌شنبه", "سهشنبه"),
    "wed": ("wednesday", "сред", "چهارشنبه"), "thu": ("thursday", "четверг", "پنجشنبه", "پنج‌شنبه"),
    "fri": ("friday", "пятниц", "جمعه"), "sat": ("saturday", "суббот", "شنبه"),
    "sun": ("sunday", "воскресень", "یکشنبه", "یک‌شنبه"),
}  # fmt: skip
_MONTHS = [
    ("january", "jan", "январ"), ("february", "feb", "феврал"), ("march", "mar", "март"),
    ("april", "apr", "апрел"), ("may", "ма[йяе]"), ("june", "jun", "июн"), ("july", "jul", "июл"),
    ("august", "aug", "август"), ("september", "sept", "sep", "сентябр"), ("october", "oct", "октябр"),
    ("november", "nov", "ноябр"), ("december", "dec", "декабр"),
]  # fmt: skip
# One pattern, a group per date: ("d_mon" → "@mon", "m3" → "@m3").
_DATE_WORD = re.compile(
    "|".join(
        [rf"(?P<d_{day}>(?:{'|'.join(stems)})\w*)" for day, stems in _WEEKDAYS.items()]
        + [rf"(?P<m{i + 1}>(?:{'|'.join(stems)})" + (r"\.?)" if i == 4 else r"\w*)") for i, stems in enumerate(_MONTHS)]
    )
)
# English month and weekday names count only capitalised ("may", "march" are words too): `_scan`
# skips every lowercase ASCII word.

# Persian has no capitals: a name is the word after one of these cues (city, province, port, airport,
# base, region, country, Mr, General, minister, company).
PERSIAN_NAME_CUES = frozenset("شهر استان بندر فرودگاه پایگاه منطقه کشور آقای سردار وزیر شرکت".split())

_TOKEN = re.compile(r"\d+(?:[.,\u066b\u066c\u00a0\u202f]\d+)*|[^\W\d_]+|[.!?:;\n\"«»“”()\[\]–—-]")
_SENTENCE_END = frozenset(".!?:;\n")
_OPENERS = frozenset('"«“([–—-')


def _number(raw: str) -> str:
    raw = raw.translate(_DIGITS)
    parts = re.split(r"([.,\u066b\u066c\u00a0\u202f])", raw)
    integer, decimal = parts[0], ""
    for sep, group in zip(parts[1::2], parts[2::2], strict=True):
        if sep in _THOUSANDS and len(group) == 3 and not decimal:
            integer += group
        else:
            decimal = group if not decimal else decimal  # "1.2.3": keep the first decimal part
    integer = integer.lstrip("0") or "0"
    decimal = decimal.rstrip("0")
    return f"#{integer}.{decimal}" if decimal else f"#{integer}"


def _date(word: str) -> str | None:
    match = _DATE_WORD.fullmatch(word.casefold())
    if match is None or match.lastgroup is None:
        return None
    return "@" + match.lastgroup.removeprefix("d_")


def _is_persian(word: str) -> bool:
    return "\u0600" <= word[0] <= "\u06ff"


def _scan(text: str, *, headline: bool) -> tuple[set[str], set[str], set[str]]:
    """(figures, names, lede names) of a text; in a headline every capitalised word may be a name."""
    # NFKC makes a no-break space an ordinary one: join "1\u00a0200" first
    text = unicodedata.normalize("NFKC", _GROUPED.sub("", text)).replace("\u200c", "")
    figures: set[str] = set()
    names: set[str] = set()
    lede: set[str] = set()
    words = 0
    sentence_start, previous = True, ""
    tens = 0  # "thirty" waiting for a "-seven"
    for token in _TOKEN.findall(text):
        if tens and token not in _OPENERS:
            figures.add(f"#{tens + _ONES.get(token.casefold(), 0)}")
            if token.casefold() in _ONES:
                tens = 0
                continue
            tens = 0
        if token in _SENTENCE_END:
            sentence_start = True
            continue
        if token in _OPENERS or token in "»”)]":
            continue
        words += 1
        if token.isascii() and (token.islower() or token.lower() in _NUMBER_WORDS):
            low = token.lower()  # most lowercase words: neither a figure, a date nor a name
            if low in _UNITS:
                figures.add(f"#{_UNITS[low]}")
            elif low in _TENS:
                tens = _TENS[low]
        elif token.isdigit() and token.isascii():  # the common number: plain ASCII digits
            figures.add("#" + (token.lstrip("0") or "0"))
        elif token[0].isdigit():
            figures.add(_number(token))
        elif (date := _date(token)) is not None:
            figures.add(date)
        elif _is_persian(token):
            if previous in PERSIAN_NAME_CUES:
                names.add(token)
                if words <= LEDE_WORDS:
                    lede.add(token)
        elif token[0].isupper() and (headline or not sentence_start) and len(token) > 1:
            names.add(token.casefold())
            if words <= LEDE_WORDS:
                lede.add(token.casefold())
        sentence_start, previous = False, token
    if tens:
        figures.add(f"#{tens}")
    return figures, names, lede


@dataclass(frozen=True, slots=True)
class Facts:
    """The figures (numbers, dates) and names of a text."""

    figures: frozenset[str]
    names: frozenset[str]
    lede: frozenset[str] = frozenset()  # the names of its first LEDE_WORDS words

    @classmethod
    def of(cls, text: str) -> Facts:
        figures, names, lede = _scan(text, headline=False)
        return cls(frozenset(figures), frozenset(names), frozenset(lede))

    @classmethod
    def of_headline(cls, title: str | None) -> Facts:
        figures, names, _ = _scan(title or "", headline=True)
        return cls(frozenset(figures), frozenset(names))

    def pack(self) -> str:
        """As the articles.facts column keeps it: the tokens, sorted, space-separated; figures start
        with # (numbers) or @ (dates), a lede name is also kept with a ^."""
        return " ".join(sorted(self.figures | self.names | {f"^{name}" for name in self.lede}))

    @classmethod
    def unpack(cls, packed: str) -> Facts:
        tokens = packed.split()
        return cls(
            frozenset(t for t in tokens if t[0] in "#@"),
            frozenset(t for t in tokens if t[0] not in "#@^"),
            frozenset(t[1:] for t in tokens if t[0] == "^"),
        )


@dataclass(frozen=True, slots=True)
class StoryFacts:
    """An article's facts: its text's and its headline's, and the headline's key names."""

    figures: frozenset[str]
    names: frozenset[str]
    key_names: frozenset[str]  # headline names the text names too: what the story is about
    lede: frozenset[str]  # the names of its text's first LEDE_WORDS words: who and where

    @classmethod
    def of(cls, text: Facts, title: str | None) -> StoryFacts:
        headline = Facts.of_headline(title)
        names = text.names | headline.names
        return cls(text.figures | headline.figures, names, headline.names & text.names, text.lede)


def replaced_figures(a: StoryFacts, b: StoryFacts) -> int:
    """Figures replaced between two articles: as many as the smaller side's figures the other lacks."""
    return min(len(a.figures - b.figures), len(b.figures - a.figures))


def same_story(a: StoryFacts, b: StoryFacts) -> bool:
    """Whether two near-duplicate texts (by MinHash) report the same story (module docstring)."""
    if replaced_figures(a, b) > FIGURES_REPLACED_TOLERATED:
        return False
    if min(len(a.key_names - b.names), len(b.key_names - a.names)) > HEADLINE_NAMES_FOREIGN_TOLERATED:
        return False
    return min(len(a.lede - b.names), len(b.lede - a.names)) <= LEDE_NAMES_REPLACED_TOLERATED
