"""`newswatch worker`: a crawl worker of the cluster (crawler/cluster/), on any host that reaches the
cluster's Redis and PostgreSQL."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from crawler.commands.common import fail
from crawler.commands.config import load_or_exit
from crawler.commands.options import ConfigOption, DbOption
from storage.db import default_db_url


def worker(
    concurrency: Annotated[
        int,
        typer.Option("--concurrency", "-c", min=0, help="Pages processed at once (stage processes); 0: one per core."),
    ] = 0,
    max_idle: Annotated[
        float,
        typer.Option(
            "--max-idle", min=0, help="After some work, exit once the whole cluster has been idle this many seconds."
        ),
    ] = 0.0,
    config: ConfigOption = None,
    db: DbOption = None,
    watches: Annotated[
        Path | None, typer.Option("--watches", envvar="NEWSWATCH_WATCHES", help="The watch rules to match pages on.")
    ] = None,
) -> None:
    """Take crawl jobs and requests from the cluster's Redis ([cluster] redis_url or NEWSWATCH_REDIS_URL)
    and store into the shared database until SIGTERM; `newswatch run` queues the jobs."""
    from crawler.cluster.worker import WorkerError, WorkerOptions, run_worker
    from crawler.commands.watch import load_or_exit as load_watches_or_exit

    loaded = load_or_exit(config)
    rules = load_watches_or_exit(watches)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("newswatch").setLevel(logging.INFO)
    options = WorkerOptions(db_url=db or default_db_url(), concurrency=concurrency, max_idle=max_idle, watches=rules)
    try:
        code = run_worker(loaded, options)
    except WorkerError as error:
        fail(str(error))
    raise typer.Exit(code)
