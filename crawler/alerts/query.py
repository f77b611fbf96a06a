"""Watch-rule queries: parse the Lucene-style text once, then match documents against it.

    q = parse_query('title:(shahed-136 OR "su-35") iran NEAR/10 russia -exercise')
    m = q.match(Document(title="…", text="…"))   # Match with spans into the original strings, or None

Syntax and its errors: syntax.py. Text folding and tokens: analysis.py. Aliases: aliases.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crawler.alerts.aliases import AliasTable
from crawler.alerts.analysis import Analyzed, FieldTokens
from crawler.alerts.nodes import FIELDS, And, FieldName, Near, Node, Not, Or, Term, fields_of
from crawler.alerts.syntax import QueryError, parse_nodes

__all__ = ["Document", "Match", "Query", "QueryError", "Span", "parse_query"]

Span = tuple[str, int, int]  # (field, start, end): a character range of the document's title or text

_DEFAULT_ALIASES: AliasTable | None = None


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    text: str
    language: str | None = None
    source: str | None = None


class Match:
    """Where a query matched: `spans`, sorted, title first, overlapping ranges merged; `terms`, the
    query's terms that were found, as written in the query. RuleMatcher gives a deferred Match, whose
    spans are worked out when first read (most matches of a rule filtered by source or language never
    are); it equals the eager one."""

    __slots__ = ("_spans", "_terms", "_build")

    def __init__(self, spans: tuple[Span, ...] = (), terms: tuple[str, ...] = ()) -> None:
        self._spans, self._terms, self._build = spans, terms, None

    @classmethod
    def deferred(cls, build: Callable[[], Match]) -> Match:
        match = cls()
        match._build = build
        return match

    def _resolve(self) -> None:
        if self._build is not None:
            built, self._build = self._build(), None
            self._spans, self._terms = built.spans, built.terms

    @property
    def spans(self) -> tuple[Span, ...]:
        self._resolve()
        return self._spans

    @property
    def terms(self) -> tuple[str, ...]:
        self._resolve()
        return self._terms

    def field_spans(self, field: FieldName) -> list[tuple[int, int]]:
        return [(a, b) for f, a, b in self.spans if f == field]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Match):
            return NotImplemented
        return (self.spans, self.terms) == (other.spans, other.terms)

    def __hash__(self) -> int:
        return hash((self.spans, self.terms))

    def __repr__(self) -> str:
        return f"Match(spans={self.spans!r}, terms={self.terms!r})"


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    root: Node

    def match(self, doc: Document) -> Match | None:
        return self.match_analyzed(Analyzed(doc.title, doc.text))

    def match_analyzed(self, doc: Analyzed) -> Match | None:
        """Match an already analysed document (RuleMatcher analyses each document once for all rules)."""
        if not _holds(self.root, doc):
            return None
        hits: list[tuple[str, str, int, int]] = []
        _collect(self.root, doc, hits)
        return as_match(hits)

    def __str__(self) -> str:
        return self.text


def parse_query(text: str, aliases: AliasTable | None = None) -> Query:
    """Parse a rule's query; `aliases` defaults to the shipped groups. Raises QueryError."""
    global _DEFAULT_ALIASES
    if aliases is None:
        if _DEFAULT_ALIASES is None:
            _DEFAULT_ALIASES = AliasTable.default()
        aliases = _DEFAULT_ALIASES
    return Query(text, parse_nodes(text, aliases))


def _occurrences(term: Term, tokens: FieldTokens) -> list[tuple[int, int]]:
    """Token ranges [start, end) where any variant of `term` occurs."""
    found = [(p, p + len(v.tokens)) for v in term.variants for p in tokens.find(v)]
    if len(term.variants) > 1:
        found.sort()
    return found


def _windows(near: Near, tokens: FieldTokens, first_only: bool) -> list[tuple[tuple[int, int], ...]]:
    """Choices of one occurrence per operand with at most `distance` uncovered tokens between them.

    Sweeps like Lucene's unordered span-near: keep one occurrence per operand, test the window,
    then move on the operand that starts first.
    """
    return sweep([_occurrences(op, tokens) for op in near.operands], near.distance, first_only)


def sweep(lists: list[list[tuple[int, int]]], distance: int, first_only: bool) -> list[tuple[tuple[int, int], ...]]:
    """`_windows` over given occurrence lists (sorted token ranges, one list per operand)."""
    if not all(lists):
        return []
    found = []
    if len(lists) == 2:  # the common case, unrolled: the same sweep
        first, second = lists
        i = j = 0
        while True:
            a, b = first[i], second[j]
            low = a[0] if a[0] < b[0] else b[0]
            high = a[1] if a[1] > b[1] else b[1]
            if high - low - (a[1] - a[0]) - (b[1] - b[0]) <= distance:
                found.append((a, b))
                if first_only:
                    return found
            if a[0] <= b[0]:
                i += 1
                if i == len(first):
                    return found
            else:
                j += 1
                if j == len(second):
                    return found
    index = [0] * len(lists)
    while True:
        current = tuple(occ[i] for occ, i in zip(lists, index, strict=True))
        low = min(a for a, _ in current)
        high = max(b for _, b in current)
        if high - low - sum(b - a for a, b in current) <= distance:
            found.append(current)
            if first_only:
                return found
        first = min(range(len(current)), key=lambda k: current[k][0])
        index[first] += 1
        if index[first] == len(lists[first]):
            return found


def _holds(node: Node, doc: Analyzed) -> bool:
    match node:
        case Term():
            return any(doc.field(f).find(v) for f in fields_of(node) for v in node.variants)
        case Near():
            return any(_windows(node, doc.field(f), True) for f in fields_of(node))
        case And():
            return all(_holds(c, doc) for c in node.children)
        case Or():
            return any(_holds(c, doc) for c in node.children)
        case Not():
            return not _holds(node.child, doc)
    raise TypeError(node)


def _collect(node: Node, doc: Analyzed, hits: list[tuple[str, str, int, int]]) -> None:
    """Record what made a true `node` true: every occurrence of its positive terms."""
    match node:
        case Term():
            for f in fields_of(node):
                tokens = doc.field(f)
                hits.extend((node.text, f, tokens.starts[a], tokens.ends[b - 1]) for a, b in _occurrences(node, tokens))
        case Near():
            for f in fields_of(node):
                tokens = doc.field(f)
                for window in _windows(node, tokens, False):
                    for op, (a, b) in zip(node.operands, window, strict=True):
                        hits.append((op.text, f, tokens.starts[a], tokens.ends[b - 1]))
        case And():
            for c in node.children:
                _collect(c, doc, hits)
        case Or():
            for c in node.children:
                if _holds(c, doc):
                    _collect(c, doc, hits)


def as_match(hits: list[tuple[str, str, int, int]]) -> Match:
    """The Match of (term text, field, start, end) hits: spans merged and sorted, terms in order."""
    spans: list[list] = []
    for f, a, b in sorted({(f, a, b) for _, f, a, b in hits}, key=lambda h: (FIELDS.index(h[0]), h[1], h[2])):
        if spans and spans[-1][0] == f and a <= spans[-1][2]:
            spans[-1][2] = max(spans[-1][2], b)
        else:
            spans.append([f, a, b])
    terms = tuple(dict.fromkeys(t for t, *_ in hits))
    return Match(tuple((f, a, b) for f, a, b in spans), terms)
