"""`newswatch articles`, `show` and `export`: read what the crawls stored."""

from __future__ import annotations

import csv
import json
import re
import sys
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from crawler.commands.common import fail, stdout, usage_error
from crawler.commands.options import DbOption, SinceOption, SourceOption
from storage.db import default_db_url, make_engine, session_scope
from storage.models import Article
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


def parse_since(value: str | None) -> datetime | None:
    """'7d' → seven days ago; '2024-03-01' → that day, UTC."""
    if value is None:
        return None
    match = _WINDOW.match(value.strip().lower())
    if match:
        return datetime.now(UTC) - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        usage_error(f"--since {value!r}: give a window like 30m, 24h, 7d, 2w, or a date like 2024-03-01")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def as_dict(article: Article, with_text: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in EXPORT_FIELDS:
        if field == "text" and not with_text:
            continue
        value = article.source.name if field == "source" else getattr(article, field)
        data[field] = value.isoformat() if isinstance(value, datetime | date) else value
    return data


def list_articles(
    since: SinceOption = None,
    source: SourceOption = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON, one object per line, with the text.")] = False,
    db: DbOption = None,
) -> None:
    """List stored articles, newest first (copies of a story stored elsewhere are left out)."""
    with session_scope(make_engine(db or default_db_url())) as session:
        articles = ArticleStore(session).list(since=parse_since(since), source=source, limit=limit)
        if as_json:
            for article in articles:
                print(json.dumps(as_dict(article), ensure_ascii=False))
            return
        table = Table(title=f"{len(articles)} articles")
        table.add_column("id", justify="right", min_width=3)
        table.add_column("published", no_wrap=True, min_width=10)
        table.add_column("source", no_wrap=True, min_width=10)
        table.add_column("title", overflow="ellipsis", no_wrap=True, max_width=max(20, stdout.width - 52))
        table.add_column("words", justify="right", min_width=5)
        for article in articles:
            table.add_row(
                str(article.id),
                (article.published or "")[:10],
                article.source.name,
                article.title or "(untitled)",
                str(article.word_count),
            )
        stdout.print(table)


def show(
    article_id: Annotated[int, typer.Argument(help="The article's id (see `newswatch articles`).")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    db: DbOption = None,
) -> None:
    """Show one stored article with its metadata and text."""
    with session_scope(make_engine(db or default_db_url())) as session:
        article = ArticleStore(session).get(article_id)
        if article is None:
            fail(f"no article with id {article_id}")
        data = as_dict(article)
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for field in EXPORT_FIELDS[:-1]:
        stdout.print(f"[bold]{field}[/]: {data[field]}", highlight=False)
    stdout.print()
    stdout.print(data["text"], highlight=False, markup=False)


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def export(
    output_format: Annotated[ExportFormat, typer.Option("--format", help="jsonl or csv.")] = ExportFormat.jsonl,
    since: SinceOption = None,
    source: SourceOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Export stored articles (all of them, or --since/--source ones)."""
    stream = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        with session_scope(make_engine(db or default_db_url())) as session:
            articles = ArticleStore(session).list(
                since=parse_since(since), source=source, limit=None, include_duplicates=True
            )
            if output_format is ExportFormat.csv:
                writer = csv.DictWriter(stream, fieldnames=EXPORT_FIELDS)
                writer.writeheader()
                for article in articles:
                    row = as_dict(article)
                    row["authors"] = "; ".join(row["authors"] or [])
                    writer.writerow(row)
            else:
                for article in articles:
                    stream.write(json.dumps(as_dict(article), ensure_ascii=False) + "\n")
    finally:
        if output:
            stream.close()
