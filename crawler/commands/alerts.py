"""`newswatch alerts` (recent alerts and their delivery) and `newswatch alerts send` (crawler.app.alerts)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from crawler.alerts.config import WatchConfig
from crawler.alerts.delivery import DeliveryReport
from crawler.app import alerts
from crawler.commands.common import fail, say, stdout
from crawler.commands.options import DbOption
from crawler.commands.watch import WatchesOption, load_or_exit
from storage.db import default_db_url

app = typer.Typer(invoke_without_command=True)


def send_due(db_url: str, config: WatchConfig, instant_only: bool = False) -> DeliveryReport:
    """`crawler.app.alerts.deliver_due`, exiting 1 with one line when the [mail] table cannot be used.
    Kept for `newswatch crawl` until it calls crawler.app.alerts itself."""
    try:
        return alerts.deliver_due(db_url, config, instant_only=instant_only)
    except alerts.MailConfigError as error:
        fail(str(error))


@app.callback()
def recent(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 30,
    db: DbOption = None,
) -> None:
    """List recent alerts with their delivery state."""
    if ctx.invoked_subcommand is not None:
        return
    states = alerts.recent(db or default_db_url(), limit)
    table = Table(title=f"{len(states)} recent alerts")
    for column in ("id", "rule", "matched", "status", "tries"):
        table.add_column(column, no_wrap=True)
    table.add_column("title", overflow="ellipsis", no_wrap=True, max_width=max(20, stdout.width - 60))
    for state in states:
        status = state.status if not state.last_error else f"{state.status} ({state.last_error[:40]})"
        table.add_row(
            str(state.id),
            state.rule,
            f"{state.matched_at:%Y-%m-%d %H:%M}",
            status,
            str(state.attempts),
            escape(state.title or state.url),
        )
    stdout.print(table)


@app.command()
def send(db: DbOption = None, watches: WatchesOption = None) -> None:
    """Send due instant alerts and digests, and retry undelivered email. Exit 1 if any failed."""
    report = send_due(db or default_db_url(), load_or_exit(watches))
    for line in report.lines():
        say(line)
    raise typer.Exit(0 if report.ok else 1)
