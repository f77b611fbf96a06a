"""Incremental crawls: an article URL already stored is not fetched again, unless its listing now
dates it later than when we fetched it (a newer sitemap <lastmod> or feed <updated>).

The listing's date at fetch time is kept in feed_state under the article's URL (see
pipelines/store.py), so the decision needs the database only, not this process's memory.
"""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawler.database import crawl_engine
from crawler.extraction.metadata import parse_date
from crawler.items import META_HINTS, META_ROLE, ROLE_ARTICLE
from storage.db import session_scope
from storage.repositories import ArticleStore, FeedStates

# Hints a listing gives an article, most telling first: when it last changed.
VERSION_HINTS = ("modified", "published")


def listed_version(hints: dict[str, str]) -> str | None:
    """The listing's date for an article, as the listing wrote it."""
    return next((hints[key] for key in VERSION_HINTS if hints.get(key)), None)


class KnownUrlMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.engine = crawl_engine(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KnownUrlMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get(META_ROLE) != ROLE_ARTICLE:
            return
        listed = listed_version(request.meta.get(META_HINTS) or {})
        with session_scope(self.engine) as session:
            if not ArticleStore(session).known_urls([request.url]):
                return
            state = FeedStates(session).get(request.url)
            fetched_as = state.last_modified if state else None
        if _later(listed, fetched_as):
            self.crawler.stats.inc_value("newswatch/refetch/changed")
            return
        self.crawler.stats.inc_value("newswatch/skipped/known")
        raise IgnoreRequest(f"already stored: {request.url}")


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
