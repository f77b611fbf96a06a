"""Listings (feeds, sitemaps, sections) are fetched with the validators in force, so an unchanged
listing costs a 304. Validators live in the database (feed_state); a listing read in full holds its
new ones back until its articles are settled (crawler/middlewares/frontier.py). On a 304 from a
sitemap index, its children as last listed are handed to the spider: each is fetched with its own
validators, whatever the index answers."""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from sqlalchemy.exc import SQLAlchemyError

from crawler.database import crawl_engine
from crawler.extensions.crawl_run import recorder_of
from crawler.items import META_ROLE, META_SITEMAP_CHILDREN, ROLE_ARTICLE, ROLE_SITEMAP
from crawler.middlewares import response_header
from storage.db import error_line, session_scope
from storage.feeds import NOT_MODIFIED, FeedStates


class ConditionalGetMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
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
        try:
            with session_scope(self.engine) as session:
                state = FeedStates(session).get(request.url)
        except SQLAlchemyError as error:
            self._stop(f"cannot read validators of {request.url}: {error_line(error)}")
            return
        if state is None:
            return
        if state.etag:
            request.headers.setdefault("If-None-Match", state.etag)
        if state.last_modified:
            request.headers.setdefault("If-Modified-Since", state.last_modified)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if not self._is_listing(request) or response.status != NOT_MODIFIED:
            return response
        try:
            with session_scope(self.engine) as session:
                states = FeedStates(session)
                previous = states.get(request.url)
                etag, modified = response_header(response, "ETag"), response_header(response, "Last-Modified")
                states.save(request.url, etag, modified, NOT_MODIFIED)
                children = list(previous.children or []) if previous is not None else []
        except SQLAlchemyError as error:
            self._stop(f"cannot save validators of {request.url}: {error_line(error)}")
            return response
        if request.meta.get(META_ROLE) == ROLE_SITEMAP and children:
            request.meta[META_SITEMAP_CHILDREN] = children
        return response

    def _stop(self, reason: str) -> None:
        recorder = recorder_of(self.crawler)
        if recorder is not None:
            recorder.stop(reason)
