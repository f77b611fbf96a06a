"""The cluster's Scrapy middlewares (set by crawler/cluster/worker.py).

- InflightMiddleware (downloader, first): a request the worker starts is held in its inflight hash
  until it settles; the run's counters of pages and bytes fetched.
- PolitenessMiddleware (downloader, last before the download): one delay and one concurrency limit
  per host for the whole cluster, from a next-allowed moment and a set of requests in flight in Redis;
  a Retry-After pushes that moment on for every worker. It sits after the redirect and retry
  middlewares so that it frees its slot on every answer, before any of them turns it into a new request.
- SettleMiddleware (spider, outermost): a response whose callback yielded no page is settled when
  its output has been queued; a page settles in the pipeline once stored or failed.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from crawler.cluster import META_RUN
from crawler.items import Page
from crawler.middlewares.retry_after import WAIT_STATUSES, retry_after_seconds

META_SLOT = "newswatch_slot"  # the token of the host's cluster-wide slot this request holds


class InflightMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.cluster = crawler.newswatch_cluster  # type: ignore[attr-defined]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> InflightMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        self.cluster.hold(request)

    def process_response(self, request: Request, response: Response) -> Response:
        run = request.meta.get(META_RUN)
        if run is not None:
            self.cluster.count(
                run, pages_fetched=1, bytes_fetched=len(response.body), not_modified=int(response.status == 304)
            )
        return response


class PolitenessMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.cluster = crawler.newswatch_cluster  # type: ignore[attr-defined]
        self.stats = crawler.stats
        settings = crawler.settings
        self.delay = settings.getfloat("NEWSWATCH_CLUSTER_DELAY", 0.0)
        self.limit = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 0)
        # A slot a dead worker never freed comes back once its download has surely timed out.
        self.lease = settings.getfloat("DOWNLOAD_TIMEOUT", 180.0) + 30.0
        self.cap = settings.getfloat("NEWSWATCH_MAX_RETRY_AFTER", 600.0)
        self.tokens = itertools.count()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PolitenessMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        host = _host(request)
        token = request.meta[META_SLOT] = f"{self.cluster.worker_id}:{next(self.tokens)}"
        while (wait := self.cluster.take_slot(host, token, self.delay, self.limit, self.lease)) > 0:
            self.stats.inc_value("newswatch/cluster/polite_waits")
            await asyncio.sleep(min(wait, 1.0))

    def process_response(self, request: Request, response: Response) -> Response:
        self._free(request)
        if response.status in WAIT_STATUSES:
            seconds = retry_after_seconds(response.headers.get("Retry-After"), time.time())
            if seconds:
                self.cluster.hold_off(_host(request), min(seconds, self.cap))
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._free(request)

    def _free(self, request: Request) -> None:
        token = request.meta.pop(META_SLOT, None)
        if token is not None:
            self.cluster.free_slot(_host(request), token)


def _host(request: Request) -> str:
    return (urlparse_cached(request).hostname or "").lower()


class SettleMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.cluster = crawler.newswatch_cluster  # type: ignore[attr-defined]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SettleMiddleware:
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any], spider: Any = None) -> Iterator[Any]:
        page = False
        for output in result:
            page = page or isinstance(output, Page)
            yield output
        if not page:
            self.cluster.done(response.meta)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterable[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        page = False
        async for output in result:
            page = page or isinstance(output, Page)
            yield output
        if not page:
            self.cluster.done(response.meta)

    def process_spider_exception(self, response: Response, exception: Exception, spider: Any = None) -> None:
        self.cluster.done(response.meta)  # the callback failed on it (logged by Scrapy): nothing more to do

