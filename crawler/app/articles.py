"""Reading what the crawls stored: list, show and export articles.

    rows = list_articles(db, since=parse_since("7d"), source="tehran_times", limit=50)
    detail = show(db, article_id)            # the article, its earlier versions, copies, failed fetches
    for line in export(db, ExportFormat.csv):   # text lines, header first: stream them anywhere
        ...

Rows are plain dicts of EXPORT_FIELDS, JSON-ready (dates as ISO 8601 strings). `since` means first
seen (when a crawl stored the article), as in `watch test`: the window of what newswatch found, not of
the dates outlets print. A `source` no article has is UnknownSourceError, naming those there are.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, or_, select

from crawler.app import Database, engine_scope
from storage.db import session_scope
from storage.models import Article, CrawlFailure, Source
from storage.repositories import ArticleStore

EXPORT_FIELDS = (
    "id",
    "source",
    "url",
    "canonical_url",
    "title",
    "description",
    "authors",
    "published",
    "language",
    "paywalled",
    "word_count",
    "duplicate_of",
    "first_seen",
    "last_seen",
    "revision_count",
    "text",
)
_WINDOW = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def parse_since(value: str | None, now: datetime | None = None) -> datetime | None:
    """'7d' → seven days before `now`; '2024-03-01' → that day, UTC. ValueError says what to write."""
    if value is None:
        return None
    match = _WINDOW.match(value.strip().lower())
    if match:
        return (now or datetime.now(UTC)) - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r}: give a window like 30m, 24h, 7d, 2w, or a date like 2024-03-01") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _json_ready(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def as_dict(article: Article, with_text: bool = True) -> dict[str, Any]:
    """An article as EXPORT_FIELDS (its source by name), JSON-ready."""
    return {
        field: article.source.name if field == "source" else _json_ready(getattr(article, field))
        for field in EXPORT_FIELDS
        if with_text or field != "text"
    }


class UnknownSourceError(LookupError):
    """No stored article has this source; the message names the sources there are."""

    def __str__(self) -> str:
        return str(self.args[0])


def require_source(session: Any, source: str) -> None:
    """UnknownSourceError, naming the sources there are, when the database has no source `source`."""
    if session.scalar(select(Source.id).where(Source.name == source)) is None:
        known = ", ".join(session.scalars(select(Source.name).order_by(Source.name))) or "none yet"
        raise UnknownSourceError(f"no source named {source!r} in the database (sources: {known})")


def _articles(
    session: Any, since: datetime | None, source: str | None, limit: int | None, include_duplicates: bool
) -> list[Article]:
    """Newest first (by publication date, else first seen), first seen since `since`, of `source`."""
    if source is not None:
        require_source(session, source)
    when = func.coalesce(Article.published_at, Article.first_seen)
    query = select(Article).order_by(when.desc(), Article.id.desc()).limit(limit)
    if since is not None:
        query = query.where(Article.first_seen >= since)
    if source is not None:
        query = query.where(Article.source.has(Source.name == source))
    if not include_duplicates:
        query = query.where(Article.duplicate_of.is_(None))
    return list(session.scalars(query))


def list_articles(
    db: Database, *, since: datetime | None = None, source: str | None = None, limit: int | None = 50
) -> list[dict[str, Any]]:
    """Stored articles, newest first; copies of a story stored elsewhere are folded into the first."""
    with engine_scope(db) as engine, session_scope(engine) as session:
        return [as_dict(article) for article in _articles(session, since, source, limit, False)]


@dataclass(frozen=True, slots=True)
class ArticleDetail:
    """One article with what else the database knows of it."""

    article: dict[str, Any]  # EXPORT_FIELDS
    revisions: list[dict[str, Any]]  # its earlier versions, oldest first: replaced_at, title, text
    copies: list[dict[str, Any]]  # articles stored as copies of it: id, source, url, first_seen
    failures: list[dict[str, Any]]  # failed fetches of its URL: at, kind, reason, run

    def as_dict(self) -> dict[str, Any]:
        return {**self.article, "revisions": self.revisions, "copies": self.copies, "failures": self.failures}


def show(db: Database, article_id: int) -> ArticleDetail | None:
    """The article with this id, its revisions, its copies and failed fetches of its URL; None if none."""
    with engine_scope(db) as engine, session_scope(engine) as session:
        article = ArticleStore(session).get(article_id)
        if article is None:
            return None
        revisions = [
            {"replaced_at": _json_ready(revision.replaced_at), "title": revision.title, "text": revision.text}
            for revision in article.revisions
        ]
        copies = [
            {"id": copy.id, "source": copy.source.name, "url": copy.url, "first_seen": _json_ready(copy.first_seen)}
            for copy in session.scalars(select(Article).where(Article.duplicate_of == article.id).order_by(Article.id))
        ]
        failed = select(CrawlFailure).where(
            or_(CrawlFailure.url == article.url, CrawlFailure.url == article.canonical_url)
        )
        failures = [
            {"at": _json_ready(failure.at), "kind": failure.kind, "reason": failure.reason, "run": failure.run_id}
            for failure in session.scalars(failed.order_by(CrawlFailure.id))
        ]
        return ArticleDetail(as_dict(article), revisions, copies, failures)


def export(
    db: Database,
    output_format: ExportFormat = ExportFormat.jsonl,
    *,
    since: datetime | None = None,
    source: str | None = None,
) -> Iterator[str]:
    """Every stored article (copies too), or the `since`/`source` ones, as lines of text ending in a
    newline: JSON Lines, or CSV with a header line (authors joined by "; ")."""
    with engine_scope(db) as engine, session_scope(engine) as session:
        rows = (as_dict(article) for article in _articles(session, since, source, None, True))
        if output_format is ExportFormat.csv:
            rows = ({**row, "authors": "; ".join(row["authors"] or [])} for row in rows)
        yield from export_lines(rows, output_format, EXPORT_FIELDS)


def export_lines(rows: Iterable[dict[str, Any]], output_format: ExportFormat, fields: Sequence[str]) -> Iterator[str]:
    """Rows as lines of text ending in a newline, one row at a time: JSON Lines, or CSV of `fields`
    with a header line."""
    if output_format is ExportFormat.jsonl:
        for row in rows:
            yield json.dumps(row, ensure_ascii=False) + "\n"
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    yield _drained(buffer)
    for row in rows:
        writer.writerow(row)
        yield _drained(buffer)


def _drained(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


@dataclass(frozen=True, slots=True)
class WordChange:
    """One change from the old words to the new: the words removed and added, and up to `context` old
    words on either side (`cut_before` / `cut_after`: more words stand beyond them)."""

    lead: str
    removed: str
    added: str
    tail: str
    cut_before: bool
    cut_after: bool


def word_hunks(old: str, new: str, context: int = 8) -> list[WordChange]:
    """What changed from `old` to `new`, word by word, one WordChange per change."""
    import difflib

    before, after = old.split(), new.split()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    return [
        WordChange(
            " ".join(before[max(0, a0 - context) : a0]),
            " ".join(before[a0:a1]),
            " ".join(after[b0:b1]),
            " ".join(before[a1 : a1 + context]),
            a0 > context,
            a1 + context < len(before),
        )
        for tag, a0, a1, b0, b1 in matcher.get_opcodes()
        if tag != "equal"
    ]


def word_changes(old: str, new: str, context: int = 8) -> list[str]:
    """What changed from `old` to `new`, word by word, one line per change with a few words around
    it: removed words as [-…-], added as {+…+} (wdiff's marks)."""
    lines = []
    for change in word_hunks(old, new, context):
        parts = []
        if change.removed:
            parts.append("[-" + change.removed + "-]")
        if change.added:
            parts.append("{+" + change.added + "+}")
        lead = ("…" if change.cut_before else "") + change.lead
        tail = change.tail + ("…" if change.cut_after else "")
        lines.append(" ".join(part for part in (lead, *parts, tail) if part))
    return lines


def revision_diffs(
    detail: ArticleDetail, changes: Callable[[str, str], list[Any]] = word_changes
) -> list[dict[str, Any]]:
    """Each update of the article: when, the title before and after, and the words it changed (as
    `changes` gives them: by default word_changes' lines)."""
    current = {"replaced_at": None, "title": detail.article.get("title"), "text": detail.article["text"]}
    versions = [*detail.revisions, current]
    diffs = []
    for older, newer in zip(versions, versions[1:], strict=False):
        diffs.append(
            {
                "replaced_at": older["replaced_at"],
                "title_before": older["title"],
                "title_after": newer["title"],
                "changes": changes(older["text"] or "", newer["text"] or ""),
            }
        )
    return diffs
