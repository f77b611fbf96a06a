"""ArticleStore: each story once. New, updated, duplicate or unchanged, decided inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from crawler.dedup import canonical_url
from crawler.dedup.fingerprints import (
    content_hash,
    lsh_keys,
    minhash,
    pack_signature,
    similarity,
    unpack_signature,
    words,
)
from storage.models import Article, NearDupKey, Revision, Source
from storage.records import ArticleRecord, StoreOutcome, StoreResult, parse_published
from storage.upsert import insert_for

# Texts shorter than this are never called duplicates: identical short texts are more often leftover
# boilerplate ("Subscribe to read") than one story.
MIN_WORDS_FOR_DEDUP = 25
# Estimated Jaccard similarity of 3-word shingles from which a new URL is the same story. Lightly edited
# wire copies measure 0.85-0.95 on the devset; unrelated texts stay below 0.35.
NEAR_DUPLICATE_SIMILARITY = 0.6
_IN_CHUNK = 500  # values per IN (…): SQLite allows 32k parameters, but short lists plan better


@dataclass(frozen=True, slots=True)
class Fingerprint:
    word_count: int
    content_hash: str
    minhash: tuple[int, ...]
    keys: list[int]

    @classmethod
    def of(cls, text: str) -> Fingerprint:
        signature = minhash(text)
        return cls(len(words(text)), content_hash(text), signature, lsh_keys(signature))


class ArticleStore:
    """Articles of one session. Never commits: the caller owns the transaction (see storage.db.session_scope)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def ensure_source(self, name: str, title: str | None = None, homepage: str | None = None) -> int:
        """The source's id, created if missing; a title or homepage given replaces the stored one."""
        if title is None and homepage is None:  # the crawl's per-article call: one read in the common case
            known = self.session.execute(select(Source.id).where(Source.name == name)).scalar_one_or_none()
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

    def store(self, record: ArticleRecord, fingerprint: Fingerprint | None = None) -> StoreResult:
        """Store one article. `fingerprint` may be computed beforehand (the crawl does it in its
        extraction workers, off the thread that writes)."""
        canonical = canonical_url(record.url, record.canonical_url)
        fingerprint = fingerprint or Fingerprint.of(record.text)
        existing = self._by_canonical(canonical)
        if existing is None:
            self._lock_lookalikes(fingerprint)
            original, score = self._find_original(fingerprint)
            article_id = self._insert(record, canonical, fingerprint, original)
            if article_id is not None:
                outcome = StoreOutcome.NEW if original is None else StoreOutcome.DUPLICATE
                return StoreResult(outcome, article_id, original, score)
            existing = self._by_canonical(canonical)  # another writer stored this URL a moment ago
            assert existing is not None, f"{canonical} conflicted on insert but cannot be read"
        return self._revisit(existing, record, fingerprint)

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """The given URLs (as given) already stored: their canonical form is an article's canonical URL,
        or the canonical form of the URL an article was fetched from (its declared canonical may differ)."""
        canonical = {url: canonical_url(url) for url in urls}
        found: set[str] = set()
        for chunk in _chunks(sorted(set(canonical.values()))):
            found.update(self.session.scalars(select(Article.canonical_url).where(Article.canonical_url.in_(chunk))))
            found.update(self.session.scalars(select(Article.url_key).where(Article.url_key.in_(chunk))))
        return {url for url, key in canonical.items() if key in found}

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

    def _by_canonical(self, canonical: str) -> Article | None:
        # FOR UPDATE (PostgreSQL): two writers revisiting one article take turns; SQLite locks the file.
        query = select(Article).where(Article.canonical_url == canonical).with_for_update(of=Article)
        return self.session.execute(query).scalar_one_or_none()

    def _lock_lookalikes(self, fingerprint: Fingerprint) -> None:
        """On PostgreSQL, writers of texts that could be copies of each other take turns.

        Two copies of a story share their content hash or at least one LSH band key; each writer takes
        a transaction lock on every one of its keys (in order, so no deadlock) before looking for an
        original, so the second copy sees the first. Unrelated stories share no key and never wait.
        SQLite needs none of this: a write transaction there holds the whole file.
        """
        if self.session.get_bind().dialect.name != "postgresql":
            return
        keys = {int(fingerprint.content_hash[:15], 16), *fingerprint.keys}
        for key in sorted(keys):
            self.session.execute(select(func.pg_advisory_xact_lock(key)))

    def _find_original(self, fingerprint: Fingerprint) -> tuple[int | None, float | None]:
        """The first copy of this text among stored articles, and the estimated similarity to it."""
        if fingerprint.word_count < MIN_WORDS_FOR_DEDUP:
            return None, None
        exact = self.session.execute(
            select(Article.id, Article.duplicate_of)
            .where(Article.content_hash == fingerprint.content_hash)
            .order_by(Article.id)
            .limit(1)
        ).first()
        if exact is not None:
            return exact.duplicate_of or exact.id, 1.0
        candidate_ids = select(NearDupKey.article_id).where(NearDupKey.key.in_(fingerprint.keys))
        candidates = self.session.execute(
            select(Article.id, Article.duplicate_of, Article.minhash).where(Article.id.in_(candidate_ids))
        ).all()
        scored = [(similarity(fingerprint.minhash, unpack_signature(row.minhash)), -row.id, row) for row in candidates]
        if not scored:
            return None, None
        score, _, best = max(scored)
        if score < NEAR_DUPLICATE_SIMILARITY:
            return None, None
        return best.duplicate_of or best.id, score

    def _insert(
        self, record: ArticleRecord, canonical: str, fingerprint: Fingerprint, original: int | None
    ) -> int | None:
        """The new article's id, or None when the canonical URL is already taken (ON CONFLICT DO NOTHING)."""
        values = _content_values(record, fingerprint) | {
            "source_id": self.ensure_source(record.source),
            "url": record.url,
            "url_key": canonical_url(record.url),
            "canonical_url": canonical,
            "duplicate_of": original,
            "first_seen": record.fetched_at,
            "last_seen": record.fetched_at,
            "updated_at": record.fetched_at,
            "revision_count": 0,
        }
        # The table, not the mapped class: a Core INSERT skips the ORM's bulk-persistence machinery.
        table = Article.__table__
        stmt = insert_for(self.session, table).values(**values)
        article_id = self.session.execute(
            stmt.on_conflict_do_nothing(index_elements=["canonical_url"]).returning(table.c.id)
        ).scalar_one_or_none()
        if article_id is not None:
            self._save_keys(article_id, fingerprint)
        return article_id

    def _revisit(self, article: Article, record: ArticleRecord, fingerprint: Fingerprint) -> StoreResult:
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
        article.url, article.url_key = record.url, canonical_url(record.url)
        article.updated_at = record.fetched_at
        article.revision_count += 1
        self.session.execute(delete(NearDupKey).where(NearDupKey.article_id == article.id))
        self._save_keys(article.id, fingerprint)
        self.session.flush()
        return StoreResult(StoreOutcome.UPDATED, article.id, article.duplicate_of)

    def _save_keys(self, article_id: int, fingerprint: Fingerprint) -> None:
        if fingerprint.keys and fingerprint.word_count >= MIN_WORDS_FOR_DEDUP:
            rows = [{"key": key, "article_id": article_id} for key in dict.fromkeys(fingerprint.keys)]
            self.session.execute(insert_for(self.session, NearDupKey.__table__).on_conflict_do_nothing(), rows)


def _content_values(record: ArticleRecord, fingerprint: Fingerprint) -> dict[str, object]:
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
        "minhash": pack_signature(fingerprint.minhash),
    }


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]
