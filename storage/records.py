"""What goes into the store and what comes back: plain values, no database types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class TextFingerprint:
    """What dedup needs of a text, computed by the caller (crawler/dedup/fingerprints.py)."""

    word_count: int
    content_hash: str  # sha256 of the normalised text
    minhash: bytes  # the packed MinHash signature
    keys: tuple[int, ...]  # its LSH band keys; empty when the text is too short to call anything a copy
    facts: str | None = None  # its figures and names, packed (crawler/dedup/facts.py): copy or another report


@dataclass(slots=True)
class ArticleRecord:
    """One extracted article, as the store stage hands it to `ArticleStore.insert` / `revise`."""

    url: str  # the URL fetched
    source: str  # the source's name
    text: str
    fetched_at: datetime  # timezone-aware
    canonical_url: str  # the story's URL key (crawler.dedup.canonical_url of the page's declared canonical)
    url_key: str  # the fetched URL, normalised the same way
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
