"""`newswatch sources`: list the configured outlets (`sources` alone or `sources list`), probe their
listings live (`sources check`), and add an outlet from its homepage (`sources add`)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from crawler.commands.common import FAILED, fail, say, stdout, usage_error
from crawler.commands.config import load_or_exit
from crawler.commands.options import ConfigOption, JsonOption
from crawler.config import Config

if TYPE_CHECKING:
    from crawler.app.probe import ListingCheck

app = typer.Typer(help="List the configured outlets; `sources check` probes them live, `sources add` adds one.")


@app.callback(invoke_without_command=True)
def sources(ctx: typer.Context, config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """List the configured outlets and where they are discovered (as `sources list`)."""
    if ctx.invoked_subcommand is None:
        print_sources(load_or_exit(config), as_json)


@app.command("list")
def list_sources(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """List the configured outlets and where they are discovered."""
    print_sources(load_or_exit(config), as_json)


def print_sources(loaded: Config, as_json: bool) -> None:
    if as_json:
        rows = [
            {
                "name": source.name,
                "title": source.title,
                "enabled": source.enabled,
                "homepage": source.homepage,
                "language": source.language,
                "feeds": list(source.feeds),
                "sitemaps": list(source.sitemaps),
                "sections": list(source.sections),
                "schedule": source.schedule,
                "spider": source.spider,
            }
            for source in loaded.sources
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Sources in {loaded.path}")
    for column in ("name", "title", "language", "enabled", "feeds", "sitemaps", "sections", "homepage"):
        table.add_column(column)
    for source in loaded.sources:
        table.add_row(
            source.name,
            source.title,
            source.language or "",
            "yes" if source.enabled else "no",
            str(len(source.feeds)),
            str(len(source.sitemaps)),
            str(len(source.sections)),
            source.homepage,
        )
    stdout.print(table)


@app.command()
def check(
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only this source (its name); repeat for more.")
    ] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Probe every listing live, once and politely (robots.txt, our User-Agent, [crawl] timeout and
    delay): HTTP status, redirects, what it is, items, newest date, how many are articles of the
    source. Exit 1 if a listing is dead, blocked, unreadable, empty or gives no article."""
    from crawler.app.probe import check_sources

    loaded = load_or_exit(config)
    try:
        checks = check_sources(loaded, source or None)
    except KeyError as error:
        usage_error(str(error.args[0]))
    failed = [item for item in checks if not item.ok]
    if as_json:
        print(json.dumps([item.as_dict() for item in checks], ensure_ascii=False, indent=2))
    else:
        table = Table(title=f"Listings of {loaded.path}")
        for column in ("source", "listing", "status", "kind", "items", "newest", "articles", "verdict"):
            table.add_column(column, overflow="fold")
        for item in checks:
            table.add_row(
                item.source,
                f"{item.role} {item.url}",
                _status(item),
                item.kind or "",
                str(item.items) if item.kind else "",
                (item.newest or "")[:16].replace("T", " "),
                _articles_cell(item),
                item.verdict,
            )
        stdout.print(table)
        for item in checks:
            for note in item.notes:
                stdout.print(f"{item.source} {item.role} {item.url}: {note}", soft_wrap=True, highlight=False)
            if item.ok and item.not_matching and item.kind != "sitemap index":  # an index's note counts them
                others = item.items - item.matching
                examples = ", ".join(item.not_matching)
                stdout.print(
                    f"{item.source} {item.role} {item.url}: {others} not articles of the source, e.g. {examples}",
                    soft_wrap=True,
                    highlight=False,
                )
        sources = len({item.source for item in checks})
        summary = f"{sources} sources, {len(checks)} listings: {len(checks) - len(failed)} ok"
        stdout.print(summary + (f", {len(failed)} not" if failed else ""), highlight=False)
    for item in failed:
        say(f"error: {item.source}: {item.role} {item.url}: {item.verdict}: {item.reason}")
    if failed:
        raise typer.Exit(FAILED)


def _status(item: ListingCheck) -> str:
    """`200`, or each redirect's status then the last one's: `301→200`."""
    text = "" if item.status is None else str(item.status)
    if item.redirects:
        text = "→".join([*(str(hop["status"]) for hop in item.redirects), text])
    return text


@app.command()
def add(
    homepage: Annotated[str, typer.Argument(help="The outlet's homepage URL.")],
    name: Annotated[str | None, typer.Option("--name", help="The source's name (default: from the domain).")] = None,
    language: Annotated[
        str | None, typer.Option("--language", help="ISO 639-1 code (default: the homepage's <html lang>).")
    ] = None,
    write: Annotated[
        bool, typer.Option("--write", help="Add the entry to the sources file, keeping its comments.")
    ] = False,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find an outlet's feeds and sitemaps from its homepage and robots.txt, propose its entry (with
    an article_pattern generalised from the article URLs found) and a sample of what it would crawl;
    --write adds it to the sources file (./sources.toml when the shipped one is in use)."""
    from crawler.app.discover import DiscoveryFailed, add_to_file, discover_source, entry_toml, write_checked
    from crawler.config import LOCAL_CONFIG, default_config_path, packaged_config_path

    loaded = load_or_exit(config)
    if name is not None and not re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", name):
        usage_error(f"--name {name!r}: must be a snake_case name (a-z, 0-9 and _)")
    if language is not None and not re.fullmatch(r"[a-z]{2}", language):
        usage_error(f"--language {language!r}: must be an ISO 639-1 code like 'en'")
    try:
        proposal = discover_source(homepage, loaded, name=name, language=language)
    except DiscoveryFailed as error:
        fail(str(error))
    path = config or default_config_path()
    base_text = None
    if config is None and path == packaged_config_path():  # never write into the installed package
        base_text, path = path.read_text("utf-8"), LOCAL_CONFIG
    written = None
    if write:
        if base_text is not None and not path.exists():
            path.write_text(base_text, "utf-8")
        text = add_to_file(path, proposal.entry)
        write_checked(path, text)
        written = str(path)
    if as_json:
        print(
            json.dumps(
                {
                    "entry": proposal.entry,
                    "toml": entry_toml(proposal.entry),
                    "found": [
                        {"role": f.role, "url": f.url, "kind": f.kind, "articles": len(f.articles)}
                        for f in proposal.found
                    ],
                    "rejected": [{"url": url, "reason": reason} for url, reason in proposal.rejected],
                    "sample": proposal.sample,
                    "requests": proposal.requests,
                    "written": written,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    out = Console(highlight=False, soft_wrap=True)
    out.print(f"Found from {homepage} ({proposal.requests} requests):")
    for found in proposal.found:
        out.print(f"  {found.role:8} {found.url}  ({found.kind}, {len(found.articles)} article URLs)")
    for url, reason in proposal.rejected:
        out.print(f"  not used {url}: {reason}")
    out.print("\nProposed entry:\n")
    out.print(entry_toml(proposal.entry), markup=False)
    out.print(f"Sample of what it would crawl ({len(proposal.sample)}):")
    for url in proposal.sample:
        out.print(f"  {url}")
    if written:
        out.print(f"\nAdded {proposal.entry['name']!r} to {written}; try it: newswatch sources check --source "
                  f"{proposal.entry['name']} --config {written}")
    else:
        out.print(f"\nNot written: --write adds it to {path}")


def _articles_cell(item: ListingCheck) -> str:
    if not item.kind:
        return ""
    if item.kind == "sitemap index":  # the articles of the newest sitemap it lists (its note says which)
        return f"{item.matching} in newest" if item.ok and item.notes else ""
    return f"{item.matching}/{item.items}"
