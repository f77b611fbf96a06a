"""The process pool extraction runs in: it is CPU-bound and must not stall Scrapy's one thread."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context

from crawler.extraction import Article, ExtractionError, ExtractOptions, extract_article

_pool: ProcessPoolExecutor | None = None
_database: ThreadPoolExecutor | None = None


def extraction_pool() -> ProcessPoolExecutor:
    """One pool per process, one worker per core, started on first use."""
    global _pool
    if _pool is None:
        workers = int(os.environ.get("NEWSWATCH_EXTRACT_WORKERS") or os.cpu_count() or 1)
        # forkserver: forking a process that runs a Twisted reactor and database connections is unsafe.
        _pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("forkserver"))
    return _pool


def database_thread() -> ThreadPoolExecutor:
    """The one thread that writes articles: the reactor keeps fetching while it stores, and one writer
    means no lock contention on SQLite."""
    global _database
    if _database is None:
        _database = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newswatch-db")
    return _database


def shutdown_pool() -> None:
    global _pool, _database
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
        _pool = None
    if _database is not None:
        _database.shutdown(wait=True)
        _database = None


def extract_in_worker(
    body: bytes, url: str, encoding: str | None, source_title: str | None, drop: tuple[str, ...]
) -> tuple[str, Article | str, str]:
    """Runs in a worker. Returns ("ok", article, "") or ("error", kind, message): plain, picklable."""
    try:
        article = extract_article(
            body, url, encoding=encoding, source=source_title, options=ExtractOptions(drop_selectors=drop)
        )
    except ExtractionError as error:
        return "error", error.kind, str(error)
    return "ok", article, ""
