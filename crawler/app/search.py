"""Search stored articles in the watch-rule query language: the database's full-text index picks the
candidates, our matcher confirms each, so a search finds exactly the articles a rule with the same
query matches (aliases, stems, NEAR, title:/text:).

    result = search(db, 'shahed AND russia', since=parse_since("30d"), limit=20)
    for hit in result.hits:               # best first (order="relevance") or newest first
        hit.title_marked, hit.snippet     # Highlighted: the matched terms marked
    every = search_ids(db, query)          # every matching id, for comparing with a rule

The index can only say which articles may match: `prefilter` turns a parsed query into a clause of
index tokens that every matching article satisfies (NOT, digits and scripts the index folds
differently from the matcher give no condition: the matcher decides those alone).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select

from crawler.alerts.aliases import AliasTable
from crawler.alerts.analysis import Seq
from crawler.alerts.highlight import Highlighted, excerpt, marked
from crawler.alerts.nodes import And, Near, Node, Not, Or, Term
from crawler.alerts.query import Document, Match, Query, QueryError, parse_query
from crawler.app import Database, engine_scope
from storage.db import session_scope
from storage.models import Article, Source
from storage.search import AllOf, AnyOf, ArticleSearch, Clause, Order, Token

__all__ = ["QueryError", "SearchHit", "SearchResult", "prefilter", "search", "search_ids"]

_BATCH = 200
_INDEXED_SCRIPTS = frozenset(chr(c) for c in [*range(0x430, 0x530), *range(0x620, 0x6D4)])


def _token_clause(token: str, field_name: Literal["title", "text"] | None, prefix: bool) -> Token | None:
    """A matcher token as an index token: ASCII, Cyrillic or Arabic-script letters (storage.search
    spells out what its index folds otherwise: ё/е, ي/ی…); else (digits, other scripts) no condition."""
    if (token.isascii() and token.isalpha()) or all(char in _INDEXED_SCRIPTS for char in token):
        return Token(token, field_name, prefix)
    return None


def implies(a: Clause, b: Clause) -> bool:
    """Every document satisfying `a` satisfies `b`, as far as this structural test can tell (it may
    say no where it is so, never yes where it is not)."""
    if isinstance(a, Token) and isinstance(b, Token):
        if b.field is not None and a.field != b.field:
            return False
        return a.text.startswith(b.text) if b.prefix else (not a.prefix and a.text == b.text)
    if isinstance(b, AllOf) and all(implies(a, part) for part in b.parts):
        return True
    if isinstance(a, AnyOf) and all(implies(part, b) for part in a.parts):
        return True
    if isinstance(a, AllOf) and any(implies(part, b) for part in a.parts):
        return True
    return isinstance(b, AnyOf) and any(implies(a, part) for part in b.parts)


def _both(parts: list[Clause | None], kind: type[AllOf] | type[AnyOf]) -> Clause | None:
    """The parts joined by AND or OR, flattened, with what another part makes redundant left out
    (`shahed OR (shahed AND drone)` is `shahed`; `росс* OR россия*` is `росс*`): the database's
    planner estimates a short query better."""
    if kind is AnyOf and any(part is None for part in parts):
        return None  # one alternative the index cannot see: it may match anything
    flat: list[Clause] = []
    for part in parts:
        if part is None:
            continue
        flat.extend(part.parts if isinstance(part, kind) else (part,))
    kept: list[Clause] = []
    for part in dict.fromkeys(flat):
        if kind is AnyOf:  # an alternative that finds less than the others adds nothing
            if kept and implies(part, AnyOf(tuple(kept))):
                continue
            kept = [other for other in kept if not implies(other, part)]
        else:  # a condition the others already require adds nothing
            if kept and implies(AllOf(tuple(kept)), part):
                continue
            kept = [other for other in kept if not implies(part, other)]
        kept.append(part)
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else kind(tuple(kept))



def _seq(seq: Seq, field_name: Literal["title", "text"] | None) -> Clause | None:
    """Its tokens, all of them (in any order: a superset of the phrase); a stem (Russian, Persian) and
    a trailing wildcard are prefixes of the words they find."""
    last = len(seq.tokens) - 1
    tokens = [
        _token_clause(token, field_name, seq.stemmed or (seq.prefix and index == last))
        for index, token in enumerate(seq.tokens)
    ]
    return _both(tokens, AllOf)


def _term(term: Term, field_name: Literal["title", "text"] | None) -> Clause | None:
    return _both([_seq(variant, field_name) for variant in term.variants], AnyOf)


def prefilter(node: Node) -> Clause | None:
    """A clause every document matching `node` satisfies, or None when the index cannot narrow it."""
    match node:
        case Term():
            return _term(node, node.field)
        case Near():
            return _both([_term(op, node.field or op.field) for op in node.operands], AllOf)
        case And():
            return _both([prefilter(child) for child in node.children], AllOf)
        case Or():
            return _both([prefilter(child) for child in node.children], AnyOf)
        case Not():
            return None
    raise TypeError(node)


@dataclass(frozen=True, slots=True)
class SearchHit:
    article_id: int
    source: str
    url: str
    title: str
    language: str | None
    published: str | None
    first_seen: datetime
    duplicate_of: int | None
    match: Match
    text: str = field(repr=False)

    @property
    def title_marked(self) -> Highlighted:
        return marked(self.title, self.match.field_spans("title"))

    def snippet(self, width: int = 240) -> Highlighted:
        return excerpt(self.text, self.match.field_spans("text"), width=width)

    def as_dict(self) -> dict[str, Any]:
        snippet = self.snippet()
        return {
            "id": self.article_id,
            "source": self.source,
            "url": self.url,
            "title": self.title,
            "language": self.language,
            "published": self.published,
            "first_seen": self.first_seen.isoformat(),
            "duplicate_of": self.duplicate_of,
            "terms": list(self.match.terms),
            "title_spans": [list(span) for span in self.match.field_spans("title")],
            "snippet": snippet.text,
            "snippet_spans": [list(span) for span in snippet.spans],
        }


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    order: Order
    hits: list[SearchHit]
    more: bool  # another page has at least one more hit
    candidates_read: int  # articles the index gave and the matcher checked

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "order": self.order,
            "count": len(self.hits),
            "more": self.more,
            "hits": [hit.as_dict() for hit in self.hits],
        }


def compile_query(query: str, alias_groups: tuple[tuple[str, ...], ...] = ()) -> Query:
    """The query as a rule compiles it (shipped aliases and the watch file's groups). QueryError if bad."""
    return parse_query(query, AliasTable.default().with_groups(alias_groups))


def _confirmed(
    session: Any,
    parsed: Query,
    order: Order,
    since: datetime | None,
    sources: Sequence[str],
    languages: Sequence[str],
    counter: list[int],
    first_batch: int = _BATCH,
) -> Iterator[SearchHit]:
    """Every matching article in the index's order, read in batches (the first of `first_batch`: a
    page of results whose candidates mostly match needs no more)."""
    clause = prefilter(parsed.root)
    finder = ArticleSearch(session)
    offset = 0
    batch = first_batch
    while True:
        ids = finder.candidates(
            clause, order=order, since=since, sources=sources, languages=languages, limit=batch, offset=offset
        )
        if not ids:
            return
        offset += len(ids)
        counter[0] += len(ids)
        rows = session.execute(
            select(
                Article.id,
                Source.name,
                Article.url,
                Article.title,
                Article.text,
                Article.language,
                Article.published,
                Article.first_seen,
                Article.duplicate_of,
            )
            .join(Source)
            .where(Article.id.in_(ids))
        ).all()
        by_id = {row.id: row for row in rows}
        for article_id in ids:
            row = by_id.get(article_id)
            if row is None:
                continue
            title = row.title or ""
            match = parsed.match(Document(title=title, text=row.text, language=row.language, source=row.name))
            if match is not None:
                yield SearchHit(
                    row.id,
                    row.name,
                    row.url,
                    title,
                    row.language,
                    row.published,
                    row.first_seen,
                    row.duplicate_of,
                    match,
                    row.text,
                )
        if len(ids) < batch:
            return
        batch = _BATCH


def search(
    db: Database,
    query: str,
    *,
    since: datetime | None = None,
    sources: Sequence[str] = (),
    languages: Sequence[str] = (),
    order: Order = "relevance",
    limit: int = 20,
    offset: int = 0,
    alias_groups: tuple[tuple[str, ...], ...] = (),
) -> SearchResult:
    """The `limit` best (or newest) matching articles after the first `offset`. QueryError (with its
    column and hint) when the query does not parse. Copies are found too, as a rule finds them."""
    parsed = compile_query(query, alias_groups)
    counter = [0]
    hits: list[SearchHit] = []
    more = False
    with engine_scope(db) as engine, session_scope(engine) as session:
        first = min(_BATCH, offset + limit + 1 + (offset + limit) // 4)
        for index, hit in enumerate(_confirmed(session, parsed, order, since, sources, languages, counter, first)):
            if index < offset:
                continue
            if len(hits) == limit:
                more = True
                break
            hits.append(hit)
    return SearchResult(query, order, hits, more, counter[0])


def search_ids(
    db: Database,
    query: str,
    *,
    since: datetime | None = None,
    sources: Sequence[str] = (),
    languages: Sequence[str] = (),
    alias_groups: tuple[tuple[str, ...], ...] = (),
) -> set[int]:
    """Every matching article's id."""
    parsed = compile_query(query, alias_groups)
    with engine_scope(db) as engine, session_scope(engine) as session:
        return {hit.article_id for hit in _confirmed(session, parsed, "newest", since, sources, languages, [0])}
