"""The process pool the CPU-bound stages run in (extraction, fingerprints, storing), so Scrapy's one
thread only fetches. Everything that crosses to a worker is a plain, picklable value."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from sqlalchemy.exc import SQLAlchemyError

from crawler.database import engine_for_url
from crawler.extraction import Article, ExtractionError, ExtractOptions, extract_article
from crawler.versions import listed_version
from storage.articles import Fingerprint
from storage.db import session_scope
from storage.repositories import ArticleRecord, ArticleStore, FeedStates

_pool: ProcessPoolExecutor | None = None
# Sources this worker has written (title, homepage): once per source per worker is enough.
_sources_ready: set[str] = set()


def extraction_pool() -> ProcessPoolExecutor:
    """One pool per process, one worker per core, started on first use."""
    global _pool
    if _pool is None:
        workers = int(os.environ.get("NEWSWATCH_EXTRACT_WORKERS") or os.cpu_count() or 1)
        # forkserver: forking a process that runs a Twisted reactor and database connections is unsafe.
        _pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("forkserver"))
    return _pool


def shutdown_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True)
        _pool = None


def extract_in_worker(
    body: bytes, url: str, encoding: str | None, source_title: str | None, drop: tuple[str, ...]
) -> tuple[str, Article | str, Fingerprint | str | None]:
    """Runs in a worker: the article and its dedup fingerprint, both CPU-bound.

    Returns ("ok", article, fingerprint) or ("error", kind, message): plain values, picklable.
    """
    try:
        article = extract_article(
            body, url, encoding=encoding, source=source_title, options=ExtractOptions(drop_selectors=drop)
        )
    except ExtractionError as error:
        return "error", error.kind, str(error)
    return "ok", article, Fingerprint.of(article.text) if article.is_article else None


class StoreFailed(Exception):
    """Storing an article failed in a worker; the message is one line naming why."""


def store_in_worker(
    db_url: str,
    record: ArticleRecord,
    fingerprint: Fingerprint | None,
    hints: dict[str, str],
    status: int,
    source: tuple[str, str, str] | None,
) -> str:
    """Runs in a worker: dedup and store one article in one transaction; returns the outcome's name."""
    try:
        with session_scope(engine_for_url(db_url)) as session:
            store = ArticleStore(session)
            if source is not None and source[0] not in _sources_ready:
                store.ensure_source(*source)
            result = store.store(record, fingerprint)
            # The listing's date for this version: a later one makes the article worth refetching.
            FeedStates(session).save(record.url, None, listed_version(hints), status)
    except SQLAlchemyError as error:
        raise StoreFailed(f"{type(error).__name__}: {str(error).splitlines()[0]}") from None
    if source is not None:
        _sources_ready.add(source[0])
    return result.outcome.name.lower()
