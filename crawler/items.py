"""The one item shape: a fetched `Page`, raw as the spider yields it, then filled in by the stages
(crawler/stages/): `.article` by extract, `.fingerprint` by fingerprint, `.dedup` by dedup, `.outcome`
by store (or by any stage that gives up on the page), `.alerts` by match."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.dedup.fingerprints import Fingerprint
    from crawler.extraction import Article


class OutcomeKind(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    DUPLICATE = "duplicate"
    UNCHANGED = "unchanged"
    FAILED = "failed"  # the page was fetched but is no article, or could not be read


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of a page: stored as `article_id`, or failed with a kind (`not_article:consent`,
    `extraction:binary`) and a reason. Small and picklable: the workers send it back."""

    kind: OutcomeKind
    article_id: int | None = None
    failure: str | None = None  # the failure's kind
    reason: str | None = None
    alerts: int = 0  # alerts recorded by the match stage
    settled: bool = True  # False: a passing failure, the frontier tries it again later

    @property
    def stored(self) -> bool:
        return self.kind is not OutcomeKind.FAILED


@dataclass(frozen=True, slots=True)
class Dedup:
    """Which stored story a page is: `revisit` of the article stored under its URL, or a new article
    that is a copy of `original` (None: a story of its own)."""

    revisit: int | None = None  # the article id stored under this page's URL key
    original: int | None = None
    similarity: float | None = None


@dataclass(slots=True)
class Page:
    url: str  # the URL fetched (after redirects)
    source: str  # the source's name in sources.toml
    body: bytes = field(repr=False)
    status: int
    fetched_at: datetime  # timezone-aware UTC
    encoding: str | None = None  # the charset the server declared in Content-Type
    requested_url: str | None = None  # the URL the frontier knows it by (before redirects)
    discovered_via: str | None = None  # the feed, sitemap or section URL that linked to it
    hints: dict[str, str] = field(default_factory=dict)  # what the feed/sitemap said (title, published)
    run_id: int | None = None  # the crawl run it belongs to
    # filled by the stages
    article: Article | None = None
    fingerprint: Fingerprint | None = None
    canonical_url: str | None = None
    dedup: Dedup | None = None
    outcome: Outcome | None = None

    @property
    def frontier_url(self) -> str:
        return self.requested_url or self.url

    @property
    def done(self) -> bool:
        """Whether a stage has already given up on the page (the later stages pass it through)."""
        return self.outcome is not None and not self.outcome.stored

    def fail(self, kind: str, reason: str, *, settled: bool = True) -> Page:
        self.outcome = Outcome(OutcomeKind.FAILED, failure=kind, reason=reason, settled=settled)
        return self


# request.meta keys shared by spiders and middlewares
META_SOURCE = "newswatch_source"
META_ROLE = "newswatch_role"  # one of ROLE_*
ROLE_FEED = "feed"
ROLE_SITEMAP = "sitemap"
ROLE_SECTION = "section"
ROLE_ARTICLE = "article"
META_HINTS = "newswatch_hints"
META_DISCOVERED_VIA = "newswatch_discovered_via"
META_FRONTIER_URL = "newswatch_frontier_url"  # an article request's frontier key, kept across redirects
META_LISTING_READ = "newswatch_listing_read"  # set by the spider once a listing parsed: its validators may be held
META_SITEMAP_CHILDREN = "newswatch_sitemap_children"  # an unchanged index's children, from the database
