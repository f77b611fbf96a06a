"""Triage: what an analyst made of an article, per watch rule or for the article alone.

mark(db, article_id, rule="iran-drones", verdict="relevant")     # also starred=, note=
marks_of(db, [article_id])              # {article_id: [dict, …]}
precision(db, "iran-drones")            # overall and per week: relevant / judged
marks(db, rule="iran-drones")           # its marks with their articles' titles and URLs, oldest first
for line in export(db, ExportFormat.csv): ...   # every mark, as `newswatch export --triage` writes it
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from crawler.app import Database, engine_scope
from crawler.app.articles import ExportFormat, export_lines, require_source
from storage.db import session_scope
from storage.models import Article
from storage.triage import TriageMarks
from storage.triage_models import Triage, Verdict

TRIAGE_FIELDS = ("article_id", "rule", "starred", "verdict", "note", "updated_at", "title", "url")
VERDICTS = (Verdict.RELEVANT, Verdict.NOT_RELEVANT)


class UnknownArticleError(LookupError):
    def __str__(self) -> str:
        return str(self.args[0])


def _as_dict(mark: Triage, article: Any = None) -> dict[str, Any]:
    row = {
        "article_id": mark.article_id,
        "rule": mark.rule,
        "starred": mark.starred,
        "verdict": mark.verdict,
        "note": mark.note,
        "updated_at": mark.updated_at.isoformat(),
    }
    if article is not None:
        row |= {"title": article.title, "url": article.url}
    return row


_KEEP = object()


def mark(
    db: Database,
    article_id: int,
    *,
    rule: str = "",
    starred: bool | None = None,
    verdict: object = _KEEP,
    note: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Set what is given of the article's mark for `rule` ("" = the article itself). ValueError for a
    verdict that is not relevant / not_relevant / None; UnknownArticleError for no such article."""
    if verdict is not _KEEP and verdict not in (None, *VERDICTS):
        raise ValueError(f"verdict {verdict!r}: give relevant, not_relevant or nothing")
    with engine_scope(db) as engine, session_scope(engine) as session:
        if session.get(Article, article_id) is None:
            raise UnknownArticleError(f"no article with id {article_id}")
        changes: dict[str, Any] = {"starred": starred, "note": note}
        if verdict is not _KEEP:
            changes["verdict"] = verdict
        saved = TriageMarks(session).set(article_id, rule, now=now or datetime.now(UTC), **changes)
        return _as_dict(saved)


def marks_of(db: Database, article_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    with engine_scope(db) as engine, session_scope(engine) as session:
        found = TriageMarks(session).of_articles(article_ids)
        return {article_id: [_as_dict(m) for m in marks] for article_id, marks in found.items()}


def starred(db: Database) -> set[int]:
    with engine_scope(db) as engine, session_scope(engine) as session:
        return TriageMarks(session).starred_ids()


def precision(db: Database, rule: str) -> dict[str, Any]:
    """The rule's precision from triage: relevant / judged, overall and per week (None when nothing judged)."""
    with engine_scope(db) as engine, session_scope(engine) as session:
        weeks = TriageMarks(session).precision(rule)
    relevant = sum(r for _, r, _ in weeks)
    judged = relevant + sum(n for _, _, n in weeks)
    return {
        "rule": rule,
        "relevant": relevant,
        "judged": judged,
        "precision": round(relevant / judged, 3) if judged else None,
        "weeks": [
            {"week": week.date().isoformat(), "relevant": r, "judged": r + n, "precision": round(r / (r + n), 3)}
            for week, r, n in weeks
        ],
    }


def marks(
    db: Database, rule: str | None = None, *, since: datetime | None = None, source: str | None = None
) -> list[dict[str, Any]]:
    """Every triage mark (or only the rule's, those changed since `since`, those on articles of
    `source`) with its article's title and URL, oldest change first. A `source` the database does not
    know is UnknownSourceError, naming those it knows."""
    with engine_scope(db) as engine, session_scope(engine) as session:
        if source is not None:
            require_source(session, source)
        found = TriageMarks(session).all(rule, since=since, source=source)
        ids = {m.article_id for m in found}
        titled = {
            row.id: row
            for row in session.execute(select(Article.id, Article.title, Article.url).where(Article.id.in_(ids)))
        }
        return [_as_dict(m, titled.get(m.article_id)) for m in found]


def export(
    db: Database,
    output_format: ExportFormat = ExportFormat.jsonl,
    *,
    since: datetime | None = None,
    source: str | None = None,
) -> Iterator[str]:
    """Every triage mark (or those changed since `since`, on articles of `source`) with its article's
    title and URL, oldest change first, as JSON Lines or CSV."""
    yield from export_lines(marks(db, since=since, source=source), output_format, TRIAGE_FIELDS)
