"""The full-text prefilter of a search: which stored articles may match, best or newest first.

    clause = AllOf((Token("shahed"), AnyOf((Token("russia"), Token("moscow", "title"), Token("drone", prefix=True)))))
    ids = ArticleSearch(session).candidates(clause, order="relevance", limit=200, offset=0)

A clause is a boolean of index tokens (whole, or prefixes) that every article the query can match satisfies; the caller
(crawler.app.search) builds it from a parsed query and confirms each candidate with the matcher. The
index (migration 0008) is an FTS5 table on SQLite and a GIN tsvector index on PostgreSQL. `None` as a
clause means "no prefilter": every article, newest first. Never commits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import product
from typing import Any, Literal

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from storage.types import UTCDateTime

Field = Literal["title", "text"] | None
Order = Literal["relevance", "newest"]
SEARCH_TABLES = frozenset({"articles_fts", *(f"articles_fts_{part}" for part in ("data", "idx", "docsize", "config"))})
SEARCH_INDEXES = frozenset({"ix_articles_search"})
SEARCH_COLUMNS = frozenset({"search_vector"})
_MAX_VARIANTS = 8
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")


@dataclass(frozen=True, slots=True)
class Token:
    """A token of the index equal to `text` (folded: lower case, no accents), or with `prefix` starting
    with it, in `field` or in either."""

    text: str
    field: Field = None
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Clause, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Clause, ...]


Clause = Token | AllOf | AnyOf


def is_search_object(name: str | None, type_: str) -> bool:
    """The index's own tables, column and index, which no model declares (for Alembic's model comparison)."""
    return (
        (type_ == "table" and name in SEARCH_TABLES)
        or (type_ == "index" and name in SEARCH_INDEXES)
        or (type_ == "column" and name in SEARCH_COLUMNS)
    )


# Folded letter -> the letters FTS5 keeps apart that the matcher folds to it: the Russian, Ukrainian
# and Belarusian ones (й stays й in both), Arabic alef forms, Arabic yeh and kaf (Persian ی, ک).
# Rarer Cyrillic letters with marks (Macedonian ѓ, Chuvash ӗ…) are left out: README, Search.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "е": ("е", "ё"),
    "і": ("і", "ї"),
    "у": ("у", "ў"),
    "ا": ("ا", "آ", "أ", "إ"),
    "ی": ("ی", "ي", "ى", "ئ"),
    "ک": ("ک", "ك"),
    "و": ("و", "ؤ"),
    "ە": ("ە", "ۀ"),
}


def _fts_spellings(token: Token) -> tuple[list[str], bool]:
    """The index tokens that fold to `token`, and whether they are prefixes: each spelling of its
    ambiguous letters, at most eight; past that a prefix that stops before the next ambiguous letter
    (a shorter prefix finds more). Arabic script keeps only its first letter, as a prefix: FTS5
    leaves vowel marks in, after any letter."""
    text, prefix = token.text, token.prefix
    if _ARABIC_SCRIPT.search(text):
        text, prefix = text[:1], True
    choices: list[tuple[str, ...]] = []
    combos = 1
    for index, char in enumerate(text):
        options = _SPELLINGS.get(char, (char,))
        if combos * len(options) > _MAX_VARIANTS:
            text, prefix = text[:index], True
            break
        combos *= len(options)
        choices.append(options)
    return (["".join(combo) for combo in product(*choices)] if choices else []), prefix


def _fts(clause: Clause) -> str:
    if isinstance(clause, Token):
        column = f"{clause.field} : " if clause.field else ""
        spellings, prefix = _fts_spellings(clause)
        spelt = [f'{column}"{spelling}"{"*" if prefix else ""}' for spelling in spellings]
        return spelt[0] if len(spelt) == 1 else "(" + " OR ".join(spelt) + ")"
    joiner = " AND " if isinstance(clause, AllOf) else " OR "
    return "(" + joiner.join(_fts(part) for part in clause.parts) + ")"


def _tsquery(clause: Clause) -> str:
    if isinstance(clause, Token):
        weight = {"title": "A", "text": "B", None: ""}[clause.field]
        marks = ("*" if clause.prefix else "") + weight
        return "'" + clause.text.replace("'", "''") + "'" + (":" + marks if marks else "")
    joiner = " & " if isinstance(clause, AllOf) else " | "
    return "(" + joiner.join(_tsquery(part) for part in clause.parts) + ")"


def match_expression(clause: Clause, dialect: str) -> str:
    """The clause as FTS5 MATCH text (sqlite) or tsquery text (postgresql)."""
    return _fts(clause) if dialect == "sqlite" else _tsquery(clause)


class ArticleSearch:
    def __init__(self, session: Session) -> None:
        self.session = session

    def candidates(
        self,
        clause: Clause | None,
        *,
        order: Order = "relevance",
        since: datetime | None = None,
        sources: Sequence[str] = (),
        languages: Sequence[str] = (),
        limit: int = 200,
        offset: int = 0,
    ) -> list[int]:
        """Ids of the articles that satisfy `clause` and the filters (first seen since `since`, of these
        sources, in these languages), best first (relevance: bm25 / ts_rank, the title weighing more)
        or newest first (by publication date, else first seen); `limit` of them after `offset`."""
        dialect = self.session.get_bind().dialect.name
        where, params = self._filters(since, sources, languages)
        newest = "coalesce(a.published_at, a.first_seen) DESC, a.id DESC"
        if clause is None:
            sql = f"SELECT a.id FROM articles a JOIN sources s ON s.id = a.source_id WHERE 1=1{where} ORDER BY {newest}"
        elif dialect == "sqlite":
            rank = "bm25(articles_fts, 3.0, 1.0), a.id DESC" if order == "relevance" else newest
            sql = (
                "SELECT a.id FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
                f"JOIN sources s ON s.id = a.source_id WHERE articles_fts MATCH :match{where} ORDER BY {rank}"
            )
        else:
            vector = "a.search_vector"
            rank = f"ts_rank({vector}, CAST(:match AS tsquery)) DESC, a.id DESC" if order == "relevance" else newest
            sql = (
                "SELECT a.id FROM articles a JOIN sources s ON s.id = a.source_id "
                f"WHERE {vector} @@ CAST(:match AS tsquery){where} ORDER BY {rank}"
            )
        if clause is not None:
            params["match"] = match_expression(clause, dialect)
            if dialect == "postgresql":
                # The planner overestimates how many rows a long tsquery keeps and scans the whole table
                # (500 ms at 100k) where the GIN index takes a few ms; for this transaction only.
                self.session.execute(text("SET LOCAL enable_seqscan = off"))
        statement = text(sql + " LIMIT :limit OFFSET :offset")
        for name in ("sources", "languages"):
            if name in params:
                statement = statement.bindparams(bindparam(name, expanding=True))
        if since is not None:
            statement = statement.bindparams(bindparam("since", type_=UTCDateTime()))
        return list(self.session.scalars(statement, {**params, "limit": limit, "offset": offset}))

    @staticmethod
    def _filters(
        since: datetime | None, sources: Sequence[str], languages: Sequence[str]
    ) -> tuple[str, dict[str, Any]]:
        where, params = "", {}
        if since is not None:
            where += " AND a.first_seen >= :since"
            params["since"] = since
        if sources:
            where += " AND s.name IN :sources"
            params["sources"] = list(sources)
        if languages:
            where += " AND a.language IN :languages"
            params["languages"] = list(languages)
        return where, params
