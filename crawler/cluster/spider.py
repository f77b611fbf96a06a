"""The worker's one spider: a scrapy-redis RedisSpider that crawls every source of the config.

A job (`{"source": …, "run": …}` from the jobs list) becomes that source's listing requests plus
its pending frontier rows that are due (what a killed worker or an earlier cycle left unsettled).
The parsing is the source's own spider's (spiders/): one instance per source and run (its
once-per-run memory of articles and sitemaps stays per run), to which each callback is handed.
Requests go through the shared Redis queue, so their callbacks are this spider's methods of the
same names, found again by name on whichever worker pops them.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from scrapy import Request
from scrapy.http import Response
from scrapy_redis.spiders import RedisSpider
from sqlalchemy.exc import SQLAlchemyError
from twisted.python.failure import Failure

from crawler.cluster import META_RUN
from crawler.cluster.node import job_of
from crawler.config import Config
from crawler.items import META_SOURCE, Page
from spiders.base import NewsSourceSpider
from storage.db import error_line, session_scope
from storage.frontier import Frontier

log = logging.getLogger("newswatch.cluster")
CALLBACKS = ("parse_feed", "parse_sitemap", "parse_section", "parse_article")
_KEEP_DELEGATES = 256


class ClusterSpider(RedisSpider):
    name = "newswatch_worker"
    redis_batch_size = 1  # a job at a time: one held in memory is one a killed worker can lose

    def __init__(self, config: Config, max_idle: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.config = config
        self.sources = {source.name: source for source in config.sources}
        self.classes = {name: NewsSourceSpider.for_source(source) for name, source in self.sources.items()}
        self.allowed_domains = sorted({domain for s in self.sources.values() for domain in s.allowed_domains})
        # What crawler/middlewares/ssrf.py reads of a spider's source: every source's networks.
        networks = tuple(network for s in self.sources.values() for network in (s.allowed_networks or ()))
        self.source = SimpleNamespace(allowed_networks=networks)
        self.max_idle_seconds = max_idle
        self.idle_since: float | None = None
        self.worked = False  # a job taken or a response handled: from then on, max_idle counts
        self._delegates: OrderedDict[tuple[str, int], NewsSourceSpider] = OrderedDict()

    @property
    def cluster(self) -> Any:
        return self.crawler.newswatch_cluster

    def delegate(self, source: str, run: int) -> NewsSourceSpider:
        """The source's own spider for this run (made on first use)."""
        key = (source, run)
        spider = self._delegates.get(key)
        if spider is None:
            spider = self.classes[source](source=self.sources[source], config=self.config)
            spider.crawler = self.crawler
            spider.settings = self.crawler.settings
            self._delegates[key] = spider
            while len(self._delegates) > _KEEP_DELEGATES:
                self._delegates.popitem(last=False)
        else:
            self._delegates.move_to_end(key)
        return spider

    # --- jobs -------------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for request in self.next_requests():
            yield request

    def next_requests(self) -> Iterator[Request]:
        for data in self.fetch_data(self.redis_key, self.redis_batch_size):
            self.idle_since, self.worked = None, True
            job = job_of(data)
            if job is None:
                log.warning("not a crawl job, dropped: %r", data[:200])
                continue
            source, run = job
            self.cluster.hold_job(run, data)
            if source not in self.sources:
                log.warning("job of run %d names source %r, not in this worker's config: dropped", run, source)
            else:
                yield from self.job_requests(source, run)
            self.cluster.job_done(run)  # after its requests are queued (each joined the run's open set)

    def job_requests(self, source: str, run: int) -> Iterator[Request]:
        spider = self.delegate(source, run)
        for request in spider.listing_requests():
            yield self.adopt(request, run)
        limit = self.crawler.settings.getint("NEWSWATCH_MAX_ARTICLES_PER_LISTING", 500)
        try:
            with session_scope(self.cluster.engine) as session:
                due = [
                    (row.url, row.listing_url, dict(row.hints or {}))
                    for row in Frontier(session).due(source, datetime.now(UTC), limit=limit)
                ]
        except SQLAlchemyError as error:
            log.error("%s: cannot read the frontier: %s", source, error_line(error))
            return
        for url, listing_url, hints in due:
            request = spider.resume_request(url, listing_url, hints)
            if request is not None:
                self.crawler.stats.inc_value("newswatch/frontier/resumed")
                yield self.adopt(request, run)

    def adopt(self, request: Request, run: int) -> Request:
        """The delegate's request as this spider's: its run noted, its callbacks ours by name."""
        request.meta[META_RUN] = run
        if request.callback is not None:
            request.callback = getattr(self, request.callback.__name__)
        request.errback = self.on_error
        return request

    def spider_idle(self) -> None:
        """Take the next job; once it has worked, stop after `max_idle` seconds with nothing to do in the
        whole cluster."""
        from scrapy.exceptions import DontCloseSpider

        self.schedule_next_requests()
        if not self.worked:  # not idle before the first job: a worker may start before the scheduler
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if self.max_idle_seconds and now - self.idle_since >= self.max_idle_seconds:
            if not self.cluster.server.scard(self.cluster.keys.runs):
                return
            self.idle_since = now  # runs are open: their requests may come back to the queue
        raise DontCloseSpider

    # --- callbacks: the source's spider's, on the response of its request --------------------------
    def _hand(self, name: str, response: Response) -> Iterator[Any]:
        self.idle_since, self.worked = None, True
        run = int(response.meta[META_RUN])
        spider = self.delegate(response.meta[META_SOURCE], run)
        yield from self._ours(getattr(spider, name)(response), run)

    def _ours(self, outputs: Iterable[Any] | None, run: int) -> Iterator[Any]:
        for output in outputs or ():
            if isinstance(output, Request):
                yield self.adopt(output, run)
            else:
                if isinstance(output, Page):
                    output.run_id = run
                yield output

    def parse_feed(self, response: Response) -> Iterator[Any]:
        return self._hand("parse_feed", response)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        return self._hand("parse_sitemap", response)

    def parse_section(self, response: Response) -> Iterator[Any]:
        return self._hand("parse_section", response)

    def parse_article(self, response: Response) -> Iterator[Any]:
        return self._hand("parse_article", response)

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        run = request.meta.get(META_RUN)
        source = request.meta.get(META_SOURCE)
        if run is not None and source in self.sources:
            self.delegate(source, int(run)).on_error(failure)
        self.cluster.done(request.meta)

    def allows_redirect(self, url: str) -> bool:
        """A redirect hop stays on some source of the config (crawler/middlewares/offsite_redirect.py)."""
        return any(self.delegate(name, 0).on_site(url) for name in self.sources)
