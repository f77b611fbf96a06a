"""Save every response as it arrives (`newswatch crawl --record DIR`), in the snapshot format."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.snapshot import SnapshotWriter


class RecordMiddleware:
    def __init__(self, writer: SnapshotWriter) -> None:
        self.writer = writer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RecordMiddleware:
        directory = crawler.settings.get("NEWSWATCH_RECORD_DIR")
        if not directory:
            raise NotConfigured
        middleware = cls(SnapshotWriter(Path(directory)))
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status == 304:  # a replay must serve the page itself, not "unchanged"
            return response
        headers = {key.decode(): response.headers.get(key).decode("latin-1") for key in response.headers}
        self.writer.save(response.url, response.status, headers, response.body)
        return response

    def close(self) -> None:
        self.writer.close()
