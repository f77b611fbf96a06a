"""The frontier, as a spider middleware: what a crawl fetches is re-derived from the database.

- At the start, after the spider's listings, it requests every pending article of the source that is
  due (left unsettled by a killed crawl, or waiting to retry a passing failure).
- For each listing read, all its article links are checked in one query (crawler/frontier.py): new
  ones and newer versions enter the frontier before any is requested, in the same transaction that
  holds the listing's new validators (and a sitemap index's children) back until they are settled.
- Bounded: at most `[crawl] max_articles_per_listing` (NEWSWATCH_MAX_ARTICLES_PER_LISTING) of one
  listing's articles are requested per crawl, and at most as many due ones resumed per source, the
  longest waiting first. All of a listing's links enter the frontier all the same: the rest stay
  pending and due, and the next crawls request them. Listings (feeds, sitemaps, section pages) are
  downloaded up to `[crawl] max_listing_bytes` (NEWSWATCH_MAX_LISTING_BYTES): a larger one is
  cancelled and recorded `too_large`.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from sqlalchemy.exc import SQLAlchemyError

from crawler.database import crawl_engine
from crawler.extensions.crawl_run import recorder_of
from crawler.frontier import plan_listing
from crawler.items import (
    META_HINTS,
    META_LISTING_READ,
    META_ROLE,
    META_SOURCE,
    ROLE_ARTICLE,
    ROLE_FEED,
    ROLE_SECTION,
    ROLE_SITEMAP,
)
from crawler.middlewares import response_header
from storage.db import error_line, session_scope
from storage.feeds import FeedStates
from storage.frontier import Frontier


class FrontierMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.engine = crawl_engine(crawler.settings)
        self.max_articles = crawler.settings.getint("NEWSWATCH_MAX_ARTICLES_PER_LISTING", 500)
        self.max_listing_bytes = crawler.settings.getint("NEWSWATCH_MAX_LISTING_BYTES", 8 * 1024 * 1024)
        if page_limit := crawler.settings.getint("DOWNLOAD_MAXSIZE"):  # never above the limit of any page
            self.max_listing_bytes = min(self.max_listing_bytes, page_limit) if self.max_listing_bytes else page_limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierMiddleware:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for request in start:
            yield self._bounded(request)
        spider = self.crawler.spider
        resume = getattr(spider, "resume_request", None)
        if resume is None:
            return
        try:
            with session_scope(self.engine) as session:
                due = [
                    (row.url, row.listing_url, dict(row.hints or {}))
                    for row in Frontier(session).due(spider.name, _now(), limit=self.max_articles)
                ]
        except SQLAlchemyError as error:
            self._stop(f"cannot read the frontier: {error_line(error)}")
            return
        for url, listing_url, hints in due:
            request = resume(url, listing_url, hints)
            if request is not None:
                self.crawler.stats.inc_value("newswatch/frontier/resumed")
                yield request

    def process_spider_output(self, response: Response, result: Iterable[Any], spider: Any = None) -> Iterator[Any]:
        articles: list[Request] = []
        children: list[str] = []
        for output in result:
            if _keep_back(output, articles, children):
                yield self._bounded(output)
        yield from self._settle_listing(response, articles, children)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterable[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        articles: list[Request] = []
        children: list[str] = []
        async for output in result:
            if _keep_back(output, articles, children):
                yield self._bounded(output)
        for request in self._settle_listing(response, articles, children):
            yield request

    def _settle_listing(self, response: Response, articles: list[Request], children: list[str]) -> Iterator[Request]:
        read = bool(response.meta.get(META_LISTING_READ)) and response.status == 200
        if not articles and not read:
            return
        # A cluster worker's one spider crawls every source: the response says whose listing it is.
        source = response.meta.get(META_SOURCE) or self.crawler.spider.name
        links = [(request.url, dict(request.meta.get(META_HINTS) or {})) for request in articles]
        try:
            with session_scope(self.engine) as session:
                plan = plan_listing(session, source, response.url, links, _now())
                frontier = Frontier(session)
                frontier.want(plan.want, _now())
                frontier.relisted(plan.relisted, response.url)
                if read:
                    is_index = response.meta.get(META_ROLE) == ROLE_SITEMAP and bool(children)
                    FeedStates(session).hold(
                        response.url,
                        response_header(response, "ETag"),
                        response_header(response, "Last-Modified"),
                        response.status,
                        children=children if is_index else None,
                    )
        except SQLAlchemyError as error:
            self._stop(f"cannot write the frontier for {response.url}: {error_line(error)}")
            return
        stats = self.crawler.stats
        stats.inc_value("newswatch/skipped/known", plan.skipped_known)
        stats.inc_value("newswatch/frontier/waiting", plan.waiting)
        wanted = set(plan.fetch)
        requested = [request for request in articles if request.url in wanted]
        # The rest are in the frontier, pending and due: the next crawls request them.
        stats.inc_value("newswatch/frontier/deferred", max(len(requested) - self.max_articles, 0))
        yield from requested[: self.max_articles]

    def _bounded(self, output: Any) -> Any:
        """A listing request, downloaded up to max_listing_bytes (unless it names its own limit)."""
        if isinstance(output, Request) and output.meta.get(META_ROLE) in LISTING_ROLES and self.max_listing_bytes:
            output.meta.setdefault("download_maxsize", self.max_listing_bytes)
        return output

    def _stop(self, reason: str) -> None:
        recorder = recorder_of(self.crawler)
        if recorder is not None:
            recorder.stop(reason)


LISTING_ROLES = frozenset({ROLE_FEED, ROLE_SITEMAP, ROLE_SECTION})


def _keep_back(output: Any, articles: list[Request], children: list[str]) -> bool:
    """Whether to pass `output` on now: article requests wait for the frontier (kept in `articles`);
    a sitemap request passes, its URL noted as a child of the listing."""
    if not isinstance(output, Request):
        return True
    role = output.meta.get(META_ROLE)
    if role == ROLE_ARTICLE:
        articles.append(output)
        return False
    if role == ROLE_SITEMAP:
        children.append(output.url)
    return True


def _now() -> datetime:
    return datetime.now(UTC)
