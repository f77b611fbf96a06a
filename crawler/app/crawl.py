"""The crawl use-case: `crawl_once` crawls sources once in this process and reports what happened.

    result = crawl_once(config, config.enabled_sources, CrawlOptions(db_url, watches=load_watches(None)))

In order: close the runs a killed crawl left `running`; crawl every source at once (one Scrapy crawler
each; pages run through crawler.stages.PIPELINE in worker processes, matched as they are stored);
match what an earlier crawl stored but died before matching; send the instant alerts due. The
Twisted reactor runs once per process: call this once per process (the daemon runs each crawl in a
child: `python -m crawler.app.crawl --source NAME`, the database URL in NEWSWATCH_DB_URL).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from crawler.alerts.config import WatchConfig
from crawler.config import Config, SourceConfig
from crawler.processes import close_interrupted_runs
from crawler.stages.context import SourceInfo
from storage.db import default_db_url, error_line, make_engine, redacted, without_password

log = logging.getLogger("newswatch.crawl")


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    db_url: str
    replay_dir: Path | None = None
    record_dir: Path | None = None
    progress: bool = True
    watches: WatchConfig | None = None  # the rules in force; None: articles stay marked for a crawl with rules


@dataclass(slots=True)
class CrawlResult:
    run_ids: list[int] = field(default_factory=list)
    not_started: list[str] = field(default_factory=list)  # sources whose crawl could not start
    errors: list[str] = field(default_factory=list)  # one line each: what stopped a crawl, or alerting
    interrupted: int = 0  # runs of killed crawls closed before this one
    caught_up: int = 0  # alerts from articles an earlier crawl stored but did not match
    delivery: Any = None  # crawler.alerts.delivery.DeliveryReport of the instant alerts

    @property
    def ok(self) -> bool:
        return not self.errors and not self.not_started


def source_infos(sources: Sequence[SourceConfig]) -> tuple[SourceInfo, ...]:
    return tuple(SourceInfo(s.name, s.title, s.homepage, tuple(s.drop or ())) for s in sources)


def crawl_once(config: Config, sources: Sequence[SourceConfig], options: CrawlOptions) -> CrawlResult:
    """Crawl `sources` once (see the module docstring). Raises nothing for what a crawl meets: every
    failure is recorded, and the ones that stopped something are in `result.errors`."""
    result = CrawlResult()
    engine = make_engine(options.db_url)  # migrations first; a bad URL fails here, before any crawling
    try:
        result.interrupted = close_interrupted_runs(engine, [s.name for s in sources])
    except SQLAlchemyError as error:
        result.errors.append(f"cannot read crawl runs: {error_line(error)}")
        return result
    from crawler.app.scrapy_crawl import run_scrapy

    rules = None
    if options.watches is not None:
        rules = (tuple(options.watches.rules), tuple(tuple(g) for g in options.watches.alias_groups))
    crawled = run_scrapy(config, sources, options, source_infos(config.sources or sources), rules)
    result.run_ids = crawled.run_ids
    result.not_started = crawled.not_started
    result.errors.extend(crawled.errors)
    if options.watches is not None and not result.errors:
        _alert(engine, options, result)
    return result


def _alert(engine: Engine, options: CrawlOptions, result: CrawlResult) -> None:
    from crawler.app.alerts import MailConfigError, deliver_due
    from crawler.stages.match import RuleSet, match_pending

    watches = options.watches
    assert watches is not None
    try:
        result.caught_up = match_pending(engine, RuleSet.compile(watches.rules, watches.alias_groups))
        if watches.rules:
            result.delivery = deliver_due(engine, watches, instant_only=True)
    except SQLAlchemyError as error:
        result.errors.append(f"alerting: {error_line(error)}")
    except MailConfigError as error:
        result.errors.append(str(error))


def main(argv: list[str] | None = None) -> int:
    """The daemon's crawl child: `python -m crawler.app.crawl --source NAME [--config F] [--watches W]`.
    The database is NEWSWATCH_DB_URL. Exit 0 when every crawl finished, 1 otherwise (one line why)."""
    from crawler.alerts.config import load_watches
    from crawler.config import ConfigError, load_config

    parser = argparse.ArgumentParser(prog="python -m crawler.app.crawl")
    parser.add_argument("--source", action="append", required=True)
    parser.add_argument("--config", type=Path)
    parser.add_argument("--watches", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    try:
        config = load_config(args.config)
        watches = load_watches(args.watches)
        sources = [config.source(name) for name in args.source]
    except (ConfigError, KeyError) as error:
        print(f"error: {str(error).strip(chr(39))}", file=sys.stderr)
        return 1
    options = CrawlOptions(db_url=default_db_url(), progress=False, watches=watches)
    try:
        result = crawl_once(config, sources, options)
    except SQLAlchemyError as error:
        # The URL came by environment; the error names it without its password.
        reason = without_password(error_line(error), options.db_url)
        print(f"error: database {redacted(options.db_url)}: {reason}", file=sys.stderr)
        return 1
    for line in result.errors:
        print(f"error: {without_password(line, options.db_url)}", file=sys.stderr)
    for name in result.not_started:
        print(f"error: {name}: the crawl did not start", file=sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
