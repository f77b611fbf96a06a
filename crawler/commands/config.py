"""`newswatch sources` and `newswatch config check` (crawler.app.sources.check_config)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crawler.app.sources import ConfigCheck, check_config
from crawler.commands.common import problems_exit, say, stdout
from crawler.commands.options import ConfigOption, JsonOption
from crawler.config import Config

app = typer.Typer(no_args_is_help=True)


def load_or_exit(path: Path | None) -> Config:
    """The config, or every problem in it on stderr (FILE:LINE: ...) and exit status 2."""
    checked = check_config(path)
    if checked.config is None:
        problems_exit(checked.problems)
    return checked.config


def sources(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """List the configured outlets and where they are discovered."""
    loaded = load_or_exit(config)
    if as_json:
        rows = [
            {
                "name": source.name,
                "title": source.title,
                "enabled": source.enabled,
                "homepage": source.homepage,
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
def check(
    path: Annotated[Path | None, typer.Argument(help="The config to check.")] = None,
    watches: Annotated[
        Path | None,
        typer.Option("--watches", envvar="NEWSWATCH_WATCHES", help="Check this watch file and its [mail] too."),
    ] = None,
) -> None:
    """Validate a config as `newswatch run` would (schedules, spiders; with --watches the watch file and
    its [mail]): every mistake is named with its file, line and field. Exit 2 if there is one."""
    from crawler.app.alerts import MailConfigError, mail_settings
    from crawler.commands.watch import load_or_exit as load_watches_or_exit

    checked = check_config(path)
    problems = list(checked.problems)
    rules = None
    if watches is not None:
        try:
            config = load_watches_or_exit(watches)
            mail_settings(config)
            rules = len(config.rules)
        except MailConfigError as error:
            problems.append(str(error))
        except typer.Exit:
            if checked.config is None:  # the watch file's lines are said; say the config's too, then exit
                problems_exit(problems)
            raise
    if problems or checked.config is None:
        problems_exit(problems)
    say(ConfigCheck(checked.config).summary())
    if rules is not None:
        say(f"{watches}: ok ({rules} rules)")
