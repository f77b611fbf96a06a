"""Pages that could not be fetched (after retries) are recorded on the crawl run with URL and reason."""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.extensions.crawl_run import record_failure
from crawler.items import META_ROLE

_EXCEPTION_KINDS = (
    ("TimeoutError", "timeout"), ("TCPTimedOut", "timeout"),
    ("ConnectionLost", "connection"), ("ConnectionRefused", "connection"), ("ConnectionDone", "connection"),
    ("ResponseNeverReceived", "connection"), ("ResponseFailed", "connection"), ("DNSLookupError", "dns"),
    ("Cancelled", "too_large"), ("DownloadCancelled", "too_large"),
)


def exception_kind(exception: BaseException) -> str:
    name = type(exception).__name__
    text = f"{name} {exception}"
    if "maxsize" in text.lower() or "max size" in text.lower():
        return "too_large"
    return next((kind for marker, kind in _EXCEPTION_KINDS if marker in text), "download")


class FailureMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FailureMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status >= 400 and request.meta.get(META_ROLE):
            record_failure(self.crawler, request.url, f"http_{response.status}", f"HTTP {response.status}")
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        if not request.meta.get(META_ROLE) or isinstance(exception, IgnoreRequest):
            return  # robots.txt and the like; requests skipped on purpose (already stored, robots)
        reason = f"{type(exception).__name__}: {exception}".strip().rstrip(":")
        record_failure(self.crawler, request.url, exception_kind(exception), reason[:500])
