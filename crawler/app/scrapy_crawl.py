"""The Scrapy host of a crawl: one crawler per source in one CrawlerProcess, a progress line each.
Only crawler/app/crawl.py calls it; it is the one place that starts the Twisted reactor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.config import Config, SourceConfig
from crawler.stages.context import SourceInfo
from crawler.workers import shutdown_pool
from spiders.base import NewsSourceSpider

if TYPE_CHECKING:
    from crawler.app.crawl import CrawlOptions


@dataclass(slots=True)
class Crawled:
    run_ids: list[int] = field(default_factory=list)
    not_started: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


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


def run_scrapy(
    config: Config,
    sources: Sequence[SourceConfig],
    options: CrawlOptions,
    infos: tuple[SourceInfo, ...],
    rules: Any,
) -> Crawled:
    settings = crawl_settings(config, options)
    settings.set("NEWSWATCH_SOURCES", infos, priority="cmdline")
    settings.set("NEWSWATCH_RULES", rules, priority="cmdline")
    process = CrawlerProcess(settings)
    console = Console(stderr=True)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<18}"),
        TextColumn("{task.fields[counts]}"),
        console=console,
        disable=not options.progress,
        transient=False,
    )
    crawled = Crawled()
    spiders = {}
    for source in sources:
        try:
            spiders[source.name] = NewsSourceSpider.for_source(source)
        except LookupError as error:  # a spider key naming no spider of spiders/: nothing is crawled
            crawled.errors.append(f"{source.name}: {error}")
    if crawled.errors:
        return crawled
    crawlers = []
    for source in sources:
        crawler = process.create_crawler(spiders[source.name])
        _track(crawler, progress, source.name)
        crawlers.append((source.name, crawler))
        process.crawl(crawler, source=source, config=config)
    try:
        with progress:
            process.start()
    finally:
        shutdown_pool()
    for name, crawler in crawlers:
        recorder = getattr(crawler, "newswatch_run", None)
        if recorder is not None and recorder.fatal is not None:
            crawled.errors.append(f"{name}: {recorder.fatal}")
        if recorder is not None and recorder.run_id:
            crawled.run_ids.append(recorder.run_id)
        elif recorder is None or recorder.fatal is None:
            crawled.not_started.append(name)
    return crawled


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
