"""The Scrapy adapter of crawler/stages: each `Page` the spider yields runs through the whole
PIPELINE (extract → fingerprint → dedup → store → match) in a worker process, so Scrapy's thread only
fetches. A database that cannot be written stops the crawl (see CrawlRunRecorder.stop)."""

from __future__ import annotations

import asyncio
from concurrent.futures.process import BrokenProcessPool

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.cluster import META_KEY, META_RUN, member
from crawler.extensions.crawl_run import recorder_of
from crawler.items import Page
from crawler.stages import StorageFailed
from crawler.workers import pool_for, reset_pool, run_in_worker, worker_settings


class StagePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.settings = worker_settings(crawler.settings)
        self.cluster = getattr(crawler, "newswatch_cluster", None)  # a cluster worker's (crawler/cluster/)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StagePipeline:
        return cls(crawler)

    async def process_item(self, item: Page) -> Page:
        if self.cluster is None:
            return await self._process(item)
        try:
            item = await self._process(item)
        except DropItem:
            recorder = recorder_of(self.crawler)
            if recorder is None or recorder.fatal is None:
                self._settle(item)
            raise
        self._settle(item)
        return item

    def _settle(self, item: Page) -> None:
        """A cluster worker's page is settled once stored or failed (not when storage failed: the
        worker stops, and the page goes back to the queue)."""
        outcome = item.outcome
        if outcome is not None:  # None: a worker died under it, recorded (and counted) as a failure
            kind = {"duplicate": "duplicates"}.get(str(outcome.kind), str(outcome.kind))
            self.cluster.count(item.run_id, **({kind: 1} if outcome.stored else {"errors": 1}))
        self.cluster.done({META_RUN: item.run_id, META_KEY: member(item.run_id, item.frontier_url)})

    async def _process(self, item: Page) -> Page:
        recorder = recorder_of(self.crawler)
        if recorder is not None and recorder.fatal is not None:
            raise DropItem(f"{item.url}: not stored: the crawl is stopping ({recorder.fatal})")
        if item.run_id is None:  # a cluster worker's pages name their run
            item.run_id = recorder.run_id if recorder is not None else None
        loop = asyncio.get_running_loop()
        try:
            outcome = await loop.run_in_executor(pool_for(self.settings), run_in_worker, item)
        except StorageFailed as error:
            if recorder is not None:
                recorder.stop(f"cannot store {item.url}: {error}")
            raise DropItem(f"{item.url}: storage: {error}") from None
        except BrokenProcessPool:
            # A worker died under this page (out of memory, killed): the page is tried again by a
            # later crawl, a bounded number of times like any passing failure; the pool starts anew.
            reset_pool()
            reason = "a worker process died while this page was in it"
            if recorder is not None:
                recorder.record_failure(
                    item.url,
                    "worker_died",
                    reason,
                    frontier_url=item.frontier_url,
                    run_id=item.run_id,
                    source=item.source,
                )
            raise DropItem(f"{item.url}: worker_died: {reason}") from None
        item.outcome = outcome
        item.body = b""  # the bytes have been read; the item is kept by Scrapy's signals only
        stats = self.crawler.stats
        if outcome.stored:
            stats.inc_value("newswatch/extract/articles")
            stats.inc_value(f"newswatch/store/{outcome.kind}")
            stats.inc_value("newswatch/match/alerts", outcome.alerts)
            return item
        stats.inc_value(f"newswatch/failures/{outcome.failure}")
        stats.inc_value("newswatch/failures")
        raise DropItem(f"{item.url}: {outcome.failure}: {outcome.reason}")
