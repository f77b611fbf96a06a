"""`newswatch sources` and `newswatch config check` (crawler.app.sources.check_config)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crawler.app.sources import ConfigCheck, check_config
from crawler.commands.common import say, stdout
from crawler.commands.options import ConfigOption
from crawler.config import Config

app = typer.Typer(no_args_is_help=True)


def load_or_exit(path: Path | None) -> Config:
    """The config, or every problem in it on stderr (FILE:LINE: ...) and exit status 1."""
    checked = check_config(path)
    if checked.config is None:
        for problem in checked.problems:
            say(f"error: {problem}")
        raise typer.Exit(1)
    return checked.config


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
    say(ConfigCheck(load_or_exit(path)).summary())
