"""`newswatch watch add|list|show|remove|test|try`: write and try watch rules (test, try: crawler.app.alerts)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from crawler.alerts.config import WatchConfig, WatchConfigError, default_watches_path, load_watches, save_watches
from crawler.alerts.highlight import ELLIPSIS, Highlighted, excerpt, marked
from crawler.alerts.rules import Mode, WatchRule
from crawler.app import alerts
from crawler.commands.common import fail, say, stdout, usage_error
from crawler.commands.options import DbOption

if TYPE_CHECKING:
    from crawler.alerts.nodes import FieldName
    from crawler.alerts.query import Match

app = typer.Typer(no_args_is_help=True)
WatchesOption = Annotated[
    Path | None, typer.Option("--watches", envvar="NEWSWATCH_WATCHES", help="The watch file (default: see README).")
]


def load_or_exit(path: Path | None) -> WatchConfig:
    try:
        return load_watches(path)
    except WatchConfigError as error:
        for problem in error.problems:
            say(f"error: {problem}")
        raise typer.Exit(1) from error


@app.command()
def add(
    name: Annotated[str, typer.Argument(help="The rule's name: lower-case, digits, - and _.")],
    query: Annotated[str, typer.Option(help="What to look for, e.g. '(shahed OR \"geran-2\") AND russia'.")],
    to: Annotated[list[str], typer.Option("--to", help="A recipient's email address (repeatable).")],
    mode: Annotated[Mode, typer.Option(help="instant, hourly or daily.")] = Mode.INSTANT,
    source: Annotated[list[str] | None, typer.Option("--source", help="Only this source (repeatable).")] = None,
    lang: Annotated[list[str] | None, typer.Option("--lang", help="Only this language, e.g. en (repeatable).")] = None,
    timezone: Annotated[str, typer.Option(help="Time zone of daily digests, e.g. Europe/Paris.")] = "UTC",
    digest_hour: Annotated[int, typer.Option(help="Local hour of the daily digest.")] = 8,
    replace_rule: Annotated[bool, typer.Option("--replace", help="Replace a rule of that name.")] = False,
    watches: WatchesOption = None,
) -> None:
    """Add a rule. A query that does not parse is refused with its column and a hint; the file is kept."""
    from crawler.alerts.config import validate

    path = watches or default_watches_path()
    config = load_or_exit(path)
    if any(rule.name == name for rule in config.rules) and not replace_rule:
        usage_error(f"a rule named {name!r} exists in {path}: use --replace to replace it")
    raw_rules = [_raw(rule) for rule in config.rules if rule.name != name]
    raw_rules.append(
        {
            "name": name,
            "query": query,
            "recipients": list(to),
            "mode": mode.value,
            "sources": list(source or []),
            "languages": list(lang or []),
            "timezone": timezone,
            "digest_hour": digest_hour,
        }
    )
    data = {"mail": config.mail, "aliases": {"groups": [list(g) for g in config.alias_groups]}, "watch": raw_rules}
    try:
        checked = validate(data, path)
    except WatchConfigError as error:
        for problem in error.problems:  # the new rule is not in the file yet: its line number means nothing
            say("error: " + re.sub(r"^.*?:\d+: ", "", problem, count=1))
        raise typer.Exit(2) from error
    save_watches(checked, path)
    say(f"{'replaced' if replace_rule else 'added'} {name!r} in {path}")


def _raw(rule: WatchRule) -> dict:
    return {
        "name": rule.name,
        "query": rule.query,
        "recipients": list(rule.recipients),
        "mode": rule.mode.value,
        "sources": list(rule.sources),
        "languages": list(rule.languages),
        "timezone": rule.timezone,
        "digest_hour": rule.digest_hour,
    }


@app.command("list")
def list_rules(watches: WatchesOption = None) -> None:
    """List the rules."""
    config = load_or_exit(watches)
    table = Table(title=f"{len(config.rules)} rules in {config.path}")
    for column in ("name", "mode", "recipients", "query"):
        table.add_column(column, overflow="fold")
    for rule in config.rules:
        table.add_row(rule.name, rule.mode.value, ", ".join(rule.recipients), escape(rule.query))
    stdout.print(table)


@app.command()
def show(name: str, watches: WatchesOption = None) -> None:
    """Show one rule."""
    rule = _rule(load_or_exit(watches), name)
    for key, value in _raw(rule).items():
        stdout.print(f"[bold]{key}[/]: {escape(str(value))}", highlight=False)


@app.command()
def remove(name: str, watches: WatchesOption = None) -> None:
    """Remove a rule (its past alerts stay in the database)."""
    path = watches or default_watches_path()
    config = load_or_exit(path)
    _rule(config, name)
    save_watches(replace(config, rules=tuple(rule for rule in config.rules if rule.name != name)), path)
    say(f"removed {name!r} from {path}")


def _rule(config: WatchConfig, name: str) -> WatchRule:
    try:
        return alerts.find_rule(config, name)
    except alerts.UnknownRuleError as error:
        fail(str(error))


@app.command()
def test(
    name: str,
    since: Annotated[str, typer.Option(help="Backtest over articles first seen in this window.")] = "30d",
    db: DbOption = None,
    watches: WatchesOption = None,
) -> None:
    """Backtest a rule against stored articles: what it would have matched, terms highlighted. No email."""
    from crawler.commands.articles import since_option
    from storage.db import default_db_url

    config = load_or_exit(watches)
    _rule(config, name)
    result = alerts.backtest(db or default_db_url(), config, name, since_option(since))
    for hit in result.hits:
        stdout.print(
            f"[bold]#{hit.article_id}[/] {escape(hit.source)}: {_highlighted(hit.document.title, hit.match, 'title')}"
        )
        stdout.print(f"    {_snippet(hit.document.text, hit.match)}", highlight=False)
    say(f"{result.rule.name}: {len(result.hits)} of {result.total} stored articles would have matched (since {since})")


@app.command("try")
def try_query(
    query: Annotated[str, typer.Argument(help="The query to try.")],
    file: Annotated[Path | None, typer.Argument(help="A text file to try it on (or --text).")] = None,
    text: Annotated[str | None, typer.Option(help="The text to try it on.")] = None,
    title: Annotated[str, typer.Option(help="A title, for title: scopes.")] = "",
    lang: Annotated[str | None, typer.Option(help="The text's language.")] = None,
    watches: WatchesOption = None,
) -> None:
    """Does QUERY match this text, and why? Exit status 0 on a match, 1 on none, 2 on a bad query."""
    from crawler.alerts.query import QueryError

    if (file is None) == (text is None):
        usage_error("give the text to try either with --text or as a FILE")
    body = text if text is not None else file.read_text("utf-8")
    groups = load_or_exit(watches).alias_groups
    try:
        match = alerts.try_query(query, body, title=title, language=lang, alias_groups=groups)
    except QueryError as error:
        say(f"error: bad query: {error}")
        raise typer.Exit(2) from error
    if match is None:
        say("no match")
        raise typer.Exit(1)
    if title:
        stdout.print(f"title: {_highlighted(title, match, 'title')}", highlight=False)
    stdout.print(f"text: {_snippet(body, match)}", highlight=False)
    say(f"match: {', '.join(dict.fromkeys(match.terms))}")


def _rich(shown: Highlighted) -> str:
    """Rich markup: the text escaped, the matched pieces in bold yellow on a terminal, else in «»."""
    opening, closing = ("[bold yellow]", "[/]") if stdout.is_terminal else ("«", "»")
    body = "".join(f"{opening}{escape(p.text)}{closing}" if p.marked else escape(p.text) for p in shown.pieces)
    return f"{ELLIPSIS if shown.cut_before else ''}{body}{ELLIPSIS if shown.cut_after else ''}"


def _highlighted(text: str, match: Match, field: FieldName) -> str:
    return _rich(marked(text, match.field_spans(field)))


def _snippet(text: str, match: Match) -> str:
    return _rich(excerpt(text, match.field_spans("text"), width=240))
