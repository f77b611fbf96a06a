"""`newswatch status`: each source's last run, next run, 7-day yield and health at a glance (crawler.app.sources)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from crawler.app import sources
from crawler.commands.common import OK, UNHEALTHY, stdout
from crawler.commands.config import load_or_exit
from crawler.commands.options import ConfigOption, DbOption
from crawler.health import SourceStatus
from storage.db import default_db_url
from storage.health_models import HealthState

_STYLE = {HealthState.HEALTHY: "green", HealthState.UNHEALTHY: "bold red", HealthState.UNKNOWN: "yellow"}


def status(
    as_json: Annotated[bool, typer.Option("--json", help="A JSON list, one object per source.")] = False,
    config: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """Show each source's last run, next run, 7-day yield and health. Exit 3 when a source is unhealthy
    (for cron and monitoring), 0 when none is."""
    statuses = sources.status(db or default_db_url(), load_or_exit(config))
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
    raise typer.Exit(UNHEALTHY if unhealthy else OK)


def _when(value: datetime | None) -> str:
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M}" if value else "-"


def _health(entry: SourceStatus) -> str:
    style = _STYLE.get(entry.health.state, "")
    reasons = f": {escape(entry.health.summary)}" if entry.health.reasons else ""
    return f"[{style}]{entry.health.state}[/]{reasons}"
