"""Fetch one page for `newswatch extract URL` (crawls go through Scrapy, not through this)."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from crawler import __version__
from crawler.extraction.decoding import charset_from_content_type

USER_AGENT = f"newswatch/{__version__} (+https://github.com/newswatch/newswatch)"
TIMEOUT_SECONDS = 30
MAX_BYTES = 16 * 1024 * 1024


class FetchError(Exception):
    """A page that could not be fetched; the message names the URL's problem."""


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str  # after redirects
    body: bytes
    encoding: str | None  # the charset the server declared


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def fetch_page(url: str, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_BYTES) -> FetchedPage:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise FetchError(f"page is over the {max_bytes / 1e6:.0f} MB limit")
            return FetchedPage(
                url=response.geturl(),
                body=body,
                encoding=charset_from_content_type(response.headers.get("Content-Type")),
            )
    except urllib.error.HTTPError as exc:
        raise FetchError(f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise FetchError(f"cannot fetch: {exc.reason}") from exc
    except (TimeoutError, ConnectionError) as exc:
        raise FetchError(f"cannot fetch: {exc}") from exc
