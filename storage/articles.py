"""ArticleStore: the verbs of the articles table. Which stored story a new page is (new, a copy, an
update) is decided by crawler/stages/dedup.py with these verbs, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, delete, func, select
from sqlalchemy.orm import Session

from storage.chunks import in_chunks
from storage.models import Article, NearDupKey, Revision, Source
from storage.records import ArticleRecord, StoreOutcome, StoreResult, TextFingerprint, parse_published
from storage.upsert import insert_for


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored article that may be the original of a new text."""

    id: int
    story_id: int  # its duplicate_of, else itself
    minhash: bytes
    title: str | None = None
    facts: str | None = None  # its text's figures and names, packed; None for rows stored before they were
    text: str | None = None  # only when `facts` is None: what to read them from


# The statements a crawl runs for every page, built once: building one costs more CPU than running
# it on SQLite (SQLAlchemy coerces every clause anew). Parameters are bound when they run.
_BY_CANONICAL = select(Article).where(Article.canonical_url == bindparam("canonical")).with_for_update(of=Article)
_SOURCE_ID = select(Source.id).where(Source.name == bindparam("name"))
_STORY_WITH_HASH = (
    select(Article.id, Article.duplicate_of)
    .where(Article.content_hash == bindparam("content_hash"))
    .order_by(Article.id)
    .limit(1)
)
_INSERTS: dict[str, Any] = {}  # the article INSERT … ON CONFLICT … RETURNING id, per dialect


def _insert_article(session: Session) -> Any:
    name = session.get_bind().dialect.name
    stmt = _INSERTS.get(name)
    if stmt is None:
        table = Article.__table__
        stmt = insert_for(session, table).on_conflict_do_nothing(index_elements=["canonical_url"]).returning(table.c.id)
        _INSERTS[name] = stmt
    return stmt


class ArticleStore:
    """Articles of one session. Never commits: the caller owns the transaction (see storage.db.session_scope)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def ensure_source(self, name: str, title: str | None = None, homepage: str | None = None) -> int:
        """The source's id, created if missing; a title or homepage given replaces the stored one."""
        if title is None and homepage is None:  # the crawl's per-article call: one read in the common case
            known = self.session.execute(_SOURCE_ID, {"name": name}).scalar_one_or_none()
            if known is not None:
                return known
        stmt = insert_for(self.session, Source).values(name=name, title=title, homepage=homepage)
        source_id = self.session.execute(
            stmt.on_conflict_do_nothing(index_elements=["name"]).returning(Source.id)
        ).scalar_one_or_none()
        if source_id is not None:
            return source_id
        source = self.session.execute(select(Source).where(Source.name == name)).scalar_one()
        if title is not None:
            source.title = title
        if homepage is not None:
            source.homepage = homepage
        return source.id

    def by_canonical(self, canonical: str) -> Article | None:
        """The article stored under this URL key, locked for this transaction: writers revisiting one
        article take turns (FOR UPDATE on PostgreSQL; SQLite locks the whole file)."""
        return self.session.execute(_BY_CANONICAL, {"canonical": canonical}).scalar_one_or_none()

    def lock_keys(self, keys: Iterable[int]) -> None:
        """On PostgreSQL, take a transaction lock on each key, in order (no deadlock): writers of texts
        sharing a key take turns. SQLite needs none: a write transaction there holds the whole file."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for key in sorted(set(keys)):
            self.session.execute(select(func.pg_advisory_xact_lock(key)))

    def story_with_hash(self, content_hash: str) -> int | None:
        """The story of the first stored article with exactly this text, if any."""
        row = self.session.execute(_STORY_WITH_HASH, {"content_hash": content_hash}).first()
        return None if row is None else (row.duplicate_of or row.id)

    def near_candidates(self, keys: Iterable[int]) -> list[Candidate]:
        """Stored articles sharing at least one LSH band key with a text."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return []
        candidate_ids = select(NearDupKey.article_id).where(NearDupKey.key.in_(wanted))
        text_if_no_facts = case((Article.facts.is_(None), Article.text), else_=None).label("text")
        rows = self.session.execute(
            select(
                Article.id, Article.duplicate_of, Article.minhash, Article.title, Article.facts, text_if_no_facts
            ).where(Article.id.in_(candidate_ids))
        ).all()
        return [
            Candidate(row.id, row.duplicate_of or row.id, row.minhash, row.title, row.facts, row.text) for row in rows
        ]

    def insert(self, record: ArticleRecord, fingerprint: TextFingerprint, duplicate_of: int | None) -> int | None:
        """The new article's id, or None when its URL key is already taken (ON CONFLICT DO NOTHING)."""
        values = _content_values(record, fingerprint) | {
            "source_id": self.ensure_source(record.source),
            "url": record.url,
            "url_key": record.url_key,
            "canonical_url": record.canonical_url,
            "duplicate_of": duplicate_of,
            "first_seen": record.fetched_at,
            "last_seen": record.fetched_at,
            "updated_at": record.fetched_at,
            "revision_count": 0,
            "needs_match": True,
        }
        # The table, not the mapped class: a Core INSERT skips the ORM's bulk-persistence machinery.
        article_id = self.session.execute(_insert_article(self.session), values).scalar_one_or_none()
        if article_id is not None:
            self._save_keys(article_id, fingerprint)
        return article_id

    def revise(self, article: Article, record: ArticleRecord, fingerprint: TextFingerprint) -> StoreResult:
        """A stored article fetched again: unchanged (only last_seen moves), or updated with the old
        version kept as a revision and the new one marked to be matched."""
        article.last_seen = max(article.last_seen, record.fetched_at)
        retitled = bool(record.title) and record.title != article.title
        if fingerprint.content_hash == article.content_hash and not retitled:
            self.session.flush()
            return StoreResult(StoreOutcome.UNCHANGED, article.id, article.duplicate_of)
        self.session.add(
            Revision(
                article_id=article.id,
                title=article.title,
                text=article.text,
                content_hash=article.content_hash,
                replaced_at=record.fetched_at,
            )
        )
        for name, value in _content_values(record, fingerprint).items():
            if value is not None or name not in ("title", "published", "published_at"):
                setattr(article, name, value)
        article.url, article.url_key = record.url, record.url_key
        article.updated_at = record.fetched_at
        article.revision_count += 1
        article.needs_match = True
        self.session.execute(delete(NearDupKey).where(NearDupKey.article_id == article.id))
        self._save_keys(article.id, fingerprint)
        self.session.flush()
        return StoreResult(StoreOutcome.UPDATED, article.id, article.duplicate_of)

    def known_keys(self, keys: Iterable[str]) -> set[str]:
        """Those URL keys stored: an article's canonical URL, or the normalised URL it was fetched from."""
        found: set[str] = set()
        for chunk in in_chunks(sorted(set(keys))):
            found.update(self.session.scalars(select(Article.canonical_url).where(Article.canonical_url.in_(chunk))))
            found.update(self.session.scalars(select(Article.url_key).where(Article.url_key.in_(chunk))))
        return found

    def get(self, article_id: int) -> Article | None:
        return self.session.get(Article, article_id)

    def list(
        self,
        since: datetime | None = None,
        source: str | None = None,
        limit: int | None = 100,
        *,
        include_duplicates: bool = False,
    ) -> list[Article]:
        """Newest first, by publication date (else when first seen)."""
        when = func.coalesce(Article.published_at, Article.first_seen)
        query = select(Article).order_by(when.desc(), Article.id.desc()).limit(limit)
        if since is not None:
            query = query.where(when >= since)
        if source is not None:
            query = query.where(Article.source.has(Source.name == source))
        if not include_duplicates:
            query = query.where(Article.duplicate_of.is_(None))
        return list(self.session.scalars(query))

    def _save_keys(self, article_id: int, fingerprint: TextFingerprint) -> None:
        if fingerprint.keys:
            rows = [{"key": key, "article_id": article_id} for key in dict.fromkeys(fingerprint.keys)]
            self.session.execute(insert_for(self.session, NearDupKey.__table__).on_conflict_do_nothing(), rows)


def _content_values(record: ArticleRecord, fingerprint: TextFingerprint) -> dict[str, object]:
    return {
        "title": record.title,
        "description": record.description,
        "authors": list(record.authors),
        "published": record.published,
        "published_at": parse_published(record.published),
        "language": record.language,
        "text": record.text,
        "paywalled": record.paywalled,
        "word_count": fingerprint.word_count,
        "content_hash": fingerprint.content_hash,
        "minhash": fingerprint.minhash,
        "facts": fingerprint.facts,
    }

