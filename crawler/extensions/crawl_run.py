"""Every crawl of a source is a row in crawl_runs: opened when the spider opens, closed with its stats.

Every request that ends without a page is recorded as it happens, on the run and (for an article) in
the frontier, in one transaction, so a crash mid-crawl loses none of them. A database write that
fails stops the crawl: the run is closed `failed: …` (when even that can be written) and the crawl
exits non-zero, with nothing marked done that was not stored.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from sqlalchemy.exc import SQLAlchemyError

from crawler.database import crawl_engine
from crawler.frontier import record_failure as record_in_frontier
from crawler.items import META_FRONTIER_URL, META_ROLE, ROLE_ARTICLE
from crawler.middlewares.retry_after import META_RETRY_AFTER
from storage.db import error_line, session_scope
from storage.feeds import FeedStates
from storage.frontier import Frontier
from storage.runs import CrawlRuns

log = logging.getLogger("newswatch.crawl")

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
FAILED = "failed"



class CrawlRunRecorder:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.engine = crawl_engine(crawler.settings)
        self.max_attempts = crawler.settings.getint("NEWSWATCH_MAX_ATTEMPTS", 5)
        self.backoff = crawler.settings.getfloat("NEWSWATCH_RETRY_BACKOFF", 300.0)
        self.run_id: int | None = None
        self.fatal: str | None = None  # why the crawl was stopped, when a write failed
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        crawler.signals.connect(self.dropped, signal=signals.request_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunRecorder:
        recorder = cls(crawler)
        crawler.newswatch_run = recorder  # type: ignore[attr-defined]
        return recorder

    def opened(self, spider: Spider) -> None:
        try:
            with session_scope(self.engine) as session:
                self.run_id = CrawlRuns(session).start(spider.name, host=socket.gethostname(), pid=os.getpid())
        except SQLAlchemyError as error:
            self.stop(f"cannot record the crawl run: {error_line(error)}")

    def record_failure(
        self,
        url: str,
        kind: str,
        reason: str,
        *,
        request: Request | None = None,
        frontier_url: str | None = None,
        run_id: int | None = None,
        source: str | None = None,
    ) -> None:
        """One request that ended without a page (or a listing that could not be read), written now.
        An article's (its `request` says so, or its `frontier_url` is given) fails in the frontier too.
        `run_id` and `source` default to this crawl's (a cluster worker's requests name their own)."""
        stats = self.crawler.stats
        stats.inc_value(f"newswatch/failures/{kind}")
        stats.inc_value("newswatch/failures")
        article = frontier_url is not None or (request is not None and request.meta.get(META_ROLE) == ROLE_ARTICLE)
        frontier_url = frontier_url or (request.meta.get(META_FRONTIER_URL) if request is not None else None) or url
        # A 429/503 that said Retry-After (crawler/middlewares/retry_after.py): not before that moment.
        retry_after = request.meta.get(META_RETRY_AFTER) if request is not None else None
        not_before = datetime.fromtimestamp(retry_after, UTC) if retry_after else None
        try:
            with session_scope(self.engine) as session:
                state = record_in_frontier(
                    session,
                    run_id if run_id is not None else self.run_id,
                    frontier_url if article else url,
                    kind,
                    reason,
                    article=article,
                    max_attempts=self.max_attempts,
                    backoff=self.backoff,
                    source=source or getattr(self.crawler.spider, "name", None),
                    not_before=not_before,
                )
        except SQLAlchemyError as error:
            self.stop(f"cannot record a failure of {url}: {error_line(error)}")
            return
        if state == "pending":
            stats.inc_value("newswatch/frontier/retry_later")
        elif article:
            stats.inc_value("newswatch/frontier/failed")

    def dropped(self, request: Request, spider: Spider) -> None:
        """A request the scheduler dropped as already seen: for a redirect, that is a redirect loop."""
        if request.meta.get(META_ROLE) == ROLE_ARTICLE and request.meta.get("redirect_times"):
            via = " → ".join(request.meta.get("redirect_urls", [])[-3:])
            self.record_failure(request.url, "redirect_loop", f"redirect loop: {via} → {request.url}", request=request)

    def stop(self, reason: str) -> None:
        """A write failed: stop this crawl now; it ends `failed: reason` and the crawl exits non-zero."""
        if self.fatal is not None:
            return
        self.fatal = reason
        log.error("%s: %s", getattr(self.crawler.spider, "name", "crawl"), reason)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            # Imported here: importing the reactor at module level would install the default one.
            from scrapy.utils.defer import deferred_from_coro
            from twisted.internet import reactor

            reactor.callLater(0, lambda: deferred_from_coro(engine.close_spider_async(reason=FAILED)))

    def closed(self, spider: Spider, reason: str) -> None:
        if self.run_id is None:
            return
        stats = self.crawler.stats.get_stats()
        values = {column: int(stats.get(key, 0)) for column, key in RUN_STATS.items()}
        if self.fatal is not None:
            status = FAILED  # the reason is in stats["newswatch/fatal"]
        else:
            status = "finished" if reason == "finished" else f"stopped: {reason}"
        extra = {
            key: value for key, value in stats.items() if key.startswith(("newswatch/", "downloader/response_status"))
        }
        if self.fatal is not None:
            extra["newswatch/fatal"] = self.fatal
        try:
            with session_scope(self.engine) as session:
                promote_settled_listings(session)
                CrawlRuns(session).finish(self.run_id, {**values, "extra": extra}, status)
        except SQLAlchemyError as error:
            # The next crawl closes this run as interrupted (its process is gone by then).
            if self.fatal is None:
                self.fatal = f"cannot close the crawl run: {error_line(error)}"
            log.error("%s: %s", spider.name, self.fatal)


def promote_settled_listings(session) -> int:
    """Listings all of whose articles are settled send their held validators from now on."""
    feeds = FeedStates(session)
    holding = feeds.holding()
    if not holding:
        return 0
    waiting = Frontier(session).unsettled_listings(holding)
    return feeds.promote([url for url in holding if url not in waiting])


def recorder_of(crawler: Crawler) -> CrawlRunRecorder | None:
    return getattr(crawler, "newswatch_run", None)


def record_failure(crawler: Crawler, url: str, kind: str, reason: str, *, request: Request | None = None) -> None:
    """Record a failure on the crawl's run, from any component that has the crawler."""
    recorder = recorder_of(crawler)
    if recorder is not None:
        recorder.record_failure(url, kind, reason, request=request)
    elif crawler.stats is not None:  # a crawler without the recorder (a unit test): counted all the same
        crawler.stats.inc_value(f"newswatch/failures/{kind}")
        crawler.stats.inc_value("newswatch/failures")
