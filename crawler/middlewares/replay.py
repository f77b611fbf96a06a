"""Serve every request from a saved site (`newswatch crawl --replay DIR`): no network at all."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.responsetypes import responsetypes

from crawler.snapshot import Snapshot

NOT_SAVED_HEADER = "X-Newswatch-Not-Saved"


class ReplayMiddleware:
    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayMiddleware:
        directory = crawler.settings.get("NEWSWATCH_REPLAY_DIR")
        if not directory:
            raise NotConfigured
        return cls(Snapshot(Path(directory)))

    def process_request(self, request: Request, spider: Spider | None = None) -> Response:
        page = self.snapshot.get(request.url)
        if page is None:
            return Response(request.url, status=404, headers={NOT_SAVED_HEADER: "1"}, request=request)
        etag = page.headers.get("ETag")
        modified = page.headers.get("Last-Modified")
        if (etag and request.headers.get("If-None-Match", b"").decode() == etag) or (
            modified and not etag and request.headers.get("If-Modified-Since", b"").decode() == modified
        ):
            return Response(request.url, status=304, headers=page.headers, request=request)
        body = self.snapshot.body(page)
        response_class = responsetypes.from_args(headers=page.headers, url=request.url, body=body)
        return response_class(request.url, status=page.status, headers=page.headers, body=body, request=request)
