"""`newswatch articles`, `show` and `export`: read what the crawls stored (crawler.app.articles)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from crawler.app import articles
from crawler.app.articles import EXPORT_FIELDS, ExportFormat
from crawler.commands.common import fail, stdout, usage_error
from crawler.commands.options import DbOption, SinceOption, SourceOption
from storage.db import default_db_url


def since_option(value: str | None) -> datetime | None:
    """--since as a time, or a usage error (exit 2) saying what to write."""
    try:
        return articles.parse_since(value)
    except ValueError as error:
        usage_error(f"--since {error}")


def list_articles(
    since: SinceOption = None,
    source: SourceOption = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON, one object per line, with the text.")] = False,
    db: DbOption = None,
) -> None:
    """List stored articles, newest first (copies of a story stored elsewhere are left out)."""
    try:
        rows = articles.list_articles(db or default_db_url(), since=since_option(since), source=source, limit=limit)
    except articles.UnknownSourceError as error:
        usage_error(str(error))
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} articles")
    table.add_column("id", justify="right", min_width=3)
    table.add_column("published", no_wrap=True, min_width=10)
    table.add_column("source", no_wrap=True, min_width=10)
    table.add_column("title", overflow="ellipsis", no_wrap=True, max_width=max(20, stdout.width - 52))
    table.add_column("words", justify="right", min_width=5)
    for row in rows:
        table.add_row(
            str(row["id"]),
            (row["published"] or "")[:10],
            row["source"],
            row["title"] or "(untitled)",
            str(row["word_count"]),
        )
    stdout.print(table)


def show(
    article_id: Annotated[int, typer.Argument(help="The article's id (see `newswatch articles`).")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Show what each update changed, word by word.")] = False,
    db: DbOption = None,
) -> None:
    """Show one stored article: its metadata, earlier versions, copies elsewhere, failed fetches, and text."""
    detail = articles.show(db or default_db_url(), article_id)
    if detail is None:
        fail(f"no article with id {article_id}")
    if as_json:
        data = detail.as_dict()
        if diff:
            data["diffs"] = articles.revision_diffs(detail)
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if diff:
        changes = articles.revision_diffs(detail)
        if not changes:
            stdout.print(f"article {article_id} was never updated", highlight=False)
        for change in changes:
            stdout.print(f"[bold]update[/] stored over the version of {change['replaced_at']}:", highlight=False)
            if change["title_before"] != change["title_after"]:
                stdout.print(f"  title: [-{change['title_before']}-] {{+{change['title_after']}+}}", markup=False)
            for line in change["changes"]:
                stdout.print(f"  {line}", markup=False, highlight=False)
        return
    data = detail.article
    for field in EXPORT_FIELDS[:-1]:
        stdout.print(f"[bold]{field}[/]: {escape(_plain(data[field]))}", highlight=False)
    for revision in detail.revisions:
        stdout.print(
            f"[bold]revision[/]: replaced {revision['replaced_at']}: {escape(revision['title'] or '')}", highlight=False
        )
    for copy in detail.copies:
        stdout.print(f"[bold]copy[/]: #{copy['id']} {escape(copy['source'])} {escape(copy['url'])}", highlight=False)
    for failure in detail.failures:
        stdout.print(
            f"[bold]failed[/]: {failure['at']} {failure['kind']}: {escape(failure['reason'] or '')}", highlight=False
        )
    stdout.print()
    stdout.print(data["text"], highlight=False, markup=False)


def _plain(value: object) -> str:
    """A value as a person reads it: lists joined, no None or True (JSON has the exact values)."""
    if value is None or value == []:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def export(
    output_format: Annotated[ExportFormat, typer.Option("--format", help="jsonl or csv.")] = ExportFormat.jsonl,
    since: SinceOption = None,
    source: SourceOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    triage_marks: Annotated[
        bool,
        typer.Option(
            "--triage",
            help="Export the triage marks (star, verdict, note per article and rule); --since then means"
            " marks changed since, --source marks on that source's articles.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Export stored articles (all of them, or --since/--source ones), or with --triage the triage marks."""
    if triage_marks:
        from crawler.app import triage

        lines = iter(triage.export(db or default_db_url(), output_format, since=since_option(since), source=source))
    else:
        lines = iter(articles.export(db or default_db_url(), output_format, since=since_option(since), source=source))
    try:
        first = next(lines, "")  # the query runs here: an unknown source is said before any file is made
    except articles.UnknownSourceError as error:
        usage_error(str(error))
    try:
        stream = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    except OSError as error:
        usage_error(f"cannot write {output}: {(error.strerror or str(error)).lower()}")
    try:
        stream.write(first)
        stream.writelines(lines)
    finally:
        if output:
            stream.close()
