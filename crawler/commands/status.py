"""`newswatch status`: each source's last run, next run, 7-day yield and health at a glance (crawler.app.sources)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from crawler.app import sources
from crawler.commands.common import FAILED, OK, UNHEALTHY, say, stdout
from crawler.commands.config import load_or_exit
from crawler.commands.options import ConfigOption, DbOption
from crawler.config import Config
from crawler.health import SourceStatus
from storage.db import default_db_url
from storage.health_models import HealthState

_STYLE = {HealthState.HEALTHY: "green", HealthState.UNHEALTHY: "bold red", HealthState.UNKNOWN: "yellow"}


def status(
    as_json: Annotated[bool, typer.Option("--json", help="A JSON list, one object per source.")] = False,
    workers: Annotated[
        bool,
        typer.Option("--workers", help="The cluster instead: its workers and queue depth (a JSON object with --json)."),
    ] = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Show each source's last run, next run, 7-day yield and health. Exit 3 when a source is unhealthy
    (for cron and monitoring), 0 when none is. In distributed mode the workers and the queue follow."""
    loaded = load_or_exit(config)
    if workers:
        _cluster(db or default_db_url(), loaded, as_json, alone=True)
        return
    statuses = sources.status(db or default_db_url(), loaded)
    unhealthy = sum(entry.health.state == HealthState.UNHEALTHY for entry in statuses)
    if as_json:
        print(json.dumps([entry.as_dict() for entry in statuses], ensure_ascii=False, indent=2))
        raise typer.Exit(UNHEALTHY if unhealthy else OK)
    table = Table(title=f"{len(statuses)} sources, {unhealthy} unhealthy")
    for column in ("source", "last run", "status", "next run"):
        table.add_column(column, no_wrap=True)
    table.add_column("new 7d", justify="right")
    table.add_column("health", overflow="fold")
    for entry in statuses:
        table.add_row(
            entry.source,
            _when(entry.last_started),
            escape(entry.last_status or "-"),
            _when(entry.next_run),
            f"{entry.new_7d} / {entry.runs_7d} runs",
            _health(entry),
        )
    stdout.print(table)
    _cluster(db or default_db_url(), loaded, as_json=False, alone=False)
    raise typer.Exit(UNHEALTHY if unhealthy else OK)


def _cluster(db_url: str, config: Config, as_json: bool, alone: bool) -> None:
    """The cluster's workers (host, pid, last heartbeat, pages/s) and queue depth; after the sources
    only when there is a cluster or a worker has been seen."""
    from crawler.cluster.status import cluster_status

    state = cluster_status(db_url, config)
    if as_json:
        print(json.dumps(state.as_dict(), ensure_ascii=False, indent=2))
        raise typer.Exit(FAILED if state.error else OK)
    if not alone and state.redis is None and not state.workers:
        return
    queue = state.queue or {}
    title = (
        f"cluster {state.redis or '(not configured)'}: {queue.get('jobs', '?')} job(s), "
        f"{queue.get('requests', '?')} request(s) queued, {queue.get('open_runs', '?')} run(s) open"
    )
    table = Table(title=escape(title))
    for column in ("worker", "host", "pid", "last heartbeat", "pages", "pages/s", "state"):
        table.add_column(column, no_wrap=column != "worker")
    for worker in state.workers:
        table.add_row(
            escape(worker.id),
            escape(worker.host),
            str(worker.pid),
            f"{worker.last_seen.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
            str(worker.pages),
            f"{worker.pages_per_s:.1f}",
            worker.state,
        )
    stdout.print(table)
    if state.error:
        say(f"error: {state.error}")
        if alone:
            raise typer.Exit(FAILED)


def _when(value: datetime | None) -> str:
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M}" if value else "-"


def _health(entry: SourceStatus) -> str:
    style = _STYLE.get(entry.health.state, "")
    reasons = f": {escape(entry.health.summary)}" if entry.health.reasons else ""
    return f"[{style}]{entry.health.state}[/]{reasons}"
