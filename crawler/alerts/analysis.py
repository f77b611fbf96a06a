"""Text analysis shared by queries, aliases and documents: fold characters, split into tokens.

Folding makes matching case-, accent- and script-variant-insensitive: NFKC, casefold, then NFKD with
the combining marks (Unicode category Mn) removed, so "Sukhoï" = "sukhoi" and Arabic vowel signs go,
while Cyrillic and Persian letters stay letters. Arabic ي/ى/ك become Persian ی/ک, and every decimal
digit (Persian ۱۳۶, Arabic-Indic ١٣٦) becomes ASCII.

Tokens are runs of letters or runs of digits: "Su-35", "Su35", "SU 35" and "su‑35" all give
["su", "35"], so hyphen-, space- and joiner-insensitivity falls out of phrase matching. An English
possessive "'s" is dropped, so "Iran's 400 drones" does not read as "S-400". A Persian suffix written
after a zero-width non-joiner (ZWNJ, U+200C) stays in its token: "جنگنده‌های" is one token, and its stem,
like that of "جنگندههای", is "جنگنده".

Stems (`stem`, `FieldTokens.stems`) carry inflection: Russian words (Cyrillic) through the Snowball
Russian stemmer, Persian words (Arabic script) through a small suffix rule set (plural ها/های/هایی,
and anything after a ZWNJ: ی, ای, ها, های, ام, ات, اش…); other words are their own stem. A `Seq` with
`stemmed` set is found by the stems of the document's tokens, one per token, so positions stay the
same. `match_forms` gives the stem sequences a written Russian or Persian word or phrase stands for.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import snowballstemmer

# Removed outright (they join): soft hyphen, tatweel (Arabic justification), word joiner, BOM.
_DELETED = frozenset("\u00ad\u0640\u2060\ufeff")
_SCRIPT_VARIANTS = {"ي": "ی", "ى": "ی", "ك": "ک"}
_APOSTROPHES = frozenset("'’ʼ‘`")
_ZWNJ = "\u200c"
# Persian suffixes written after a ZWNJ: plural, ezafe/indefinite, possessive, comparative.
_FA_ATTACHED = ("هایشان", "هایمان", "هایتان", "هایش", "هایم", "هایت", "هایی", "های", "ها", "ترین", "تر",
                "شان", "مان", "تان", "ای", "ام", "ات", "اش", "ی")
_FA_PLURAL = ("هایی", "های", "ها")  # stripped without a ZWNJ too, when two letters stay
_TOKEN = re.compile(r"[^\W\d_]+(?:\u200c(?:" + "|".join(_FA_ATTACHED) + r")(?![^\W\d_]))*|\d+")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
_NON_LATIN = re.compile(r"[\u0400-\u052f\u0600-\u06ff\u0750-\u077f]")


def _fold_char(char: str) -> str:
    if char in _DELETED:
        return ""
    if char in "йЙ":  # a letter of its own in Russian (its endings carry case): keep it for the stemmer
        return "й"
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char).casefold())
    out = []
    for c in folded:
        if unicodedata.category(c) == "Mn":
            continue
        digit = unicodedata.decimal(c, None)
        out.append(str(digit) if digit is not None else _SCRIPT_VARIANTS.get(c, c))
    return "".join(out)


class _FoldTable(dict[int, str]):
    """A str.translate table filled on first sight of each character; remembers which ones change length."""

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _fold_char(char)
        if len(folded) != 1:
            self.irregular.add(char)
        self[code] = folded
        return folded


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """The folded form of `text` (not aligned with it; see `tokenize` for offsets)."""
    return text.translate(_TABLE)


def tokenize(text: str) -> tuple[list[str], list[int], list[int]]:
    """Tokens of `text` with their start and end offsets in `text` itself."""
    folded = text.translate(_TABLE)
    aligned = len(folded) == len(text) and _TABLE.irregular.isdisjoint(text)
    if aligned:
        starts_of = ends_of = None
    else:  # some character folded to zero or several: map folded offsets back one by one
        starts_of, ends_of = [], []
        for i, char in enumerate(text):
            n = len(_TABLE[ord(char)])
            starts_of.extend([i] * n)
            ends_of.extend([i + 1] * n)
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _TOKEN.finditer(folded):
        a, b = m.span()
        word = m.group()
        if word == "s" and a > 0 and folded[a - 1] in _APOSTROPHES and a > 1 and folded[a - 2].isalnum():
            continue
        words.append(word)
        if starts_of is None:
            starts.append(a)
            ends.append(b)
        else:
            starts.append(starts_of[a])
            ends.append(ends_of[b - 1])
    return words, starts, ends


def words_of(text: str) -> tuple[str, ...]:
    return tuple(tokenize(text)[0])


_RUSSIAN = snowballstemmer.stemmer("russian")
_STEMS: dict[str, str] = {}
# Russian case and number endings, to find every stem the stemmer gives a word's forms (it gives
# Иран "ира" but Иране "иран"): a written word stands for the stems of all of them.
_RU_ENDINGS = ("", "а", "я", "у", "ю", "е", "ы", "и", "ом", "ем", "ой", "ей", "ью", "ою", "ов", "ев", "ам", "ям",
               "ами", "ями", "ах", "ях", "ый", "ий", "ая", "ое", "ого", "ому", "ым", "ую", "ые", "ых", "ыми")


def _persian_stem(word: str) -> str:
    if _ZWNJ in word:  # the writer marked where the suffix starts
        return word[: word.index(_ZWNJ)]
    for suffix in _FA_PLURAL:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return word


def stem(word: str) -> str:
    """The stem of one folded token (see the module's docstring); cached."""
    hit = _STEMS.get(word)
    if hit is not None:
        return hit
    if _CYRILLIC.search(word):
        result = _RUSSIAN.stemWord(word)
    elif _ARABIC.search(word):
        result = _persian_stem(word)
    else:
        result = word
    if len(_STEMS) > 200_000:
        _STEMS.clear()
    _STEMS[word] = result
    return result


def _forms(word: str) -> tuple[str, ...]:
    """The stems a written word stands for: all its Russian case forms' stems, or its Persian stem."""
    if _CYRILLIC.search(word):
        roots = {word}
        if word[-1] in "аяоеьйыи":
            roots.add(word[:-1])
        if word.endswith(("ий", "ый", "ой", "ая", "яя", "ое", "ее")):
            roots.add(word[:-2])
        found = {stem(word)} | {stem(r + e) for r in roots for e in _RU_ENDINGS if r + e}
        return (stem(word), *sorted(found - {stem(word)}))
    return (stem(word),)


def needs_stems(tokens: tuple[str, ...] | list[str]) -> bool:
    return any(_NON_LATIN.search(t) for t in tokens)


def match_forms(seq: Seq, limit: int = 64) -> tuple[Seq, ...]:
    """What a written sequence is found as: itself when it has no Russian or Persian word or ends in
    a wildcard, else the stemmed sequences of its forms (the first: the stems of the words as written)."""
    if seq.prefix or seq.stemmed or not needs_stems(seq.tokens):
        return (seq,)
    choices = [_forms(t) for t in seq.tokens]
    if len(choices) > 1:  # in a phrase, the word as written and its shortest form's stem
        choices = [(c[0], *sorted(set(c[1:]) - {c[0]}, key=len)[:1]) for c in choices]
    out = []
    for combo in itertools.product(*choices):
        out.append(Seq(tuple(combo), False, True))
        if len(out) >= limit:
            break
    return tuple(out)


class Seq(NamedTuple):
    """A token sequence to find consecutively; `prefix` makes the last token a prefix (`missile*`)."""

    tokens: tuple[str, ...]
    prefix: bool = False
    stemmed: bool = False  # tokens are stems, found among the stems of the document's tokens

    def key(self) -> str:
        """The sequence in a token stream (see `FieldTokens.stream`): spaces mark the token boundaries,
        and in the stem stream a \x01 opens every stem."""
        if self.stemmed:
            return " \x01" + " \x01".join(self.tokens) + " "
        return " " + " ".join(self.tokens) + ("" if self.prefix else " ")


@dataclass(slots=True)
class FieldTokens:
    """One analysed field of a document, with a lazy index for finding sequences."""

    words: list[str]
    starts: list[int]
    ends: list[int]
    _found: dict[Seq, list[int]] = field(default_factory=dict)
    _positions: dict[str, list[int]] | None = None
    _sorted: list[str] | None = None
    _stems: list[str] | None = None
    _stream: str | None = None
    _stem_positions: dict[str, list[int]] | None = None

    @classmethod
    def of(cls, text: str) -> FieldTokens:
        return cls(*tokenize(text))

    @property
    def positions(self) -> dict[str, list[int]]:
        if self._positions is None:
            index: dict[str, list[int]] = {}
            for i, word in enumerate(self.words):
                index.setdefault(word, []).append(i)
            self._positions = index
        return self._positions

    def stream(self) -> str:
        if self._stream is None:
            self._stream = " " + " ".join(self.words) + " "
        return self._stream

    @property
    def stems(self) -> list[str]:
        """One stem per token (the token itself outside Russian and Persian)."""
        if self._stems is None:
            self._stems = [stem(w) for w in self.words] if _NON_LATIN.search(self.stream()) else self.words
        return self._stems

    @property
    def stem_positions(self) -> dict[str, list[int]]:
        if self._stem_positions is None:
            if self.stems is self.words:
                self._stem_positions = self.positions
            else:
                index: dict[str, list[int]] = {}
                for i, s in enumerate(self.stems):
                    index.setdefault(s, []).append(i)
                self._stem_positions = index
        return self._stem_positions

    def stem_stream(self) -> str:
        """The stems, each opened by \x01, for finding stemmed keys; empty without Russian or Persian
        words (a stemmed key always has one, so it cannot occur then)."""
        if self.stems is self.words:
            return ""
        return " \x01" + " \x01".join(self.stems) + " "

    def _with_prefix(self, prefix: str) -> list[int]:
        if self._sorted is None:
            self._sorted = sorted(self.positions)
        keys, found = self._sorted, []
        i = bisect_left(keys, prefix)
        while i < len(keys) and keys[i].startswith(prefix):
            found.extend(self.positions[keys[i]])
            i += 1
        found.sort()
        return found

    def find(self, seq: Seq) -> list[int]:
        """Token positions where `seq` starts, ascending."""
        hit = self._found.get(seq)
        if hit is not None:
            return hit
        tokens, last = seq.tokens, len(seq.tokens) - 1
        if seq.prefix and last == 0:
            hit = self._with_prefix(tokens[0])
        elif seq.stemmed:
            words, n = self.stems, len(self.words)
            hit = [
                p
                for p in self.stem_positions.get(tokens[0], ())
                if p + last < n and all(words[p + i] == tokens[i] for i in range(1, last + 1))
            ]
        else:
            words, n = self.words, len(self.words)
            hit = []
            for p in self.positions.get(tokens[0], ()):
                if p + last >= n or any(words[p + i] != tokens[i] for i in range(1, last)):
                    continue
                end = words[p + last]
                if end.startswith(tokens[last]) if seq.prefix else end == tokens[last]:
                    hit.append(p)
        self._found[seq] = hit
        return hit


class Analyzed:
    """A document's title and text, analysed on first use and shared by every rule evaluated on it."""

    def __init__(self, title: str, text: str) -> None:
        self._title, self._text = title, text

    @cached_property
    def title(self) -> FieldTokens:
        return FieldTokens.of(self._title)

    @cached_property
    def text(self) -> FieldTokens:
        return FieldTokens.of(self._text)

    def field(self, name: str) -> FieldTokens:
        return self.title if name == "title" else self.text
