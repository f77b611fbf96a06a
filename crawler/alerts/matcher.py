"""Match one document against many rules at once.

Every positive term of every rule, with its alias variants and wildcard stems, goes into one
Aho–Corasick automaton over the document's token stream (" su 35 iran drones "). One pass over a
document's title and text finds every term that occurs. Then only these rules are evaluated:

- rules whose anchor terms occur (a term the rule cannot match without), and whose boolean shape
  holds over the terms found (exactly so for rules without NEAR or "…"~n, whose distances are
  checked by the evaluation);
- rules that can match with no term present at all (`-foo`, `NOT a OR b`), which are always
  evaluated.

Evaluation is the same `Query.match_analyzed` that a single query uses. So the result is exactly
the one-by-one result, and the cost per document follows the rules that are relevant to it, not
all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import ahocorasick

from crawler.alerts.analysis import Analyzed, FieldTokens
from crawler.alerts.nodes import And, Near, Node, Not, Or, Term
from crawler.alerts.query import Document, Match, Query


def _keys(term: Term) -> frozenset[str]:
    return frozenset(v.key() for v in term.variants)


def _anchors(node: Node) -> frozenset[str] | None:
    """Keys of which at least one must occur for `node` to hold; None when none need to."""
    match node:
        case Term():
            return _keys(node)
        case Near():
            return _narrowest([_keys(op) for op in node.operands])
        case And():
            return _narrowest([a for a in map(_anchors, node.children) if a is not None])
        case Or():
            parts = [_anchors(c) for c in node.children]
            return None if any(p is None for p in parts) else frozenset().union(*parts)
    return None  # Not


def _narrowest(options: list[frozenset[str]]) -> frozenset[str] | None:
    """The option with the fewest and longest keys: the likeliest to be rare."""
    if not options:
        return None
    return min(options, key=lambda keys: sum(1 / len(k) for k in keys))


Check = Callable[[set[str], set[str]], bool]


def _decide(node: Node) -> tuple[Check, bool]:
    """A test of whether `node` can hold given the keys found in the title and in the text, and
    whether that test is exact. It is exact for terms and for AND/OR/NOT over them (term keys are
    found exactly), and an upper bound where a NEAR is involved (its distance is not checked)."""
    match node:
        case Term() | Near():
            needed = [_keys(op) for op in (node.operands if isinstance(node, Near) else (node,))]
            in_title, in_text = node.field in (None, "title"), node.field in (None, "text")

            def present(title: set[str], text: set[str]) -> bool:
                return (in_title and not any(title.isdisjoint(k) for k in needed)) or (
                    in_text and not any(text.isdisjoint(k) for k in needed)
                )

            return present, isinstance(node, Term)
        case And() | Or():
            parts = [_decide(c) for c in node.children]
            checks = [check for check, _ in parts]
            exact = all(e for _, e in parts)
            if isinstance(node, And):
                return (lambda title, text: all(c(title, text) for c in checks)), exact
            return (lambda title, text: any(c(title, text) for c in checks)), exact
        case Not():
            check, exact = _decide(node.child)
            if exact:
                return (lambda title, text: not check(title, text)), True
    return (lambda title, text: True), False


class RuleMatcher:
    def __init__(self, rules: Iterable[tuple[str, Query]]) -> None:
        self._rules: list[tuple[str, Query]] = list(rules)
        self._checks: list[Check] = [_decide(query.root)[0] for _, query in self._rules]
        self._always: list[int] = []
        self._by_key: dict[str, list[int]] = {}
        for index, (_, query) in enumerate(self._rules):
            anchors = _anchors(query.root)
            if anchors is None:
                self._always.append(index)
            else:
                for key in anchors:
                    self._by_key.setdefault(key, []).append(index)
        self._automaton = ahocorasick.Automaton()
        for key in _all_keys(query.root for _, query in self._rules):
            self._automaton.add_word(key, key)
        if len(self._automaton):
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._rules)

    def _found(self, tokens: FieldTokens) -> set[str]:
        """Keys found in the field: its words, and its stems where it has Russian or Persian words."""
        if not len(self._automaton):
            return set()
        return {key for _, key in self._automaton.iter(tokens.stream() + tokens.stem_stream())}

    def matching(self, doc: Document) -> list[tuple[str, Match]]:
        """(rule name, match) for every rule that matches `doc`, in the order the rules were given."""
        analyzed = Analyzed(doc.title, doc.text)
        title, text = self._found(analyzed.title), self._found(analyzed.text)
        candidates = set(self._always)
        for key in title | text:
            candidates.update(self._by_key.get(key, ()))
        results = []
        for index in sorted(candidates):
            name, query = self._rules[index]
            if not self._checks[index](title, text):
                continue
            match = query.match_analyzed(analyzed)
            if match is not None:
                results.append((name, match))
        return results


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
