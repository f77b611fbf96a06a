"""`newswatch alerts` (recent alerts and their delivery) and `newswatch alerts send` (crawler.app.alerts)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from crawler.alerts.config import WatchConfig
from crawler.alerts.delivery import DeliveryReport
from crawler.app import alerts
from crawler.commands.common import FAILED, OK, say, stdout, usage_error
from crawler.commands.options import DbOption, JsonOption
from crawler.commands.watch import WatchesOption, load_or_exit
from storage.db import default_db_url

app = typer.Typer(invoke_without_command=True)


def send_due(db_url: str, config: WatchConfig, instant_only: bool = False) -> DeliveryReport:
    """`crawler.app.alerts.deliver_due`, exiting 2 with one line when the [mail] table cannot be used.
    Kept for `newswatch crawl` until it calls crawler.app.alerts itself."""
    try:
        return alerts.deliver_due(db_url, config, instant_only=instant_only)
    except alerts.MailConfigError as error:
        usage_error(str(error))


def _json_ready(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_ready(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    return value


@app.callback()
def recent(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 30,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List recent alerts with their delivery state."""
    if ctx.invoked_subcommand is not None:
        return
    states = alerts.recent(db or default_db_url(), limit)
    if as_json:
        print(json.dumps([_json_ready(dataclasses.asdict(s)) for s in states], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(states)} recent alerts (times UTC)", pad_edge=False)
    table.add_column("id", justify="right", no_wrap=True, min_width=2)
    table.add_column("rule", overflow="fold", max_width=16)
    table.add_column("matched", no_wrap=True, min_width=11)
    table.add_column("delivery", overflow="fold", max_width=max(14, stdout.width // 4))
    table.add_column("title", overflow="ellipsis", no_wrap=True, max_width=max(20, stdout.width - 16 - 11 - 24 - 20))
    for state in states:
        delivery = state.status if state.attempts <= 1 else f"{state.status} ({state.attempts} tries)"
        if state.last_error:
            delivery += f": {state.last_error[:60]}"
        table.add_row(
            str(state.id),
            escape(state.rule),
            f"{state.matched_at.astimezone(UTC):%m-%d %H:%M}",
            escape(delivery),
            escape(state.title or state.url),
        )
    stdout.print(table)


@app.command()
def send(db: DbOption = None, watches: WatchesOption = None, as_json: JsonOption = False) -> None:
    """Send due instant alerts and digests, and retry undelivered email and channel messages that are due;
    say when the others will be retried. Exit 1 if a message failed or a recipient was refused, 2 if
    [mail] or the watch file cannot be used."""
    url = db or default_db_url()
    report = send_due(url, load_or_exit(watches))
    tried = {failed.message_id for failed in report.failed}
    waiting = [email for email in alerts.waiting_emails(url) if email.message_id not in tried]
    if as_json:
        shape = _json_ready(dataclasses.asdict(report))
        print(json.dumps({**shape, "ok": report.ok, "waiting": [e.as_dict() for e in waiting]}, indent=2))
    for line in report.lines():
        say(line)
    for email in waiting:
        say(
            f"waiting: {email.recipient} (attempt {email.attempts} failed, next at"
            f" {email.next_attempt_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC): {email.last_error or '-'}"
        )
    raise typer.Exit(OK if report.ok else FAILED)
