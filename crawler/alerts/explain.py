"""Why a rule matched a document or did not: its query as a tree, each node matched or not, each
term with what carried it.

    explanation = explain(query, Document(title, text, language, source), aliases, rule=rule)
    explanation.alert        # what the crawl would decide: the query matched and the rule's filters pass
    explanation.tree         # NodeExplanation: kind, matched, reason, children; a term's hits
    explanation.as_dict()    # the `--json` shape (README, "watch explain")

Nothing here decides a match on its own. The document goes through a one-rule RuleMatcher: the
verdict is `RuleMatcher.matching`'s, and each node's truth, each term's positions and each NEAR's
windows are the matcher's own (`plan_holds`, `Found.positions`, `plan_windows` over the keys its
automaton found). What is added is description: for each place a term was found, the surface text,
the variant of the term that occurs there, the alias group and member that variant comes from, and
what the analysis did to get there (stems, folded digits and letters), read off the same tokens and
stems the matcher compared.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

from crawler.alerts.aliases import AliasTable, member_seq
from crawler.alerts.analysis import FieldTokens, Seq, fold, match_forms
from crawler.alerts.highlight import Highlighted, excerpt
from crawler.alerts.matcher import Fields, Found, Plan, RuleMatcher, plan_holds, plan_occurrences, plan_windows
from crawler.alerts.matching import applies
from crawler.alerts.nodes import And, FieldName, Near, Node, Not, Or, Term, fields_of
from crawler.alerts.query import Document, Query, sweep
from crawler.alerts.rules import WatchRule

NodeKind = Literal["and", "or", "not", "near", "term"]
MAX_HITS = 20  # places kept per term (hits_total counts them all)
MAX_WINDOWS = 5  # NEAR windows kept per field
SNIPPET_WIDTH = 100
_ZWNJ = "\u200c"
_ANY_DISTANCE = 1 << 30  # a sweep this wide visits the same windows and reports them all


@dataclass(frozen=True, slots=True)
class Carrier:
    """One variant of a term found at a place: its tokens, and the alias member it comes from
    (None: the term as written in the query, or one of its word's own forms)."""

    variant: Seq
    group: str | None = None  # the alias group of the member (its first name)
    member: str | None = None  # the member as written in the alias table or the watch file
    family: str | None = None  # the family the query named, when the member's group is one of its groups

    @property
    def form(self) -> str:
        return " ".join(self.variant.tokens) + ("*" if self.variant.prefix else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "variant": self.form,
            "stemmed": self.variant.stemmed,
            "prefix": self.variant.prefix,
            "group": self.group,
            "member": self.member,
            "family": self.family,
        }


@dataclass(frozen=True, slots=True)
class Hit:
    """One place a term was found: [start, end) characters of the field, tokens [first, last)."""

    field: FieldName
    start: int
    end: int
    first: int
    last: int
    surface: str  # the document's own text there
    tokens: tuple[str, ...]  # its folded tokens
    stems: tuple[str, ...]  # and their stems
    carriers: tuple[Carrier, ...]
    analysis: tuple[str, ...]  # what the analysis did to make the surface equal the variant
    snippet: Highlighted

    def as_dict(self) -> dict[str, Any]:
        shown = self.snippet
        return {
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "tokens_at": [self.first, self.last],
            "surface": self.surface,
            "tokens": list(self.tokens),
            "stems": list(self.stems),
            "carried_by": [c.as_dict() for c in self.carriers],
            "analysis": list(self.analysis),
            "snippet": shown.text,
            "snippet_span": list(shown.spans[0]) if shown.spans else None,
        }


@dataclass(frozen=True, slots=True)
class NodeExplanation:
    kind: NodeKind
    query: str  # the node written as a query
    matched: bool
    reason: str
    field: FieldName | None = None
    children: tuple[NodeExplanation, ...] = ()  # AND/OR children, NOT's child, NEAR's operands
    hits: tuple[Hit, ...] = ()  # a term: where it was found (at most MAX_HITS); NEAR: its windows' places
    # (of at most MAX_WINDOWS per field), or when it failed by distance, the places of its closest window
    hits_total: int = 0
    distance: int | None = None  # NEAR
    closest: tuple[FieldName, int] | None = None  # NEAR: the fewest words between its operands, and where

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "query": self.query,
            "field": self.field,
            "matched": self.matched,
            "reason": self.reason,
        }
        if self.kind == "term":
            out["hits"] = [h.as_dict() for h in self.hits]
            out["hits_total"] = self.hits_total
        else:
            out["children"] = [c.as_dict() for c in self.children]
        if self.kind == "near":
            out["distance"] = self.distance
            out["closest"] = None if self.closest is None else {"field": self.closest[0], "gap": self.closest[1]}
            out["hits"] = [h.as_dict() for h in self.hits]
        return out


@dataclass(frozen=True, slots=True)
class Filter:
    """One of the rule's conditions besides its query: only these sources, only these languages."""

    name: Literal["sources", "languages"]
    allowed: tuple[str, ...]  # () = any
    value: str | None  # the document's
    passed: bool

    def as_dict(self) -> dict[str, Any]:
        return {"filter": self.name, "allowed": list(self.allowed), "value": self.value, "passed": self.passed}


@dataclass(frozen=True, slots=True)
class Explanation:
    query: str
    tree: NodeExplanation
    matched: bool  # the matcher's verdict on the query
    filters: tuple[Filter, ...] = ()
    rule: str | None = None
    applies: bool = True  # the rule's filters pass (matching.applies)
    article: dict[str, Any] | None = field(default=None)  # id, source, url, title, language

    @property
    def alert(self) -> bool:
        """What the crawl decides: the rule matched and applies to the document."""
        return self.matched and self.applies

    @property
    def reason(self) -> str:
        if self.tree.matched != self.matched:  # cannot happen unless the matcher disagrees with itself
            return f"inconsistent: the matcher says {'' if self.matched else 'no '}match, its clauses say otherwise"
        failed = [f for f in self.filters if not f.passed]
        if not self.matched:
            return f"the query did not match: {self.tree.reason}"
        if failed:
            return "; ".join(
                f"{f.name[:-1]} {f.value or 'unknown'} is not among the rule's {f.name} ({', '.join(f.allowed)})"
                for f in failed
            )
        return "the query matched" + (" and the rule's filters pass" if self.filters else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "query": self.query,
            "article": self.article,
            "matched": self.matched,
            "filters": [f.as_dict() for f in self.filters],
            "alert": self.alert,
            "reason": self.reason,
            "tree": self.tree.as_dict(),
        }


def explain(
    query: Query,
    doc: Document,
    aliases: AliasTable,
    *,
    rule: WatchRule | None = None,
    article: dict[str, Any] | None = None,
) -> Explanation:
    """Explain `query` (parsed with `aliases`) on `doc`; with `rule`, its source and language filters too."""
    matcher = RuleMatcher([(rule.name if rule else "query", query)])
    fields = matcher.found(doc)
    matched = bool(matcher.matching_found(fields))  # the verdict of `matching`, on the fields analysed once
    values = {"title": doc.title, "text": doc.text}
    tree = _Explainer(fields, values, aliases).node(query.root, matcher.plan(0))
    filters: tuple[Filter, ...] = ()
    passes = True
    if rule is not None:
        source, language = doc.source or "", doc.language
        filters = (
            Filter("sources", rule.sources, doc.source, applies(replace(rule, languages=()), source, language)),
            Filter("languages", rule.languages, language, applies(replace(rule, sources=()), source, language)),
        )
        passes = applies(rule, source, language)
    return Explanation(query.text, tree, matched, filters, rule.name if rule else None, passes, article)


def query_text(node: Node, inner: bool = False) -> str:
    """`node` written back as a query (each term as the user wrote it)."""
    match node:
        case Term():
            return f"{node.field}:{node.text}" if node.field else node.text
        case Near():
            body = f" NEAR/{node.distance} ".join(op.text for op in node.operands)
            return f"{node.field}:({body})" if node.field else body
        case And() | Or():
            body = (" AND " if isinstance(node, And) else " OR ").join(query_text(c, True) for c in node.children)
            return f"({body})" if inner else body
        case Not():
            return "NOT " + query_text(node.child, True)
    raise TypeError(node)


def _fields_phrase(names: Iterable[str]) -> str:
    names = tuple(names)
    return "the title or the text" if len(names) == 2 else f"the {names[0]}"


@lru_cache(maxsize=8)
def _origins(aliases: AliasTable) -> dict[Seq, tuple[tuple[int, str, bool], ...]]:
    """Every form of every alias member: (group, member as written, whether it is the member as written)."""
    index: dict[Seq, list[tuple[int, str, bool]]] = {}
    for k, members in enumerate(aliases.groups):
        for member in members:
            forms = match_forms(member_seq(member))
            for i, form in enumerate(forms):
                index.setdefault(form, []).append((k, member, i == 0))
    return {form: tuple(entries) for form, entries in index.items()}


class _Explainer:
    def __init__(self, fields: Fields, values: dict[str, str], aliases: AliasTable) -> None:
        self.fields, self.values, self.aliases = fields, values, aliases
        self.origins = _origins(aliases)

    def node(self, node: Node, plan: Plan) -> NodeExplanation:
        match node:
            case Term():
                return self.term(node, plan, fields_of(node))
            case Near():
                return self.near(node, plan)
            case And() | Or():
                children = tuple(self.node(c, p) for c, p in zip(node.children, plan[1], strict=True))
                return self.boolean(node, plan, children)
            case Not():
                child = self.node(node.child, plan[1])
                matched = plan_holds(plan, self.fields)
                if matched:
                    reason = f"nothing excludes: {child.query} does not hold ({child.reason})"
                else:
                    reason = f"excluded because {child.query} holds: {_first_place(child)}"
                return NodeExplanation("not", query_text(node), matched, reason, children=(child,))
        raise TypeError(node)

    def boolean(self, node: And | Or, plan: Plan, children: tuple[NodeExplanation, ...]) -> NodeExplanation:
        matched = plan_holds(plan, self.fields)
        held = [c for c in children if c.matched]
        failed = [c.query for c in children if not c.matched]
        if isinstance(node, And):
            kind: NodeKind = "and"
            reason = f"all {len(children)} hold" if matched else f"{len(failed)} of {len(children)} do not hold: "
            reason += "" if matched else ", ".join(failed)
        else:
            kind = "or"
            reason = f"{len(held)} of {len(children)} hold" if matched else f"none of {len(children)} holds"
        return NodeExplanation(kind, query_text(node), matched, reason, children=children)

    def term(self, term: Term, plan: Plan, names: tuple[FieldName, ...]) -> NodeExplanation:
        """A term, looked for in `names` (its own field, or its NEAR's)."""
        hits: list[Hit] = []
        total = 0
        for name in names:
            places = self.places(term, plan, self.fields[name])
            total += len(places)
            hits.extend(self.hit(name, a, b, carriers, term) for (a, b), carriers in places[: MAX_HITS - len(hits)])
        matched = total > 0 if names != fields_of(term) else plan_holds(plan, self.fields)
        if matched:
            forms = sorted({h.surface for h in hits})
            shown = ", ".join(f'"{s}"' for s in forms[:5]) + (", …" if len(forms) > 5 else "")
            reason = f"found {total} time{'s' if total != 1 else ''}: {shown}"
        else:
            reason = f"not found in {_fields_phrase(names)}"
            if len(term.variants) > 1:
                reason += f" (looked for {len(term.variants)} forms and aliases)"
        return NodeExplanation("term", query_text(term), matched, reason, term.field, hits=tuple(hits),
                               hits_total=total)

    def places(self, term: Term, plan: Plan, found: Found) -> list[tuple[tuple[int, int], list[Carrier]]]:
        """Token ranges where the matcher found one of the term's keys, each with the variants found there."""
        variant_of = {v.key(): v for v in term.variants}
        at: dict[tuple[int, int], list[Carrier]] = {}
        for key, length in plan[3]:
            if key in found.starts:
                carrier = self.carrier(variant_of[key], term)
                for p in found.positions(key):
                    at.setdefault((p, p + length), []).append(carrier)
        return sorted(at.items())

    def carrier(self, variant: Seq, term: Term) -> Carrier:
        own_group = self.group_of(term.variants[0])
        entries = self.origins.get(variant, ())
        if own_group is None or not entries:
            return Carrier(variant)
        k, member, _ = next((e for e in entries if e[0] == own_group), entries[0])
        groups = self.aliases.groups
        family = groups[own_group][0] if k != own_group else None
        return Carrier(variant, groups[k][0], member, family)

    def group_of(self, own: Seq) -> int | None:
        """The group a term's own form belongs to: a member as written wins, as in AliasTable."""
        entries = self.origins.get(own, ())
        written = [k for k, _, as_written in entries if as_written]
        return written[-1] if written else (entries[0][0] if entries else None)

    def hit(self, name: FieldName, a: int, b: int, carriers: list[Carrier], term: Term) -> Hit:
        tokens = self.fields[name].tokens
        value = self.values[name]
        start, end = tokens.starts[a], tokens.ends[b - 1]
        return Hit(
            name, start, end, a, b, value[start:end], tuple(tokens.words[a:b]), tuple(tokens.stems[a:b]),
            tuple(carriers), _analysis(value, tokens, a, b, carriers),
            excerpt(value, [(start, end)], SNIPPET_WIDTH),
        )

    def near(self, near: Near, plan: Plan) -> NodeExplanation:
        names = fields_of(near)
        operands = tuple(self.term(op, p, names) for op, p in zip(near.operands, plan[1], strict=True))
        matched = plan_holds(plan, self.fields)
        shown: list[tuple[FieldName, tuple[tuple[int, int], ...]]] = []  # windows that matched, or the closest
        closest: tuple[FieldName, int] | None = None
        nearest: tuple[FieldName, tuple[tuple[int, int], ...]] | None = None
        for name in names:
            found = self.fields[name]
            lists = [plan_occurrences(p, found) for p in plan[1]]
            if not all(lists):
                continue
            for window in sweep(lists, _ANY_DISTANCE, False):
                if closest is None or _gap(window) < closest[1]:
                    closest, nearest = (name, _gap(window)), (name, window)
            shown += [(name, window) for window in plan_windows(plan, found, False)[:MAX_WINDOWS]]
        if not matched and nearest is not None:
            shown = [nearest]
        hits: list[Hit] = []
        for name, window in shown:
            found = self.fields[name]
            for op, p, (a, b) in zip(near.operands, plan[1], window, strict=True):
                carriers = [c for (place, cs) in self.places(op, p, found) if place == (a, b) for c in cs]
                hits.append(self.hit(name, a, b, carriers, op))
        if matched:
            assert closest is not None
            reason = f"within {near.distance} words in the {closest[0]}: {closest[1]} between them at the closest"
        elif any(not o.matched for o in operands):
            reason = f"{', '.join(o.query for o in operands if not o.matched)} not found in {_fields_phrase(names)}"
        elif closest is None:
            where = [
                f"{o.query} in the {'/'.join(n for n in names if plan_occurrences(p, self.fields[n]))}"
                for o, p in zip(operands, plan[1], strict=True)
            ]
            reason = f"never in the same field: {', '.join(where)}"
        else:
            reason = (f"too far apart: {closest[1]} words between them at the closest, in the {closest[0]} "
                      f"(NEAR/{near.distance} allows {near.distance})")
        return NodeExplanation("near", query_text(near), matched, reason, near.field, operands, tuple(hits),
                               len(hits), near.distance, closest)


def _gap(window: tuple[tuple[int, int], ...]) -> int:
    """Words between a window's occurrences, as the sweep counts them."""
    return max(b for _, b in window) - min(a for a, _ in window) - sum(b - a for a, b in window)


def _first_place(node: NodeExplanation) -> str:
    """Where a node that holds was found, in a few words: its first hit, or its first child's."""
    for hit in node.hits:
        return f'"{hit.surface}" in the {hit.field} at {hit.start}'
    for child in node.children:
        if child.matched:
            return _first_place(child)
    return node.reason


def _script(word: str) -> str:
    for char in word:
        if char.isalpha():
            return unicodedata.name(char, "").split(" ")[0]
    return ""


def _analysis(value: str, tokens: FieldTokens, a: int, b: int, carriers: list[Carrier]) -> tuple[str, ...]:
    """What turned the text at tokens [a, b) into the variant found: stems, prefixes and folded characters,
    read off the tokens and stems the matcher compared."""
    notes: list[str] = []
    if any(c.variant.stemmed for c in carriers):
        for word, stemmed in zip(tokens.words[a:b], tokens.stems[a:b], strict=True):
            script = _script(word)
            if script == "CYRILLIC":
                notes.append(f'ru stem "{stemmed}"' + (f' of "{word}" (Snowball)' if stemmed != word else ""))
            elif script == "ARABIC":
                how = "suffix after ZWNJ dropped" if _ZWNJ in word else "plural suffix dropped"
                notes.append(f'fa stem "{stemmed}"' + (f' of "{word}" ({how})' if stemmed != word else ""))
    notes.extend(f"prefix {c.form}" for c in carriers if c.variant.prefix)
    folded: dict[str, dict[str, str]] = {}
    for char in value[tokens.starts[a] : tokens.ends[b - 1]]:
        into = fold(char)
        if into == char.casefold() or char.isspace():
            continue
        if not into:
            kind = "joiners removed"
        elif unicodedata.decimal(char, None) is not None:
            kind = "digits folded"
        elif unicodedata.normalize("NFKD", char) != char and into.isascii():
            kind = "accents removed"
        else:
            kind = "letters folded"
        folded.setdefault(kind, {})[char] = into
    for kind, pairs in folded.items():
        shown = ", ".join(f"{c} → {f}" if f else f"U+{ord(c):04X}" for c, f in pairs.items())
        notes.append(f"{kind}: {shown}")
    if len(set(notes)) != len(notes):
        notes = list(dict.fromkeys(notes))
    return tuple(notes)
