"""Listings (feeds, sitemaps, sections) are fetched with the ETag / Last-Modified saved last time,
so an unchanged listing costs a 304. The validators live in the database (feed_state)."""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.database import crawl_engine
from crawler.items import META_ROLE, ROLE_ARTICLE
from storage.db import session_scope
from storage.repositories import FeedStates


class ConditionalGetMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.engine = crawl_engine(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        return cls(crawler)

    @staticmethod
    def _is_listing(request: Request) -> bool:
        role = request.meta.get(META_ROLE)
        return bool(role) and role != ROLE_ARTICLE

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not self._is_listing(request):
            return
        with session_scope(self.engine) as session:
            state = FeedStates(session).get(request.url)
        if state is None:
            return
        if state.etag:
            request.headers.setdefault("If-None-Match", state.etag)
        if state.last_modified:
            request.headers.setdefault("If-Modified-Since", state.last_modified)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if self._is_listing(request) and response.status in (200, 304):
            etag = _header(response, "ETag")
            modified = _header(response, "Last-Modified")
            if response.status == 200 or etag or modified:
                with session_scope(self.engine) as session:
                    states = FeedStates(session)
                    previous = states.get(request.url)
                    states.save(
                        request.url,
                        etag or (previous.etag if previous else None),
                        modified or (previous.last_modified if previous else None),
                        response.status,
                    )
        return response


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
