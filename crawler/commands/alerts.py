"""`newswatch alerts` (recent alerts and their delivery) and `newswatch alerts send`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from crawler.alerts.config import WatchConfig
from crawler.alerts.delivery import DeliveryReport, deliver_due
from crawler.alerts.mail import MailSettings, MailSettingsError
from crawler.commands.common import fail, say, stdout
from crawler.commands.options import DbOption
from crawler.commands.watch import WatchesOption, load_or_exit
from storage.alerts import Alerts
from storage.db import default_db_url, make_engine, session_scope

app = typer.Typer(invoke_without_command=True)


def mail_settings(config: WatchConfig) -> MailSettings:
    try:
        return MailSettings.from_config(config.mail)
    except MailSettingsError as error:
        fail(f"{config.path}: [mail]: {error}")


def send_due(db_url: str, config: WatchConfig, instant_only: bool = False) -> DeliveryReport:
    """Deliver what is due (only instant alerts when asked) and retry the outbox."""
    from crawler.alerts.rules import Mode

    rules = {rule.name: rule for rule in config.rules}
    modes = {Mode.INSTANT} if instant_only else None
    return deliver_due(make_engine(db_url), rules, mail_settings(config), datetime.now(UTC), modes=modes)


@app.callback()
def recent(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 30,
    db: DbOption = None,
) -> None:
    """List recent alerts with their delivery state."""
    if ctx.invoked_subcommand is not None:
        return
    with session_scope(make_engine(db or default_db_url())) as session:
        states = Alerts(session).recent(limit)
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
    config = load_or_exit(watches)
    report = send_due(db or default_db_url(), config)
    for line in report.lines():
        say(line)
    raise typer.Exit(0 if report.ok else 1)
