"""What kind of failure ended a request without a page: one short kind for the crawl run, the
frontier and crawl health (`http_503`, `timeout`, `too_large`, `redirect_loop`, `refused:robots`…)."""

from __future__ import annotations

import re
from functools import lru_cache

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

_EXCEPTION_KINDS = (
    ("TimeoutError", "timeout"), ("TCPTimedOut", "timeout"),
    ("ConnectionLost", "connection"), ("ConnectionRefused", "connection"), ("ConnectionDone", "connection"),
    ("ResponseNeverReceived", "connection"), ("ResponseFailed", "connection"), ("DNSLookupError", "dns"),
    # Scrapy 2.19's download handler raises its own types in place of Twisted's.
    ("CannotResolveHostError", "dns"), ("DownloadFailedError", "connection"),
    ("Cancelled", "too_large"), ("DownloadCancelled", "too_large"),
)
# Scrapy's IgnoreRequest messages, by what they mean.
_IGNORED_KINDS = (
    # crawler/middlewares/ssrf.py: a non-public address, a redirect hop off the outlet (first: their
    # messages hold URLs, and a URL may hold "robots.txt"; these markers hold a space, which no URL does)
    ("private address", "refused:private_address"),
    ("offsite redirect", "refused:offsite_redirect"),
    ("robots.txt", "refused:robots"),
    ("offsite", "refused:offsite"),
    ("max redirections", "too_many_redirects"),
    ("DOWNLOAD_MAXSIZE", "too_large"),
    ("max size", "too_large"),
)


# A bot challenge answers 503 (or 429) with a challenge page, or 403/429/503 with Cloudflare's
# `cf-mitigated: challenge`. A 403 page alone is not one ("You don't have permission…" is Apache's 403).
CHALLENGE_STATUSES = frozenset({403, 429, 503})
_CHALLENGE_PAGE_STATUSES = frozenset({429, 503})
_CHALLENGE_SCAN_BYTES = 64 * 1024


@lru_cache(maxsize=1)
def _challenge_text() -> re.Pattern[str]:
    from crawler.extraction.rules import CHALLENGE_PATTERNS  # data only; imported when first needed

    return re.compile("|".join(f"(?:{pattern})" for pattern in CHALLENGE_PATTERNS), re.IGNORECASE)


def challenge_marker(response: Response) -> str | None:
    """What marks an error response as a bot challenge (a header, or a phrase of the page); None if nothing."""
    if response.status not in CHALLENGE_STATUSES:
        return None
    mitigated = (response.headers.get("cf-mitigated") or b"").decode("latin-1").strip().lower()
    if mitigated == "challenge":
        return "cf-mitigated: challenge"
    if response.status not in _CHALLENGE_PAGE_STATUSES:
        return None
    found = _challenge_text().search(response.body[:_CHALLENGE_SCAN_BYTES].decode("utf-8", "replace"))
    return repr(found.group(0)) if found else None


def exception_kind(exception: BaseException) -> str:
    name = type(exception).__name__
    text = f"{name} {exception}"
    if "maxsize" in text.lower() or "max size" in text.lower():
        return "too_large"
    return next((kind for marker, kind in _EXCEPTION_KINDS if marker in text), "download")


def classify(failure: Failure) -> tuple[str, str]:
    """(kind, one-line reason) of a request's errback failure."""
    if failure.check(HttpError):
        response = failure.value.response
        status = response.status
        if marker := challenge_marker(response):
            return "not_article:challenge", f"HTTP {status}: bot challenge ({marker})"
        return f"http_{status}", f"HTTP {status}"
    exception = failure.value
    text = " ".join(str(exception).split())
    if failure.check(IgnoreRequest):
        kind = next((kind for marker, kind in _IGNORED_KINDS if marker.lower() in text.lower()), "ignored")
        return kind, text or "ignored"
    reason = f"{type(exception).__name__}: {text}".strip().rstrip(":")
    return exception_kind(exception), reason[:500]
