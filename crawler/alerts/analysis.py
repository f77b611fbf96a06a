"""Text analysis shared by queries, aliases and documents: fold characters, split into tokens.

Folding makes matching case-, accent- and script-variant-insensitive: NFKC, casefold, then NFKD with
the combining marks (Unicode category Mn) removed, so "Sukhoï" = "sukhoi" and Arabic vowel signs go,
while Cyrillic and Persian letters stay letters. Arabic ي/ى/ك become Persian ی/ک, and every decimal
digit (Persian ۱۳۶, Arabic-Indic ١٣٦) becomes ASCII.

Tokens are runs of letters or runs of digits: "Su-35", "Su35", "SU 35" and "su‑35" all give
["su", "35"], so hyphen-, space- and joiner-insensitivity falls out of phrase matching. An English
possessive "'s" is dropped, so "Iran's 400 drones" does not read as "S-400".
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

# Removed outright (they join): soft hyphen, tatweel (Arabic justification), word joiner, BOM.
_DELETED = frozenset("\u00ad\u0640\u2060\ufeff")
_SCRIPT_VARIANTS = {"ي": "ی", "ى": "ی", "ك": "ک"}
_APOSTROPHES = frozenset("'’ʼ‘`")
_TOKEN = re.compile(r"[^\W\d_]+|\d+")


def _fold_char(char: str) -> str:
    if char in _DELETED:
        return ""
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


class Seq(NamedTuple):
    """A token sequence to find consecutively; `prefix` makes the last token a prefix (`missile*`)."""

    tokens: tuple[str, ...]
    prefix: bool = False

    def key(self) -> str:
        """The sequence in a token stream (see `FieldTokens.stream`): spaces mark the token boundaries."""
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
        return " " + " ".join(self.words) + " "

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
