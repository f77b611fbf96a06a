"""`newswatch sources` and `newswatch config check`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crawler.commands.common import say, stdout
from crawler.commands.options import ConfigOption
from crawler.config import Config, ConfigError, load_config

app = typer.Typer(no_args_is_help=True)


def load_or_exit(path: Path | None) -> Config:
    """The config, or every problem in it on stderr (FILE:LINE: ...) and exit status 1."""
    try:
        return load_config(path)
    except ConfigError as error:
        for problem in error.problems:
            say(f"error: {problem}")
        raise typer.Exit(1) from error


def sources(config: ConfigOption = None) -> None:
    """List the configured outlets and where they are discovered."""
    loaded = load_or_exit(config)
    table = Table(title=f"Sources in {loaded.path}")
    for column in ("name", "title", "enabled", "feeds", "sitemaps", "sections", "homepage"):
        table.add_column(column)
    for source in loaded.sources:
        table.add_row(
            source.name,
            source.title,
            "yes" if source.enabled else "no",
            str(len(source.feeds)),
            str(len(source.sitemaps)),
            str(len(source.sections)),
            source.homepage,
        )
    stdout.print(table)


@app.command()
def check(path: Annotated[Path | None, typer.Argument(help="The config to check.")] = None) -> None:
    """Validate a config: every mistake is named with its file, line and field."""
    loaded = load_or_exit(path)
    enabled = len(loaded.enabled_sources)
    say(f"{loaded.path}: ok ({len(loaded.sources)} sources, {enabled} enabled)")
