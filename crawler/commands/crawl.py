"""`newswatch crawl`: one crawl of the configured sources, live or replayed from a saved site."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from crawler.commands.common import fail, say, stdout, usage_error
from crawler.commands.config import load_or_exit
from crawler.commands.options import ConfigOption, DbOption
from crawler.snapshot import Snapshot, SnapshotError
from storage.db import default_db_url, error_line, make_engine, session_scope
from storage.repositories import CrawlRuns

SUMMARY_COLUMNS = ("pages_fetched", "not_modified", "new", "updated", "duplicates", "errors", "bytes_fetched")


def crawl(
    source: Annotated[list[str] | None, typer.Option("--source", help="Crawl only this source (repeatable).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    replay: Annotated[Path | None, typer.Option(help="Serve every request from this saved site: no network.")] = None,
    record: Annotated[
        Path | None, typer.Option(help="Save every response into this directory, to replay later.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON.")] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress line per source.")] = True,
    watches: Annotated[
        Path | None, typer.Option("--watches", envvar="NEWSWATCH_WATCHES", help="The watch rules to alert on.")
    ] = None,
) -> None:
    """Crawl every enabled source (or --source ones), store new articles, alert on the watch rules."""
    from crawler.app.crawl import CrawlOptions, crawl_once  # Scrapy and the reactor load only for crawls
    from crawler.commands.watch import load_or_exit as load_watches_or_exit

    if replay and record:
        usage_error("--replay and --record exclude each other")
    if replay is not None:
        try:
            Snapshot(replay)
        except SnapshotError as error:
            fail(str(error))
        if config is None and (replay / "sources.toml").is_file():
            config = replay / "sources.toml"  # a recorded site carries the config it was crawled with
    loaded = load_or_exit(config)
    watch_config = load_watches_or_exit(watches)  # a bad watch file stops the crawl before it starts
    sources = loaded.enabled_sources
    if source:
        known = {s.name: s for s in loaded.sources}
        unknown = [name for name in source if name not in known]
        if unknown:
            usage_error(f"no source named {', '.join(unknown)} in {loaded.path} (known: {', '.join(known)})")
        sources = tuple(known[name] for name in source)
    if not sources:
        usage_error(f"no enabled source in {loaded.path}")
    url = db or default_db_url()
    make_engine(url)  # migrations first: a bad URL fails here, in one line, before any crawling
    if record is not None and loaded.path is not None:
        record.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(loaded.path, record / "sources.toml")
    options = CrawlOptions(db_url=url, replay_dir=replay, record_dir=record, progress=progress, watches=watch_config)
    result = crawl_once(loaded, sources, options)
    if result.interrupted:
        say(f"closed {result.interrupted} run(s) left running by a crawl that was killed")
    try:
        if result.run_ids or as_json:
            print_summary(url, result.run_ids, as_json)
    except SQLAlchemyError as error:
        say(f"error: cannot read the crawl summary: {error_line(error)}")
    if watch_config.rules and not result.errors:
        matched = sum(run_alerts(url, result.run_ids)) + result.caught_up
        say(f"alerts: {matched} new match(es) for {len(watch_config.rules)} rule(s)")
        for line in result.delivery.lines() if result.delivery is not None else ():
            say(f"alerts: {line}")
    for line in grouped_errors(result.errors):
        say(f"error: {line}")
    if result.not_started:
        fail(f"{len(result.not_started)} of {len(sources)} source crawls did not start (see the error above)")
    if result.errors or (result.delivery is not None and not result.delivery.ok):
        raise typer.Exit(1)  # a crawl error, or an alert email that failed or was refused


def grouped_errors(errors: list[str]) -> list[str]:
    """"source: why" lines, one per distinct why: a read-only database stops every source alike."""
    by_reason: dict[str, list[str]] = {}
    for line in errors:
        name, _, why = line.partition(": ")
        by_reason.setdefault(why or name, []).append(name if why else "")
    lines = []
    for why, names in by_reason.items():
        names = [name for name in names if name]
        who = ", ".join(names) if len(names) <= 3 else f"{len(names)} sources"
        lines.append(f"{who}: {why}" if who else why)
    return lines


def run_alerts(db_url: str, run_ids: list[int]) -> list[int]:
    """The alerts each run's match stage recorded."""
    with session_scope(make_engine(db_url)) as session:
        runs = CrawlRuns(session)
        found = (runs.get(run_id) for run_id in run_ids)
        return [int(((run.stats or {}).get("extra") or {}).get("newswatch/match/alerts", 0)) for run in found if run]


def print_summary(db_url: str, run_ids: list[int], as_json: bool) -> None:
    with session_scope(make_engine(db_url)) as session:
        runs = CrawlRuns(session)
        rows = []
        for run_id in run_ids:
            run = runs.get(run_id)
            if run is None:
                continue
            row = {"run": run.id, "source": run.source, "status": run.status}
            row.update({column: getattr(run, column) for column in SUMMARY_COLUMNS})
            row["failures"] = [
                {"url": failure.url, "kind": failure.kind, "reason": failure.reason}
                for failure in runs.failures(run.id)
            ]
            rows.append(row)
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(title="Crawl summary")
    table.add_column("source", no_wrap=True)
    for header in ("fetched", "304", "new", "upd", "dup", "err", "KB"):
        table.add_column(header, justify="right")
    for row in rows:
        name = row["source"] if row["status"] == "finished" else f"{row['source']} ({row['status']})"
        table.add_row(name, *(str(row[c]) for c in SUMMARY_COLUMNS[:-1]), f"{row['bytes_fetched'] / 1024:.0f}")
    stdout.print(table)
    for row in rows:
        for failure in row["failures"]:
            stdout.print(
                f"  {row['source']}: {failure['kind']}: {failure['url']}: {failure['reason']}", highlight=False
            )
