"""The database schema as typed SQLAlchemy 2 models. Alembic migrations in storage/migrations/ match it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import BigIntKey, Json, UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: Json, list[str]: Json}


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    homepage: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(Text)  # as fetched
    url_key: Mapped[str] = mapped_column(Text, index=True)  # canonical_url(url): the fetched URL, normalised
    canonical_url: Mapped[str] = mapped_column(Text, unique=True)  # crawler.dedup.canonical_url
    title: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(default=list)
    published: Mapped[str | None] = mapped_column(String(64))  # ISO 8601 as the page gave it
    published_at: Mapped[datetime | None] = mapped_column(index=True)  # the same, parsed, for sorting
    language: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    paywalled: Mapped[bool] = mapped_column(default=False)
    word_count: Mapped[int] = mapped_column(default=0)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of the normalised text
    minhash: Mapped[bytes] = mapped_column(LargeBinary)  # MinHash signature, 32 × 4 bytes
    facts: Mapped[str | None] = mapped_column(Text)  # the text's figures and names (crawler/dedup/facts.py)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    revision_count: Mapped[int] = mapped_column(default=0)
    # True from the moment a version is stored until it has been matched against the watch rules
    # (crawler/stages/match.py): whatever dies in between, the next crawl matches what is still marked.
    needs_match: Mapped[bool] = mapped_column(default=True, index=True)

    source: Mapped[Source] = relationship(lazy="joined", innerjoin=True)
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="article", order_by="Revision.id", cascade="all, delete-orphan", passive_deletes=True
    )


class Revision(Base):
    """An article's earlier version, kept when its page changed."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="revisions")


class NearDupKey(Base):
    """The LSH band keys of an article's MinHash: equal keys find near-duplicate candidates by index."""

    __tablename__ = "near_dup_keys"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_near_dup_keys_article_id", "article_id"),)


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(32), default="running")
    pages_fetched: Mapped[int] = mapped_column(default=0)
    bytes_fetched: Mapped[int] = mapped_column(BigInteger, default=0)
    not_modified: Mapped[int] = mapped_column(default=0)
    new: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Which process runs it: a run left `running` by a process that is gone is closed as `interrupted`.
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None]

    failures: Mapped[list[CrawlFailure]] = relationship(
        back_populates="run", order_by="CrawlFailure.id", cascade="all, delete-orphan", passive_deletes=True
    )


class CrawlFailure(Base):
    """A page of a run that failed (`http_500`, `timeout`) or was no article (`not_article:challenge`)."""

    __tablename__ = "crawl_failures"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    run: Mapped[CrawlRun] = relationship(back_populates="failures")


class FeedState(Base):
    """The validators of a feed or sitemap's last response, for a conditional GET next time.

    A listing's new validators wait in `pending_*` until every article it listed is settled (see
    storage/frontier.py): only then may the next fetch be a 304, so a 304 never hides unsettled work.
    """

    __tablename__ = "feed_state"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)  # the header as sent: it is echoed back
    last_status: Mapped[int | None]
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    pending_etag: Mapped[str | None] = mapped_column(Text)
    pending_last_modified: Mapped[str | None] = mapped_column(Text)
    has_pending: Mapped[bool] = mapped_column(default=False)
    # A sitemap index's child sitemaps as last listed: followed even when the index answers 304.
    children: Mapped[list[str]] = mapped_column(default=list)


class FrontierState:
    PENDING = "pending"  # discovered (or due again): to fetch
    STORED = "stored"  # settled: stored (new, updated, a copy, or unchanged)
    FAILED = "failed"  # settled: failed for good (a 404, no article, too large, or given up after retries)


class FrontierUrl(Base):
    """An article URL a listing yielded, remembered until it is settled: the crawl's durable to-do list."""

    __tablename__ = "frontier"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)  # as requested (before redirects)
    source: Mapped[str] = mapped_column(String(200))
    listing_url: Mapped[str | None] = mapped_column(Text)  # the feed, sitemap or section that listed it last
    hints: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what that listing said (title, dates)
    listed_version: Mapped[str | None] = mapped_column(Text)  # the listing's date for the version wanted
    state: Mapped[str] = mapped_column(String(16), default=FrontierState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)  # failed attempts since it was last (re)discovered
    next_try_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_kind: Mapped[str | None] = mapped_column(String(64))
    last_reason: Mapped[str | None] = mapped_column(Text)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    discovered_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_frontier_source_state_next_try_at", "source", "state", "next_try_at"),
        Index("ix_frontier_listing_url_state", "listing_url", "state"),
    )


import storage.alert_models  # noqa: E402,F401  (the alert outbox's tables join Base.metadata for Alembic)
import storage.health_models  # noqa: E402,F401  (source health joins Base.metadata for Alembic)
import storage.leases  # noqa: E402,F401  (the scheduler lease table joins Base.metadata for Alembic)
import storage.triage_models  # noqa: E402,F401  (triage joins Base.metadata for Alembic)
import storage.workers  # noqa: E402,F401  (the cluster workers table joins Base.metadata for Alembic)
