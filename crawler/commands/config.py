"""`newswatch config check` (crawler.app.sources.check_config)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crawler.app.sources import ConfigCheck, check_config
from crawler.commands.common import problems_exit, say
from crawler.config import Config

app = typer.Typer(no_args_is_help=True)


def load_or_exit(path: Path | None) -> Config:
    """The config, or every problem in it on stderr (FILE:LINE: ...) and exit status 2."""
    checked = check_config(path)
    if checked.config is None:
        problems_exit(checked.problems)
    return checked.config


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
