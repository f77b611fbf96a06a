"""A worker's Scrapy extensions: failures recorded on each request's own run, and the heartbeat.

The heartbeat, every `NEWSWATCH_CLUSTER_BEAT` seconds: the worker's `alive:` key in Redis (it
expires after the worker's ttl), re-queueing what dead workers held, and every few beats its row in
the `workers` table (host, pid, pages, pages/s) for `newswatch status`.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import datetime
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler

from crawler.cluster import META_RUN
from crawler.extensions.crawl_run import CrawlRunRecorder
from crawler.items import META_SOURCE
from storage.db import session_scope
from storage.types import utcnow
from storage.workers import Workers

log = logging.getLogger("newswatch.cluster")
NUDGE_EVERY = 0.2  # seconds: how often an idle worker looks at the shared queue


class ClusterRunRecorder(CrawlRunRecorder):
    """The crawl's recorder, minus the run of its own: runs are opened by the scheduler and closed
    by the worker that settles their last request (crawler/cluster/runs.py)."""

    def opened(self, spider: Spider) -> None:
        pass

    def closed(self, spider: Spider, reason: str) -> None:
        pass

    def record_failure(
        self,
        url: str,
        kind: str,
        reason: str,
        *,
        request: Request | None = None,
        frontier_url: str | None = None,
        run_id: int | None = None,
        source: str | None = None,
    ) -> None:
        meta = request.meta if request is not None else {}
        run_id = run_id if run_id is not None else meta.get(META_RUN)
        source = source or meta.get(META_SOURCE)
        super().record_failure(
            url, kind, reason, request=request, frontier_url=frontier_url, run_id=run_id, source=source
        )
        self.crawler.newswatch_cluster.count(run_id, errors=1)  # type: ignore[attr-defined]


class WorkerHeartbeat:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.cluster = crawler.newswatch_cluster  # type: ignore[attr-defined]
        self.every = crawler.settings.getfloat("NEWSWATCH_CLUSTER_BEAT", 1.0)
        self.db_every = max(self.every, 5.0)
        self.started_at: datetime = utcnow()
        self._loops: list[Any] = []
        self._last_row = 0.0
        self._last_pages = (time.monotonic(), 0)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WorkerHeartbeat:
        return cls(crawler)

    def opened(self, spider: Spider) -> None:
        from twisted.internet import task

        self.cluster.spider = spider
        self.cluster.beat()
        self.write_row("running")
        for call, seconds in ((self.tick, self.every), (self.nudge, NUDGE_EVERY)):
            loop = task.LoopingCall(call)
            loop.start(seconds, now=False)
            self._loops.append(loop)

    def tick(self) -> None:
        try:
            self.cluster.beat()
            self.cluster.reap()
            if time.monotonic() - self._last_row >= self.db_every:
                self.write_row("running")
        except Exception as error:  # noqa: BLE001 - Redis or the database away for a moment: beat on
            log.warning("heartbeat: %s: %s", type(error).__name__, error)

    def nudge(self) -> None:
        # Scrapy's engine looks at an idle scheduler every 5 s; the shared queue fills from elsewhere.
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule()

    def pages(self) -> int:
        return int(self.crawler.stats.get_value("downloader/response_count", 0) or 0)

    def write_row(self, state: str) -> None:
        now, pages = time.monotonic(), self.pages()
        then, before = self._last_pages
        rate = (pages - before) / (now - then) if now > then else 0.0
        self._last_pages, self._last_row = (now, pages), now
        with session_scope(self.cluster.engine) as session:
            Workers(session).beat(
                self.cluster.worker_id,
                host=socket.gethostname(),
                pid=os.getpid(),
                started_at=self.started_at,
                pages=pages,
                pages_per_s=round(rate, 2),
                state=state,
            )

    def closed(self, spider: Spider, reason: str) -> None:
        for loop in self._loops:
            if loop.running:
                loop.stop()
        try:
            if released := self.cluster.release():
                log.warning("stopping: %d unsettled request(s) and job(s) back to the queue", released)
            self.write_row("stopped")
        except Exception as error:  # noqa: BLE001 - a dead worker's requests are reaped by the others
            log.warning("could not release this worker's requests: %s", error)
