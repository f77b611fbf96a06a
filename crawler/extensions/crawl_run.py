"""Every crawl of a source is a row in crawl_runs: opened when the spider opens, closed with its stats.

Failures (HTTP errors, timeouts, pages that are no article) are written as they happen, so a crash
mid-crawl loses none of them.
"""

from __future__ import annotations

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from crawler.database import crawl_engine
from storage.db import session_scope
from storage.repositories import CrawlRuns

# Scrapy/newswatch stats → crawl_runs columns.
RUN_STATS = {
    "pages_fetched": "downloader/response_count",
    "bytes_fetched": "downloader/response_bytes",
    "not_modified": "downloader/response_status_count/304",
    "new": "newswatch/store/new",
    "updated": "newswatch/store/updated",
    "duplicates": "newswatch/store/duplicate",
    "unchanged": "newswatch/store/unchanged",
    "errors": "newswatch/failures",
}


class CrawlRunRecorder:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.engine = crawl_engine(crawler.settings)
        self.run_id: int | None = None
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunRecorder:
        recorder = cls(crawler)
        crawler.newswatch_run = recorder  # type: ignore[attr-defined]
        return recorder

    def opened(self, spider: Spider) -> None:
        with session_scope(self.engine) as session:
            self.run_id = CrawlRuns(session).start(spider.name)

    def record_failure(self, url: str, kind: str, reason: str) -> None:
        """One failed or rejected page, written now; also counted in the run's stats."""
        self.crawler.stats.inc_value(f"newswatch/failures/{kind}")
        self._write_failure(url, kind, reason)

    def _write_failure(self, url: str, kind: str, reason: str) -> None:
        self.crawler.stats.inc_value("newswatch/failures")
        if self.run_id is None:
            return
        with session_scope(self.engine) as session:
            CrawlRuns(session).record_failure(self.run_id, url, kind, reason[:1000])

    def closed(self, spider: Spider, reason: str) -> None:
        if self.run_id is None:
            return
        stats = self.crawler.stats.get_stats()
        # Listings the spider could not read (it counted them in stats itself).
        for url, kind, why in getattr(spider, "failures", ()):
            self._write_failure(url, kind, why)
        values = {column: int(stats.get(key, 0)) for column, key in RUN_STATS.items()}
        status = "finished" if reason == "finished" else f"stopped: {reason}"
        extra = {
            key: value for key, value in stats.items() if key.startswith(("newswatch/", "downloader/response_status"))
        }
        with session_scope(self.engine) as session:
            CrawlRuns(session).finish(self.run_id, {**values, "extra": extra}, status)


def record_failure(crawler: Crawler, url: str, kind: str, reason: str) -> None:
    """Record a failure on the crawl's run, from any component that has the crawler."""
    recorder: CrawlRunRecorder | None = getattr(crawler, "newswatch_run", None)
    if recorder is not None:
        recorder.record_failure(url, kind, reason)
