"""Show why a document matched: the one place that marks matched spans and cuts snippets around them,
for the alert emails (crawler.alerts.render) and the CLI (`newswatch watch test/try`).

    locate(text, "text", alert.spans, alert.terms)    # ranges to mark: stored spans, else the terms
    marked(title, ranges)                             # Highlighted: the whole value, ranges marked
    excerpt(text, ranges, width=280)                  # Highlighted: a window around the first range
    highlight("Su-35 jets", [(0, 5)])                 # "[Su-35] jets"
    snippet(text, match.field_spans("text"))          # ("…window…", spans in window offsets)

Spans are (start, end) character offsets, as `Match.field_spans(field)` gives them; (field, start,
end[, matched text]) tuples from `Match.spans` or a stored alert, and objects with `.start`/`.end`,
are accepted too. Nothing here escapes HTML: the email templates escape each `Piece`, the CLI its
own markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

Pair = tuple[int, int]
ELLIPSIS = "…"
_SPACE = re.compile(r"\s")


@runtime_checkable
class SpanLike(Protocol):
    """A match position, as crawler.alerts.matcher gives it: [start, end) in the title or the text."""

    field: str
    start: int
    end: int


Span = SpanLike | Sequence[Any]  # or a tuple (start, end), or (field, start, end[, matched text])


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    marked: bool = False


@dataclass(frozen=True, slots=True)
class Highlighted:
    """A value (or a window of it) as pieces, marked or not, and whether text was cut on either side."""

    pieces: tuple[Piece, ...]
    cut_before: bool = False
    cut_after: bool = False

    @property
    def plain(self) -> str:
        """The text shown, without marks or ellipses."""
        return "".join(piece.text for piece in self.pieces)

    @property
    def text(self) -> str:
        """The text shown, with "…" where it was cut."""
        return self.wrapped("", "")

    @property
    def spans(self) -> list[Pair]:
        """The marked pieces as (start, end) offsets into `text`."""
        spans, at = [], len(ELLIPSIS) if self.cut_before else 0
        for piece in self.pieces:
            if piece.marked:
                spans.append((at, at + len(piece.text)))
            at += len(piece.text)
        return spans

    @property
    def marked_text(self) -> str:
        """For plain text: «marked» terms, … where the text was cut."""
        return self.wrapped("«", "»")

    def wrapped(self, opening: str, closing: str) -> str:
        """`text` with each marked piece between `opening` and `closing`."""
        body = "".join(f"{opening}{piece.text}{closing}" if piece.marked else piece.text for piece in self.pieces)
        return f"{ELLIPSIS if self.cut_before else ''}{body}{ELLIPSIS if self.cut_after else ''}"


def term_pattern(term: str) -> re.Pattern[str] | None:
    """A query term as a regex over text: case-insensitive; hyphens and spaces between its parts
    optional (`su-35` finds "Su-35", "SU 35", "Su35"); a trailing * for any word ending."""
    tokens = re.findall(r"\w+\*?", term)
    if not tokens:
        return None
    parts = [re.escape(token.rstrip("*")) + (r"\w*" if token.endswith("*") else "") for token in tokens]
    return re.compile(r"(?<!\w)" + r"[\s\-\u2010-\u2015]{0,3}".join(parts) + r"(?!\w)", re.IGNORECASE)


def locate(value: str, field_name: str, spans: Sequence[Span], terms: Sequence[str]) -> list[Pair]:
    """[start, end) ranges in `value` to mark: the spans of this field that still fit the value (a
    span kept with its matched text is found again if the text moved), else the terms found."""
    found: list[Pair] = []
    for span in spans:
        name, start, end, expected = _span_parts(span)
        if name != field_name:
            continue
        if expected is None or value[start:end] == expected:
            if 0 <= start < end <= len(value):
                found.append((start, end))
            continue
        moved = value.lower().find(expected.lower())
        if moved >= 0:
            found.append((moved, moved + len(expected)))
    if not found:
        for term in terms:
            pattern = term_pattern(term)
            if pattern is not None:
                found.extend(match.span() for match in pattern.finditer(value))
    return merge(found)


def merge(spans: Iterable[Span]) -> list[Pair]:
    """The spans as sorted (start, end) pairs, overlapping or touching ones merged, empty ones dropped."""
    merged: list[list[int]] = []
    for start, end in sorted(_span_parts(span)[1:3] for span in spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        elif end > start:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def marked(value: str, spans: Iterable[Span]) -> Highlighted:
    """The whole value, with the spans marked."""
    return Highlighted(_pieces(value, merge(spans)))


def excerpt(text: str, spans: Iterable[Span], width: int) -> Highlighted:
    """At most `width` characters of `text` (more only if the first span is longer) around its first
    span, or from the beginning if there is none: cut between words, whitespace collapsed, the spans
    inside marked."""
    pairs = merge(spans)
    first_start, first_end = pairs[0] if pairs else (0, 0)
    start = max(0, first_start - width // 4)
    end = min(len(text), max(start + width, first_end))
    start = max(0, min(start, end - width))
    if start > 0 and not text[start - 1].isspace():  # do not open on half a word
        space = _SPACE.search(text, start, first_start)
        start = space.end() if space else start
    if end < len(text) and not text[end].isspace():  # nor close on one
        cut = max(text.rfind(c, first_end, end) for c in " \n\t")
        end = cut if cut > 0 else end
    window = text[start:end]
    start += len(window) - len(window.lstrip())
    end = start + len(window.strip())

    collapsed: list[str] = []
    offset: list[int] = []  # offset in text[start:end] -> offset in the collapsed window
    for char in text[start:end]:
        offset.append(len(collapsed))
        if not char.isspace():
            collapsed.append(char)
        elif collapsed[-1] != " ":  # the window starts with a non-space: collapsed is not empty
            collapsed.append(" ")
    offset.append(len(collapsed))
    inside = [(offset[max(a, start) - start], offset[min(b, end) - start]) for a, b in pairs if a < end and b > start]
    return Highlighted(_pieces("".join(collapsed), inside), start > 0, end < len(text))


def highlight(text: str, spans: Iterable[Span], mark: tuple[str, str] = ("[", "]")) -> str:
    """`text` with each span wrapped in `mark`: highlight("Su-35 jets", [(0, 5)]) == "[Su-35] jets"."""
    return marked(text, spans).wrapped(*mark)


def snippet(text: str, spans: Iterable[Span], width: int = 240) -> tuple[str, list[Pair]]:
    """`excerpt` as plain text with "…" where text was cut, and the spans inside in its offsets."""
    cut = excerpt(text, spans, width)
    return cut.text, cut.spans


def _pieces(text: str, pairs: Sequence[Pair]) -> tuple[Piece, ...]:
    """`text` split at merged, sorted `pairs`, which are marked."""
    pieces: list[Piece] = []
    at = 0
    for start, end in pairs:
        if start > at:
            pieces.append(Piece(text[at:start]))
        if end > start:
            pieces.append(Piece(text[start:end], True))
        at = max(at, end)
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return tuple(pieces)


def _span_parts(span: Span) -> tuple[str | None, int, int, str | None]:
    """(field or None, start, end, matched text or None) of any accepted span shape."""
    if isinstance(span, SpanLike):
        return span.field, int(span.start), int(span.end), getattr(span, "text", None)
    parts = list(span)
    if not isinstance(parts[0], str):
        return None, int(parts[0]), int(parts[1]), None
    return parts[0], int(parts[1]), int(parts[2]), (str(parts[3]) if len(parts) > 3 else None)
