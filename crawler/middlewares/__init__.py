"""Scrapy middlewares (the frontier is a spider middleware, the rest downloader ones): one job each,
ordered in crawler/settings.py."""

from scrapy.http import Response


def response_header(response: Response, name: str) -> str | None:
    """A response header as text (latin-1, as HTTP sends it), or None."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
