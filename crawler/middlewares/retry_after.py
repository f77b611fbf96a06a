"""Scrapy's retries, honouring `Retry-After` per domain (it takes RetryMiddleware's place, at 550).

A 429 or 503 with `Retry-After` (seconds, or an HTTP date) holds the whole host, not only the one
request: until that moment every new request to it waits here, and the ones already queued in the
host's downloader slot wait there (the slot is held like a download delay holds it; with
`download_delay = 0` the slot may already have sent its next request in the instant before this
middleware sees the 503, since Scrapy frees the slot first). The wait
is capped by `[crawl] max_retry_after` (NEWSWATCH_MAX_RETRY_AFTER, default 600 s). The moment is also
left on the request (META_RETRY_AFTER) when the retries are used up, so the frontier does not try
that article again before it (crawler/extensions/crawl_run.py).
"""

from __future__ import annotations

import asyncio
import time
from email.utils import parsedate_to_datetime

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.asyncio import call_later, is_asyncio_available
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

META_RETRY_AFTER = "newswatch_retry_after"  # epoch seconds: the response asked not to come back before
WAIT_STATUSES = frozenset({429, 503})


def retry_after_seconds(value: str | bytes | None, now: float) -> float | None:
    """How long a `Retry-After` value asks to wait, from `now` (epoch seconds); None if it is unreadable."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # an HTTP date is GMT
        return None
    return max(moment.timestamp() - now, 0.0)


class RetryAfterMiddleware(RetryMiddleware):
    def __init__(self, settings, cap: float) -> None:
        super().__init__(settings)
        self.cap = cap
        self.until: dict[str, float] = {}  # host -> epoch seconds before which it is not asked again

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        middleware = cls(crawler.settings, crawler.settings.getfloat("NEWSWATCH_MAX_RETRY_AFTER", 600.0))
        middleware.crawler = crawler
        return middleware

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        request.meta.pop(META_RETRY_AFTER, None)  # a retry carries its predecessor's meta
        wait = self.until.get(_host(request), 0.0) - time.time()
        if wait > 0:
            self.crawler.stats.inc_value("newswatch/retry_after/waited")
            await _sleep(wait)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if response.status in WAIT_STATUSES:
            now = time.time()
            seconds = retry_after_seconds(response.headers.get("Retry-After"), now)
            if seconds is not None:
                if seconds > self.cap:
                    self.crawler.stats.inc_value("newswatch/retry_after/capped")
                moment = now + min(seconds, self.cap)
                host = _host(request)
                self.until[host] = max(self.until.get(host, 0.0), moment)
                request.meta[META_RETRY_AFTER] = moment
                self._hold_slot(request, self.until[host] - now)
        return super().process_response(request, response)

    def _hold_slot(self, request: Request, wait: float) -> None:
        """The requests already queued for the host wait too: its downloader slot sends nothing before
        the moment (Scrapy's own hold for DOWNLOAD_DELAY, `slot.latercall`; skipped if it is not there)."""
        downloader = getattr(self.crawler.engine, "downloader", None)
        slots = getattr(downloader, "slots", None)
        if not slots or wait <= 0:
            return
        slot = slots.get(downloader.get_slot_key(request))
        release = getattr(downloader, "_latercall", None)
        if slot is None or release is None or not hasattr(slot, "latercall"):
            return
        if slot.latercall is not None:
            slot.latercall.cancel()  # a download delay's shorter hold: the queue is looked at again after ours
        slot.latercall = call_later(wait, release, slot)


async def _sleep(seconds: float) -> None:
    if is_asyncio_available():
        await asyncio.sleep(seconds)
        return
    from twisted.internet import reactor, task

    await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))


def _host(request: Request) -> str:
    return (urlparse_cached(request).hostname or "").lower()
