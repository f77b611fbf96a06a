"""Run one crawl of the configured sources in this process: all sources at once, one Scrapy crawler
each, with a progress line per source. The Twisted reactor runs once per process: call this once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.config import Config, SourceConfig
from crawler.workers import shutdown_pool
from spiders.base import NewsSourceSpider


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    db_url: str
    replay_dir: Path | None = None
    record_dir: Path | None = None
    progress: bool = True


def crawl_settings(config: Config, options: CrawlOptions) -> Settings:
    """Project settings, then the config's [crawl] table, then this run's options."""
    # Our settings module by name: get_project_settings() would need a scrapy.cfg in the working directory.
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict({**config.crawl.scrapy_settings(), "NEWSWATCH_DB_URL": options.db_url}, priority="project")
    # With progress lines on screen, failures go to the summary instead of the log.
    settings.set("LOG_ENABLED", not options.progress, priority="cmdline")
    if options.replay_dir is not None:
        settings.set("NEWSWATCH_REPLAY_DIR", str(options.replay_dir), priority="cmdline")
        # Nothing leaves the machine during a replay: no delays, no throttle.
        settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
    if options.record_dir is not None:
        settings.set("NEWSWATCH_RECORD_DIR", str(options.record_dir), priority="cmdline")
    return settings


def run_crawl(config: Config, sources: Sequence[SourceConfig], options: CrawlOptions) -> list[int]:
    """Crawl `sources` once; returns the ids of the crawl runs recorded."""
    process = CrawlerProcess(crawl_settings(config, options))
    console = Console(stderr=True)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<18}"),
        TextColumn("{task.fields[counts]}"),
        console=console,
        disable=not options.progress,
        transient=False,
    )
    crawlers = []
    for source in sources:
        crawler = process.create_crawler(NewsSourceSpider.for_source(source))
        _track(crawler, progress, source.name)
        crawlers.append(crawler)
        process.crawl(crawler, source=source, config=config)
    try:
        with progress:
            process.start()
    finally:
        shutdown_pool()
    return [run.run_id for run in (getattr(c, "newswatch_run", None) for c in crawlers) if run and run.run_id]


def _track(crawler, progress: Progress, name: str) -> None:
    task = progress.add_task(name, total=None, counts="starting")

    def update(*_args, **_kwargs) -> None:
        stats = crawler.stats
        counts = (
            f"fetched {stats.get_value('downloader/response_count', 0):>4} "
            f"new {stats.get_value('newswatch/store/new', 0):>3} "
            f"upd {stats.get_value('newswatch/store/updated', 0):>2} "
            f"dup {stats.get_value('newswatch/store/duplicate', 0):>2} "
            f"err {stats.get_value('newswatch/failures', 0):>2}"
        )
        progress.update(task, counts=counts)

    def finished(*_args, **_kwargs) -> None:
        update()
        progress.update(task, total=1, completed=1)

    # Signal handlers are weak references: keep them alive on the crawler.
    crawler.newswatch_progress = (update, finished)
    for signal in (signals.response_received, signals.item_scraped, signals.item_dropped):
        crawler.signals.connect(update, signal=signal)
    crawler.signals.connect(finished, signal=signals.spider_closed)
