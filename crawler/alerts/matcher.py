"""Match one document against many rules at once.

Every term of every rule, with its alias variants (Russian and Persian ones as stems) and wildcard
prefixes, goes into one Aho–Corasick automaton as a key. One pass over each field's token stream
(" su 35 iran drones ") followed by its stem stream (" \x01су \x0135 ", only when the field has
Russian or Persian words) finds every key that occurs, and where. Then only these rules are evaluated:

- rules each of whose required clauses has a key found (a term the rule cannot match without, one
  of an OR's terms…), counted per rule as the found keys' postings come in;
- rules that can match with no term present at all (`-foo`, `NOT a OR b`), which are always
  evaluated.

Evaluation works on the keys found: a term holds where one of its keys was found, so the boolean
shape costs set look-ups; token positions are worked out only for NEAR and "…"~n operands and for
the spans of a rule that matched. It follows `Query.match_analyzed` exactly (the same windows, the
same spans and terms; tests/test_alerts_matcher.py checks them equal), and the cost per document
follows the rules that are relevant to it, not all of them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import accumulate

import ahocorasick

from crawler.alerts.analysis import Analyzed, FieldTokens
from crawler.alerts.nodes import And, Near, Node, Not, Or, Term, fields_of
from crawler.alerts.query import Document, Match, Query, as_match, sweep


def _keys(term: Term) -> frozenset[str]:
    return frozenset(v.key() for v in term.variants)


def _clauses(node: Node) -> list[frozenset[str]]:
    """Key sets of which each must have a key found (in the title or the text) for `node` to hold:
    a rule is evaluated only when all of them do. Empty when `node` can hold with no key found."""
    match node:
        case Term():
            return [_keys(node)]
        case Near():
            return [_keys(op) for op in node.operands]
        case And():
            return [clause for c in node.children for clause in _clauses(c)]
        case Or():
            parts = [_clauses(c) for c in node.children]
            if not all(parts):
                return []
            return [frozenset().union(*(min(p, key=len) for p in parts))]
    return []  # Not


class _Found:
    """One field's keys found by the automaton, with where each starts in the field's streams; token
    positions are worked out only for the keys a matching rule asks about."""

    __slots__ = ("tokens", "starts", "keys", "_words", "_stems")

    def __init__(self, tokens: FieldTokens, automaton: ahocorasick.Automaton) -> None:
        self.tokens = tokens
        starts: dict[str, list[int]] = {}
        if len(automaton):
            for end, key in automaton.iter(tokens.stream() + tokens.stem_stream()):
                hit = starts.get(key)
                if hit is None:
                    starts[key] = [end - len(key) + 1]
                else:
                    hit.append(end - len(key) + 1)
        self.starts = starts
        self.keys = set(starts)
        self._words: list[int] | None = None
        self._stems: list[int] | None = None

    def positions(self, key: str) -> list[int]:
        """Token positions where `key` starts (the key must have been found)."""
        if key[1] == "\x01":  # a stemmed key: in the stem stream, after the word stream
            if self._stems is None:
                base = sum(map(len, self.tokens.words)) + len(self.tokens.words) + 1
                lengths = accumulate(map(len, self.tokens.stems), initial=0)
                self._stems = [base + p + 2 * i for i, p in enumerate(lengths)]
            offsets = self._stems
        else:
            if self._words is None:
                self._words = [p + i for i, p in enumerate(accumulate(map(len, self.tokens.words), initial=0))]
            offsets = self._words
        return [bisect_left(offsets, c) for c in self.starts[key]]


# A rule compiled for the matcher: the same tree as the query's, each term with its keys.
# ("T", text, fields, keys, keyset, several) | ("N", operands, distance, fields) | ("A"|"O", children)
# | ("-", child); keys: (key, tokens) pairs, one per distinct variant.
_Plan = tuple


def _plan(node: Node) -> _Plan:
    match node:
        case Term():
            keys = tuple(dict.fromkeys((v.key(), len(v.tokens)) for v in node.variants))
            return ("T", node.text, fields_of(node), keys, frozenset(k for k, _ in keys), len(node.variants) > 1)
        case Near():
            return ("N", tuple(_plan(op) for op in node.operands), node.distance, fields_of(node))
        case And():
            return ("A", tuple(_plan(c) for c in node.children))
        case Or():
            return ("O", tuple(_plan(c) for c in node.children))
        case Not():
            return ("-", _plan(node.child))
    raise TypeError(node)


def _occurrences(term: _Plan, found: _Found) -> list[tuple[int, int]]:
    starts = found.starts
    out = [(p, p + n) for key, n in term[3] if key in starts for p in found.positions(key)]
    if term[5]:
        out.sort()
    return out


def _near(plan: _Plan, found: _Found, first_only: bool) -> list:
    keys = found.keys
    if any(op[4].isdisjoint(keys) for op in plan[1]):
        return []
    return sweep([_occurrences(op, found) for op in plan[1]], plan[2], first_only)


Fields = dict[str, _Found]
Holds = Callable[[Fields], bool]


def _holder(plan: _Plan) -> Holds:
    """`plan`'s truth on the keys found, compiled to closures (the same logic as query._holds)."""
    kind = plan[0]
    if kind == "T":
        keyset, fields = plan[4], plan[2]
        if len(fields) == 2:
            return lambda f: not (keyset.isdisjoint(f["title"].keys) and keyset.isdisjoint(f["text"].keys))
        only = fields[0]
        return lambda f: not keyset.isdisjoint(f[only].keys)
    if kind in "AO":
        parts = [_holder(c) for c in plan[1]]
        if len(parts) == 2:
            a, b = parts
            return (lambda f: a(f) and b(f)) if kind == "A" else (lambda f: a(f) or b(f))
        if kind == "A":
            return lambda f: all(p(f) for p in parts)
        return lambda f: any(p(f) for p in parts)
    if kind == "-":
        inner = _holder(plan[1])
        return lambda f: not inner(f)
    fields = plan[3]
    return lambda f: any(_near(plan, f[name], True) for name in fields)


def _holds(plan: _Plan, fields: Fields) -> bool:
    kind = plan[0]
    if kind == "T":
        keyset = plan[4]
        return any(not keyset.isdisjoint(fields[f].keys) for f in plan[2])
    if kind == "A":
        return all(_holds(c, fields) for c in plan[1])
    if kind == "O":
        return any(_holds(c, fields) for c in plan[1])
    if kind == "-":
        return not _holds(plan[1], fields)
    return any(_near(plan, fields[f], True) for f in plan[3])


def _collect(plan: _Plan, fields: dict[str, _Found], hits: list[tuple[str, str, int, int]]) -> None:
    """As query._collect: every occurrence of the positive terms that made a true `plan` true."""
    kind = plan[0]
    if kind == "T":
        for f in plan[2]:
            found = fields[f]
            starts, ends = found.tokens.starts, found.tokens.ends
            hits.extend((plan[1], f, starts[a], ends[b - 1]) for a, b in _occurrences(plan, found))
    elif kind == "N":
        for f in plan[3]:
            found = fields[f]
            starts, ends = found.tokens.starts, found.tokens.ends
            for window in _near(plan, found, False):
                for op, (a, b) in zip(plan[1], window, strict=True):
                    hits.append((op[1], f, starts[a], ends[b - 1]))
    elif kind == "A":
        for c in plan[1]:
            _collect(c, fields, hits)
    elif kind == "O":
        for c in plan[1]:
            if _holds(c, fields):
                _collect(c, fields, hits)


class RuleMatcher:
    def __init__(self, rules: Iterable[tuple[str, Query]]) -> None:
        self._rules: list[tuple[str, Query]] = list(rules)
        self._plans: list[_Plan] = [_plan(query.root) for _, query in self._rules]
        self._holders: list[Holds] = [_holder(plan) for plan in self._plans]
        self._always: list[int] = []
        self._needed: list[int] = []  # per rule: how many clauses must have a key found
        self._rule_of: list[int] = []  # per clause: its rule
        self._by_key: dict[str, list[int]] = {}  # key -> the clauses it satisfies
        for index, (_, query) in enumerate(self._rules):
            clauses = _clauses(query.root)
            self._needed.append(len(clauses))
            if not clauses:
                self._always.append(index)
            for keys in clauses:
                for key in keys:
                    self._by_key.setdefault(key, []).append(len(self._rule_of))
                self._rule_of.append(index)
        self._automaton = ahocorasick.Automaton()
        for key in _all_keys(query.root for _, query in self._rules):
            self._automaton.add_word(key, key)
        if len(self._automaton):
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._rules)

    def found(self, doc: Document) -> Fields:
        """`doc` analysed, with the keys the automaton finds in its title and text: what `matching`
        evaluates the rules on (crawler.alerts.explain reads it too)."""
        analyzed = Analyzed(doc.title, doc.text)
        return {"title": _Found(analyzed.title, self._automaton), "text": _Found(analyzed.text, self._automaton)}

    def plan(self, index: int) -> Plan:
        """Rule `index` as the matcher evaluates it: its query's tree, each term with its keys."""
        return self._plans[index]

    def matching(self, doc: Document) -> list[tuple[str, Match]]:
        """(rule name, match) for every rule that matches `doc`, in the order the rules were given."""
        return self.matching_found(self.found(doc))

    def matching_found(self, fields: Fields) -> list[tuple[str, Match]]:
        """`matching` on a document `found` has already analysed."""
        satisfied: set[int] = set()
        by_key = self._by_key
        for found in fields.values():
            for key in found.starts:
                clauses = by_key.get(key)
                if clauses is not None:
                    satisfied.update(clauses)
        needed = self._needed
        counts = Counter(map(self._rule_of.__getitem__, satisfied))
        candidates = [index for index, n in counts.items() if n == needed[index]]
        results = []
        for index in sorted(candidates + self._always):
            match = self._evaluate(index, fields)
            if match is not None:
                results.append((self._rules[index][0], match))
        return results

    def _evaluate(self, index: int, fields: dict[str, _Found]) -> Match | None:
        """Rule `index` on the found keys; its spans are built only when it holds, and read."""
        if not self._holders[index](fields):
            return None
        plan = self._plans[index]

        def build() -> Match:
            hits: list[tuple[str, str, int, int]] = []
            _collect(plan, fields, hits)
            return as_match(hits)

        return Match.deferred(build)


def _all_keys(roots: Iterable[Node]) -> set[str]:
    """Keys of every term, negated ones too, so that a rule's check can see them missing."""
    keys: set[str] = set()

    def walk(node: Node) -> None:
        match node:
            case Term():
                keys.update(_keys(node))
            case Near():
                for op in node.operands:
                    keys.update(_keys(op))
            case And() | Or():
                for c in node.children:
                    walk(c)
            case Not():
                walk(node.child)

    for root in roots:
        walk(root)
    return keys


# The matcher's own evaluation, one node of a rule at a time, for crawler.alerts.explain: an explanation
# reads the same keys and positions and the same windows as `matching`, so it cannot disagree with it.
Plan = _Plan
Found = _Found
plan_holds = _holds
plan_occurrences = _occurrences
plan_windows = _near
