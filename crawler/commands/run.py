"""`newswatch run`: the scheduler daemon (crawler.scheduler), or one cycle with --once."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from crawler.commands.common import problems_exit, usage_error
from crawler.commands.options import ConfigOption, DbOption
from storage.db import default_db_url


def run(
    once: Annotated[
        bool, typer.Option("--once", help="One cycle (every source crawled, alerts sent), then exit.")
    ] = False,
    config: ConfigOption = None,
    db: DbOption = None,
    watches: Annotated[
        Path | None, typer.Option("--watches", envvar="NEWSWATCH_WATCHES", help="The watch rules to alert on.")
    ] = None,
    crawl_timeout: Annotated[
        float | None, typer.Option("--crawl-timeout", help="A crawl's time limit in seconds (default 1800).")
    ] = None,
) -> None:
    """Crawl every source on its schedule and send alerts on time; SIGTERM stops it cleanly, SIGHUP reloads."""
    from crawler.scheduler import Daemon, LoadError, Settings, Timings, load

    for path, what in ((config, "sources config"), (watches, "watch file")):
        if path is not None and not path.is_file():  # a typo must not run with the defaults
            usage_error(f"no {what} at {path}")
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("newswatch").setLevel(logging.INFO)
    settings = Settings(
        db_url=db or default_db_url(),
        config_path=config,
        watches_path=watches,
        timings=Timings.from_env(crawl_limit=crawl_timeout),
    )
    try:
        loaded = load(settings)
    except LoadError as error:
        problems_exit(error.problems)
    daemon = Daemon(settings, loaded)
    raise typer.Exit(daemon.run_once() if once else daemon.serve())
