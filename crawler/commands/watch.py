"""`newswatch watch add|list|show|remove|test|try|explain`: write and try watch rules (test, try, explain:
crawler.app.alerts; explanations: crawler.alerts.explain)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer
from rich.markup import escape
from rich.table import Table

from crawler.alerts.config import (
    WatchConfig,
    WatchConfigError,
    add_rule,
    default_watches_path,
    load_watches,
    raw_rule,
    remove_rule,
)
from crawler.alerts.highlight import ELLIPSIS, Highlighted, excerpt, marked
from crawler.alerts.rules import Mode, WatchRule
from crawler.app import alerts
from crawler.commands.common import BAD_INPUT, fail, problems_exit, say, stdout, usage_error
from crawler.commands.options import DbOption, JsonOption

if TYPE_CHECKING:
    from crawler.alerts.explain import Explanation, Hit, NodeExplanation
    from crawler.alerts.nodes import FieldName
    from crawler.alerts.query import Match

app = typer.Typer(no_args_is_help=True)
WatchesOption = Annotated[
    Path | None, typer.Option("--watches", envvar="NEWSWATCH_WATCHES", help="The watch file (default: see README).")
]


def load_or_exit(path: Path | None, *, may_be_missing: bool = False) -> WatchConfig:
    """The watch file, or every mistake in it on stderr and exit 2. A file named with --watches (or
    NEWSWATCH_WATCHES) must exist, unless `may_be_missing` (`watch add` creates it); the default
    file may be missing: no rules yet."""
    if path is not None and not may_be_missing and not path.is_file():
        usage_error(f"no watch file at {path} (`newswatch watch add` creates one)")
    try:
        return load_watches(path)
    except WatchConfigError as error:
        problems_exit(error.problems)


@app.command()
def add(
    name: Annotated[str, typer.Argument(help="The rule's name: lower-case, digits, - and _.")],
    query: Annotated[str, typer.Option(help="What to look for, e.g. '(shahed OR \"geran-2\") AND russia'.")],
    to: Annotated[list[str], typer.Option("--to", help="A recipient's email address (repeatable).")],
    mode: Annotated[Mode, typer.Option(help="instant, hourly, daily or weekly.")] = Mode.INSTANT,
    source: Annotated[list[str] | None, typer.Option("--source", help="Only this source (repeatable).")] = None,
    lang: Annotated[list[str] | None, typer.Option("--lang", help="Only this language, e.g. en (repeatable).")] = None,
    timezone: Annotated[str, typer.Option(help="Time zone of daily and weekly digests, e.g. Europe/Paris.")] = "UTC",
    digest_hour: Annotated[int, typer.Option(help="Local hour of the daily or weekly digest.")] = 8,
    digest_day: Annotated[str, typer.Option(help="Day of the weekly digest: mon, tue, … sun.")] = "mon",
    replace_rule: Annotated[bool, typer.Option("--replace", help="Replace a rule of that name.")] = False,
    watches: WatchesOption = None,
) -> None:
    """Add a rule; the file keeps its comments and layout. A query that does not parse is refused with
    its column and a hint, and the file is kept as it was."""
    path = watches or default_watches_path()
    load_or_exit(path, may_be_missing=True)  # a file with mistakes is refused before it is edited
    rule = {
        "name": name,
        "query": query,
        "recipients": list(to),
        "mode": mode.value,
        "sources": list(source or []),
        "languages": list(lang or []),
        "timezone": timezone,
        "digest_hour": digest_hour,
        "digest_day": digest_day,
    }
    try:
        add_rule(path, rule, replace=replace_rule)
    except KeyError:
        usage_error(f"a rule named {name!r} exists in {path}: use --replace to replace it")
    except WatchConfigError as error:
        for problem in error.problems:  # the new rule is not in the file yet: its line number means nothing
            say("error: " + re.sub(r"^.*?:\d+: ", "", problem, count=1))
        raise typer.Exit(BAD_INPUT) from error
    say(f"{'replaced' if replace_rule else 'added'} {name!r} in {path}")


@app.command("list")
def list_rules(watches: WatchesOption = None, as_json: JsonOption = False) -> None:
    """List the rules."""
    config = load_or_exit(watches)
    if as_json:
        print(json.dumps([raw_rule(rule) for rule in config.rules], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(config.rules)} rules in {config.path}")
    for column in ("name", "mode", "recipients", "query"):
        table.add_column(column, overflow="fold")
    for rule in config.rules:
        shown = ", ".join(_shown_recipient(recipient) for recipient in rule.recipients)
        table.add_row(rule.name, rule.mode.value, escape(shown), escape(rule.query))
    stdout.print(table)


def _shown_recipient(value: str) -> str:
    """An address as written; a channel URL as scheme and host only (its path may hold a token)."""
    from crawler.alerts.channels import ChannelError, parse_recipient

    try:
        return parse_recipient(value).display
    except ChannelError:
        return value


@app.command()
def show(name: str, watches: WatchesOption = None, as_json: JsonOption = False) -> None:
    """Show one rule."""
    rule = raw_rule(_rule(load_or_exit(watches), name))
    if as_json:
        print(json.dumps(rule, ensure_ascii=False, indent=2))
        return
    for key, value in rule.items():
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        stdout.print(f"[bold]{key}[/]: {escape(shown or '-')}", highlight=False)


@app.command()
def remove(name: str, watches: WatchesOption = None) -> None:
    """Remove a rule (its past alerts stay in the database); the file keeps its comments and layout."""
    path = watches or default_watches_path()
    config = load_or_exit(watches)
    _rule(config, name)
    remove_rule(config.path or path, name)
    say(f"removed {name!r} from {path}")


def _rule(config: WatchConfig, name: str) -> WatchRule:
    try:
        return alerts.find_rule(config, name)
    except alerts.UnknownRuleError as error:
        fail(str(error))


@app.command()
def test(
    name: str,
    since: Annotated[
        str,
        typer.Option(help="Backtest over articles first seen (stored by newswatch) in this window, or since a date."),
    ] = "30d",
    db: DbOption = None,
    watches: WatchesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Backtest a rule against stored articles: what it would have matched, terms highlighted. No email."""
    from crawler.commands.articles import since_option
    from storage.db import default_db_url

    config = load_or_exit(watches)
    _rule(config, name)
    result = alerts.backtest(db or default_db_url(), config, name, since_option(since))
    if as_json:
        hits = [
            {"id": hit.article_id, "source": hit.source, "title": hit.document.title, "terms": list(hit.match.terms)}
            for hit in result.hits
        ]
        summary = {"rule": result.rule.name, "since": since, "total": result.total, "matched": len(hits)}
        print(json.dumps({**summary, "hits": hits}, ensure_ascii=False, indent=2))
        return
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
    explain: Annotated[
        bool, typer.Option("--explain", help="Show the query as a tree: what matched, what failed, and why.")
    ] = False,
    watches: WatchesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Does QUERY match this text, and why? Exit status 0 on a match, 1 on none, 2 on a bad query."""
    from crawler.alerts.query import QueryError

    if (file is None) == (text is None):
        usage_error("give the text to try either with --text or as a FILE")
    body = text if text is not None else _read_text(file)
    groups = load_or_exit(watches).alias_groups
    try:
        if explain:
            explanation = alerts.explain_query(query, body, title=title, language=lang, alias_groups=groups)
            match = None
        else:
            match = alerts.try_query(query, body, title=title, language=lang, alias_groups=groups)
    except QueryError as error:
        usage_error(f"bad query: {error}")
    if explain:
        _print_explanation(explanation, as_json)
        raise typer.Exit(0 if explanation.matched else 1)
    if as_json:
        spans = [] if match is None else [list(span) for span in match.spans]
        terms = [] if match is None else list(dict.fromkeys(match.terms))
        print(json.dumps({"query": query, "matched": match is not None, "terms": terms, "spans": spans},
                         ensure_ascii=False, indent=2))
        raise typer.Exit(0 if match is not None else 1)
    if match is None:
        say("no match")
        raise typer.Exit(1)
    if title:
        stdout.print(f"title: {_highlighted(title, match, 'title')}", highlight=False)
    stdout.print(f"text: {_snippet(body, match)}", highlight=False)
    say(f"match: {', '.join(dict.fromkeys(match.terms))}")


@app.command("explain")
def explain_rule(
    name: Annotated[str, typer.Argument(help="The rule's name.")],
    article_id: Annotated[int | None, typer.Argument(help="The stored article's id (or --url).")] = None,
    url: Annotated[str | None, typer.Option(help="The stored article's URL, as fetched or canonical.")] = None,
    db: DbOption = None,
    watches: WatchesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Why rule NAME would or would not alert on a stored article: its query as a tree, each clause
    matched or not, each term with the text, alias and stem that carried it; then its source and
    language filters and the verdict. Exit 0 once explained, whatever the verdict."""
    from storage.db import default_db_url

    if (article_id is None) == (url is None):
        usage_error("name the article either by its id or with --url")
    if url is not None:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            usage_error(f"--url {url!r}: not an http(s) URL")
    config = load_or_exit(watches)
    _rule(config, name)
    try:
        explanation = alerts.explain_rule(db or default_db_url(), config, name, article_id=article_id, url=url)
    except alerts.UnknownArticleError as error:
        fail(str(error))
    _print_explanation(explanation, as_json)


def _read_text(path: Path) -> str:
    """The text of FILE, or exit 2 (not 1: that is "no match") when it cannot be read."""
    try:
        return path.read_text("utf-8")
    except OSError as error:
        usage_error(f"{path}: {(error.strerror or str(error)).lower()}")
    except UnicodeDecodeError as error:
        usage_error(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})")


def _rich(shown: Highlighted) -> str:
    """Rich markup: the text escaped, the matched pieces in bold yellow on a terminal, else in «»."""
    opening, closing = ("[bold yellow]", "[/]") if stdout.is_terminal else ("«", "»")
    body = "".join(f"{opening}{escape(p.text)}{closing}" if p.marked else escape(p.text) for p in shown.pieces)
    return f"{ELLIPSIS if shown.cut_before else ''}{body}{ELLIPSIS if shown.cut_after else ''}"


def _highlighted(text: str, match: Match, field: FieldName) -> str:
    return _rich(marked(text, match.field_spans(field)))


def _snippet(text: str, match: Match) -> str:
    return _rich(excerpt(text, match.field_spans("text"), width=240))


_MARK = {True: ("green", "matched"), False: ("red", "not matched")}
_SHOWN_HITS = 3  # places shown per term (the JSON has up to MAX_HITS)


def _print_explanation(explanation: Explanation, as_json: bool) -> None:
    if as_json:
        print(json.dumps(explanation.as_dict(), ensure_ascii=False, indent=2))
        return
    article = explanation.article
    if explanation.rule is not None and article is not None:
        language = f", {article['language']}" if article["language"] else ""
        stdout.print(f"[bold]{escape(explanation.rule)}[/] on #{article['id']} {escape(article['source'])}{language}:"
                     f" {escape(article['title'] or '(no title)')}", highlight=False)
        stdout.print(f"  {escape(article['url'])}", highlight=False)
    stdout.print(f"query: {escape(explanation.query)}", highlight=False)
    for line in _tree_lines(explanation.tree, 0):
        stdout.print(line, highlight=False, soft_wrap=True)
    for condition in explanation.filters:
        allowed = ", ".join(condition.allowed) if condition.allowed else "any"
        state = "passes" if condition.passed else "[red]fails[/]" if stdout.is_terminal else "fails"
        stdout.print(f"{condition.name}: {escape(allowed)}; this article: {escape(condition.value or 'unknown')}"
                     f" — {state}", highlight=False)
    if explanation.rule is not None:
        verdict = "alert" if explanation.alert else "no alert"
    else:
        verdict = "match" if explanation.matched else "no match"
    stdout.print(f"[bold]verdict: {verdict}[/] ({escape(explanation.reason)})", highlight=False, soft_wrap=True)


def _state(matched: bool) -> str:
    colour, word = _MARK[matched]
    return f"[{colour}]{word}[/]" if stdout.is_terminal else word


def _tree_lines(node: NodeExplanation, depth: int) -> list[str]:
    """The node, its reason and its places, then its children, indented two spaces a level."""
    pad = "  " * depth
    head = node.kind.upper() if node.kind in ("and", "or") else escape(node.query)
    if node.kind == "near":
        head = f"NEAR/{node.distance}" + (f" in {node.field}" if node.field else "") + f": {escape(node.query)}"
    lines = [f"{pad}{head} — {_state(node.matched)}: {escape(node.reason)}"]
    if node.kind == "term":
        lines += [line for hit in node.hits[:_SHOWN_HITS] for line in _hit_lines(hit, pad + "    ")]
        if node.hits_total > _SHOWN_HITS:
            lines.append(f"{pad}    … and {node.hits_total - _SHOWN_HITS} more")
    elif node.kind == "near" and node.hits:
        window = ", ".join(f'"{escape(hit.surface)}" at {hit.start}' for hit in node.hits[: len(node.children)])
        lines.append(f"{pad}    {'window' if node.matched else 'closest'} in the {node.hits[0].field}: {window}")
    for child in node.children:
        lines += _tree_lines(child, depth + 1)
    return lines


def _hit_lines(hit: Hit, pad: str) -> list[str]:
    carried = []
    for carrier in hit.carriers:
        if carrier.group is None:
            carried.append(f"the query's own {'stem' if carrier.variant.stemmed else 'form'} {carrier.form}")
        else:
            via = f"family {carrier.family} → " if carrier.family else ""
            carried.append(f"alias {via}group {carrier.group}, member {carrier.member}")
    notes = "; ".join([*carried, *hit.analysis])
    return [
        f'{pad}"{escape(hit.surface)}" in {hit.field} at {hit.start}–{hit.end}: {escape(notes)}',
        f"{pad}  {_rich(hit.snippet)}",
    ]
