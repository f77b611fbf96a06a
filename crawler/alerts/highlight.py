"""Show why a document matched: mark the matched spans, or cut a snippet around the first one.

Spans are (start, end) character offsets, as `Match.field_spans(field)` gives them; (field, start,
end) triples from `Match.spans` are accepted too. Nothing here escapes HTML: a caller that renders
HTML escapes the text between the spans and wraps the spans itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

Pair = tuple[int, int]
ELLIPSIS = "…"


def _pairs(spans: Iterable[Sequence]) -> list[Pair]:
    pairs = sorted((int(s[-2]), int(s[-1])) for s in spans)
    merged: list[list[int]] = []
    for a, b in pairs:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        elif b > a:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def highlight(text: str, spans: Iterable[Sequence], mark: tuple[str, str] = ("[", "]")) -> str:
    """`text` with each span wrapped in `mark`: highlight("Su-35 jets", [(0, 5)]) == "[Su-35] jets"."""
    out, at = [], 0
    for a, b in _pairs(spans):
        out += [text[at:a], mark[0], text[a:b], mark[1]]
        at = b
    out.append(text[at:])
    return "".join(out)


def snippet(text: str, spans: Iterable[Sequence], width: int = 240) -> tuple[str, list[Pair]]:
    """At most `width` characters of `text` around the first span, cut between words, whitespace
    collapsed, with "…" where text was cut; and the spans that fall inside, in snippet offsets."""
    pairs = _pairs(spans)
    first_start, first_end = pairs[0] if pairs else (0, 0)
    start = max(0, first_start - width // 4)
    end = min(len(text), max(start + width, first_end))
    start = max(0, min(start, end - width))
    if start > 0 and not text[start - 1].isspace():  # do not open on half a word
        m = re.compile(r"\s").search(text, start, first_start)
        start = m.end() if m else start
    if end < len(text) and not text[end].isspace():
        cut = max(text.rfind(c, first_end, end) for c in " \n\t")
        end = cut if cut > 0 else end
    window = text[start:end]
    lead = len(window) - len(window.lstrip())
    window, start = window.strip(), start + lead
    end = start + len(window)

    out: list[str] = []
    new_of: list[int] = []  # window offset -> offset in the collapsed text
    for char in window:
        new_of.append(len(out))
        if not char.isspace():
            out.append(char)
        elif out and out[-1] != " ":
            out.append(" ")
    new_of.append(len(out))
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    shift = len(prefix)
    inside = [
        (new_of[max(a, start) - start] + shift, new_of[min(b, end) - start] + shift)
        for a, b in pairs
        if a < end and b > start
    ]
    return prefix + "".join(out) + suffix, inside
