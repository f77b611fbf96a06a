"""The worker processes the stages run in (crawler/stages/), so Scrapy's one thread only fetches.

One pool per crawl settings (database, sources, rules): a worker builds its StageContext once, from
plain picklable values. Workers die with the crawl that started them, however it dies: each gets
SIGKILL when its parent goes (PR_SET_PDEATHSIG) and watches the crawl's process id besides, since a
forkserver worker's parent is the forkserver, not the crawl.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import TYPE_CHECKING

from crawler.alerts.rules import WatchRule
from crawler.items import Outcome, Page
from crawler.stages import PIPELINE, StageContext, StorageFailed, run_pipeline
from crawler.stages.context import SourceInfo
from storage.db import default_db_url

if TYPE_CHECKING:  # a worker imports this module first: Scrapy and Twisted (~0.2 s) stay out of it
    from scrapy.settings import BaseSettings

_PR_SET_PDEATHSIG = 1
_WATCH_PARENT_EVERY = 0.2  # seconds


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    db_url: str
    sources: tuple[SourceInfo, ...] = ()
    # (rules, alias groups) in force; None: this crawl does not match (articles stay marked for the next)
    rules: tuple[tuple[WatchRule, ...], tuple[tuple[str, ...], ...]] | None = None
    max_attempts: int = 5
    retry_backoff: float = 300.0
    workers: int = 0  # 0: one per core


def worker_settings(settings: BaseSettings, sources: tuple[SourceInfo, ...] = ()) -> WorkerSettings:
    """The worker settings of a crawl, from its Scrapy settings (set by crawler/app/crawl.py)."""
    return WorkerSettings(
        db_url=settings.get("NEWSWATCH_DB_URL") or default_db_url(),
        sources=tuple(settings.get("NEWSWATCH_SOURCES") or ()) or sources,
        rules=settings.get("NEWSWATCH_RULES"),
        max_attempts=settings.getint("NEWSWATCH_MAX_ATTEMPTS", 5),
        retry_backoff=settings.getfloat("NEWSWATCH_RETRY_BACKOFF", 300.0),
        workers=int(os.environ.get("NEWSWATCH_EXTRACT_WORKERS") or 0),
    )


_pool: ProcessPoolExecutor | None = None
_pool_settings: WorkerSettings | None = None
_context: StageContext | None = None  # in a worker: built once by _start_worker


def pool_for(settings: WorkerSettings) -> ProcessPoolExecutor:
    """The pool for these settings, started on first use (one worker per core)."""
    global _pool, _pool_settings
    if _pool is not None and _pool_settings == settings:
        return _pool
    shutdown_pool()
    workers = settings.workers or os.cpu_count() or 1
    # forkserver: forking a process that runs a Twisted reactor and database connections is unsafe.
    _pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("forkserver"),
        initializer=_start_worker,
        initargs=(settings, os.getpid()),
    )
    _pool_settings = settings
    return _pool


def reset_pool() -> None:
    """Drop a broken pool without waiting for it; the next `pool_for` starts a new one."""
    global _pool, _pool_settings
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
    _pool, _pool_settings = None, None


def shutdown_pool() -> None:
    global _pool, _pool_settings
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None
        _pool_settings = None


def build_context(settings: WorkerSettings) -> StageContext:
    """The StageContext these settings describe (a worker's; tests build one in their own process)."""
    from crawler.database import engine_for_url
    from crawler.stages.match import RuleSet

    return StageContext(
        engine=engine_for_url(settings.db_url),
        sources={source.name: source for source in settings.sources},
        rules=RuleSet.compile(*settings.rules) if settings.rules is not None else None,
        max_attempts=settings.max_attempts,
        retry_backoff=settings.retry_backoff,
    )


def _start_worker(settings: WorkerSettings, crawl_pid: int) -> None:
    global _context
    _die_with(crawl_pid)
    _context = build_context(settings)


def _die_with(crawl_pid: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while True:
            time.sleep(_WATCH_PARENT_EVERY)
            try:
                os.kill(crawl_pid, 0)
            except ProcessLookupError:
                os._exit(1)  # the crawl is gone: an open transaction rolls back
            except PermissionError:
                pass

    threading.Thread(target=watch, name="newswatch-watch-crawl", daemon=True).start()


def run_in_worker(page: Page) -> Outcome:
    """Runs in a worker: the page through the whole PIPELINE; its outcome (small, picklable).

    A bug in a stage fails that page (`internal`), recorded like any failure; StorageFailed goes back
    to the crawl, which stops."""
    context = _context
    assert context is not None, "run_in_worker outside a worker started by pool_for"
    try:
        page = run_pipeline(page, context)
    except StorageFailed:
        raise
    except Exception as error:  # noqa: BLE001 - one page's bug must not stop the crawl, nor be lost
        page.fail("internal", f"{type(error).__name__}: {error}"[:500])
        page = run_pipeline(page, context, stages=tuple(stage for stage in PIPELINE if stage.name == "store"))
    assert page.outcome is not None
    return page.outcome
