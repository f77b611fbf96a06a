"""What spiders yield: the raw page, untouched. Extraction, dedup and storage happen in pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class PageItem:
    url: str  # the URL fetched (after redirects)
    source: str  # the source's name in sources.toml
    body: bytes = field(repr=False)
    status: int
    fetched_at: datetime  # timezone-aware UTC
    encoding: str | None = None  # the charset the server declared in Content-Type
    discovered_via: str | None = None  # the feed, sitemap or section URL that linked to it
    hints: dict[str, str] = field(default_factory=dict)  # what the feed/sitemap said (title, published)


# request.meta keys shared by spiders and middlewares
META_SOURCE = "newswatch_source"
META_ROLE = "newswatch_role"  # one of ROLE_*
ROLE_FEED = "feed"
ROLE_SITEMAP = "sitemap"
ROLE_SECTION = "section"
ROLE_ARTICLE = "article"
META_HINTS = "newswatch_hints"
META_DISCOVERED_VIA = "newswatch_discovered_via"
