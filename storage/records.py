"""What goes into the store and what comes back: plain values, no database types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


@dataclass(slots=True)
class ArticleRecord:
    """One extracted article, as the crawl pipeline hands it to `ArticleStore.store`."""

    url: str  # the URL fetched
    source: str  # the source's name
    text: str
    fetched_at: datetime  # timezone-aware
    canonical_url: str | None = None  # as the page declared it (rel=canonical / og:url); normalised on store
    title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601 as extracted: a datetime with offset, or a bare date
    language: str | None = None
    paywalled: bool = False


class StoreOutcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"  # same URL, changed text or title: the old version is kept as a revision
    DUPLICATE = "duplicate"  # a new URL with a stored story's text (exactly or nearly): linked to it
    UNCHANGED = "unchanged"  # same URL, same content: only last_seen moves


@dataclass(frozen=True, slots=True)
class StoreResult:
    outcome: StoreOutcome
    article_id: int
    duplicate_of: int | None = None
    similarity: float | None = None  # estimated Jaccard similarity to `duplicate_of` (1.0 for an exact copy)


def parse_published(value: str | None) -> datetime | None:
    """The extractor's ISO 8601 date as a UTC datetime for sorting; a bare date is midnight UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
