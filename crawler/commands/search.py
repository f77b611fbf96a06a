"""`newswatch search QUERY`: stored articles found by a watch-rule query (crawler.app.search)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from crawler.alerts.highlight import ELLIPSIS, Highlighted
from crawler.app import search as searching
from crawler.commands.articles import since_option
from crawler.commands.common import say, stdout, usage_error
from crawler.commands.options import DbOption, JsonOption, SinceOption
from storage.db import default_db_url


def search(
    query: Annotated[str, typer.Argument(help="A query in the watch-rule language, e.g. 'shahed AND russia'.")],
    since: SinceOption = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Only this source (repeatable).")] = None,
    lang: Annotated[list[str] | None, typer.Option("--lang", help="Only this language, e.g. en (repeatable).")] = None,
    order: Annotated[str, typer.Option("--order", help="relevance or newest.")] = "relevance",
    limit: Annotated[int, typer.Option(help="At most this many results.")] = 20,
    watches: Annotated[
        Path | None, typer.Option("--watches", envvar="NEWSWATCH_WATCHES", help="Watch file whose aliases apply.")
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Search stored articles with a watch-rule query: the same articles a rule with that query matches,
    best first, the matched terms highlighted."""
    if order not in ("relevance", "newest"):
        usage_error(f"--order {order!r}: give relevance or newest")
    if limit < 1:
        usage_error("--limit: give 1 or more")
    groups: tuple[tuple[str, ...], ...] = ()
    if watches is not None or Path("watches.toml").is_file():
        from crawler.commands.watch import load_or_exit

        groups = load_or_exit(watches).alias_groups
    try:
        result = searching.search(
            db or default_db_url(),
            query,
            since=since_option(since),
            sources=source or (),
            languages=lang or (),
            order=order,  # type: ignore[arg-type]
            limit=limit,
            alias_groups=groups,
        )
    except searching.QueryError as error:
        usage_error(f"bad query: {error}")
    if as_json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(result.hits)}{'+' if result.more else ''} articles match {escape(query)}")
    table.add_column("id", justify="right", min_width=3)
    table.add_column("source", no_wrap=True)
    table.add_column("article", overflow="fold")
    for hit in result.hits:
        table.add_row(str(hit.article_id), hit.source, f"[bold]{_rich(hit.title_marked)}[/]\n{_rich(hit.snippet())}")
    stdout.print(table)
    if result.more:
        say(f"more than {limit} match: --limit shows more")


def _rich(shown: Highlighted) -> str:
    opening, closing = ("[reverse]", "[/reverse]") if stdout.is_terminal else ("«", "»")
    body = "".join(f"{opening}{escape(p.text)}{closing}" if p.marked else escape(p.text) for p in shown.pieces)
    return f"{ELLIPSIS if shown.cut_before else ''}{body}{ELLIPSIS if shown.cut_after else ''}"
