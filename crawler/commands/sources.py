"""`newswatch sources`: list the configured outlets (`sources` alone or `sources list`), probe their
listings live (`sources check`), and add an outlet from its homepage (`sources add`)."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from crawler.commands.common import stdout
from crawler.commands.config import load_or_exit
from crawler.commands.options import ConfigOption, JsonOption
from crawler.config import Config

app = typer.Typer(help="List the configured outlets; `sources check` probes them live, `sources add` adds one.")


@app.callback(invoke_without_command=True)
def sources(ctx: typer.Context, config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """List the configured outlets and where they are discovered (as `sources list`)."""
    if ctx.invoked_subcommand is None:
        print_sources(load_or_exit(config), as_json)


@app.command("list")
def list_sources(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """List the configured outlets and where they are discovered."""
    print_sources(load_or_exit(config), as_json)


def print_sources(loaded: Config, as_json: bool) -> None:
    if as_json:
        rows = [
            {
                "name": source.name,
                "title": source.title,
                "enabled": source.enabled,
                "homepage": source.homepage,
                "language": source.language,
                "feeds": list(source.feeds),
                "sitemaps": list(source.sitemaps),
                "sections": list(source.sections),
                "schedule": source.schedule,
                "spider": source.spider,
            }
            for source in loaded.sources
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Sources in {loaded.path}")
    for column in ("name", "title", "language", "enabled", "feeds", "sitemaps", "sections", "homepage"):
        table.add_column(column)
    for source in loaded.sources:
        table.add_row(
            source.name,
            source.title,
            source.language or "",
            "yes" if source.enabled else "no",
            str(len(source.feeds)),
            str(len(source.sitemaps)),
            str(len(source.sections)),
            source.homepage,
        )
    stdout.print(table)
