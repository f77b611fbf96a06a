"""Incremental crawls: an article URL already stored is not requested again, unless its listing now
dates it later than the version we fetched (a newer sitemap <lastmod> or feed <updated>).

A spider middleware, so that all the article links of one feed or sitemap are checked in one query.
The listing's date at fetch time is kept in feed_state under the article's URL (see
pipelines/store.py): the decision needs the database only, not this process's memory.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.database import crawl_engine
from crawler.extraction.metadata import parse_date
from crawler.items import META_HINTS, META_ROLE, ROLE_ARTICLE
from crawler.versions import listed_version
from storage.db import session_scope
from storage.repositories import ArticleStore, FeedStates


class KnownUrlMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.engine = crawl_engine(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KnownUrlMiddleware:
        return cls(crawler)

    def process_spider_output(self, response: Response, result: Iterable[Any], spider: Any = None) -> Iterator[Any]:
        articles: list[Request] = []
        for output in result:
            if isinstance(output, Request) and output.meta.get(META_ROLE) == ROLE_ARTICLE:
                articles.append(output)
            else:
                yield output
        yield from self._worth_fetching(articles)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterable[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        articles: list[Request] = []
        async for output in result:
            if isinstance(output, Request) and output.meta.get(META_ROLE) == ROLE_ARTICLE:
                articles.append(output)
            else:
                yield output
        for request in self._worth_fetching(articles):
            yield request

    def _worth_fetching(self, requests: list[Request]) -> Iterator[Request]:
        if not requests:
            return
        urls = [request.url for request in requests]
        with session_scope(self.engine) as session:
            known = ArticleStore(session).known_urls(urls)
            versions = {url: state.last_modified for url, state in FeedStates(session).get_many(known).items()}
        stats = self.crawler.stats
        for request in requests:
            if request.url not in known:
                yield request
            elif _later(listed_version(request.meta.get(META_HINTS) or {}), versions.get(request.url)):
                stats.inc_value("newswatch/refetch/changed")
                yield request
            else:
                stats.inc_value("newswatch/skipped/known")


def _later(listed: str | None, fetched_as: str | None) -> bool:
    """Whether the listing's date is later than the one the stored copy was fetched under (or the
    stored copy's is unknown: it was found through a section page; fetched once more, it is known)."""
    new, old = _moment(listed), _moment(fetched_as)
    return new is not None and (old is None or new > old)


def _moment(value: str | None) -> datetime | None:
    parsed = parse_date(value or "")
    if parsed is None:
        return None
    if not isinstance(parsed, datetime):
        parsed = datetime(parsed.year, parsed.month, parsed.day)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
