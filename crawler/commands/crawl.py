"""`newswatch crawl`: one crawl of the configured sources, live or replayed from a saved site."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crawler.commands.common import fail, say, stdout, usage_error
from crawler.commands.config import load_or_exit
from crawler.commands.options import ConfigOption, DbOption
from crawler.snapshot import Snapshot, SnapshotError
from storage.db import default_db_url, make_engine, session_scope
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
    """Crawl every enabled source (or --source ones) and store new articles."""
    from crawler.crawl import CrawlOptions, run_crawl  # Scrapy and the reactor load only for crawls

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
    started = datetime.now(UTC)
    run_ids = run_crawl(
        loaded, sources, CrawlOptions(db_url=url, replay_dir=replay, record_dir=record, progress=progress)
    )
    print_summary(url, run_ids, as_json)
    alert_on(url, started, watches)
    if len(run_ids) < len(sources):
        fail(f"{len(sources) - len(run_ids)} of {len(sources)} source crawls did not start (see the error above)")


def alert_on(db_url: str, since: datetime, watches: Path | None) -> None:
    """Match what this crawl stored against every watch rule and send the instant alerts."""
    from crawler.alerts.matching import record_matches
    from crawler.commands.alerts import send_due
    from crawler.commands.watch import load_or_exit as load_watches_or_exit

    config = load_watches_or_exit(watches)
    if not config.rules:
        return
    new = record_matches(make_engine(db_url), config, since)
    report = send_due(db_url, config, instant_only=True)
    say(f"alerts: {new} new match(es) for {len(config.rules)} rule(s)")
    for line in report.lines():
        say(f"alerts: {line}")


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
