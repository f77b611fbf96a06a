"""A worker process that dies under a page (out of memory, killed) loses nothing: the page is
recorded as `worker_died`, stays pending in the frontier for a later crawl, and the pool starts anew."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

import crawler.pipelines.stages as stage_pipeline
from crawler.extensions.crawl_run import CrawlRunRecorder
from crawler.items import Page
from crawler.workers import shutdown_pool
from storage.db import make_engine, session_scope
from storage.frontier import Frontier
from tests.storage_fixtures import db_url_fixture  # noqa: F401

PAGE = Path(__file__).parent / "fixtures" / "pages" / "wire_reuters_un_curbs_expired.html"
URL = "https://www.reuters.com/world/iran-su35-delivery-2025-02-03/"


def die(page: Page) -> None:  # runs in the worker, in place of the pipeline
    os._exit(9)


def page() -> Page:
    return Page(url=URL, source="reuters", body=PAGE.read_bytes(), status=200, fetched_at=datetime.now(UTC))


@pytest.fixture
def pipeline(db_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NEWSWATCH_EXTRACT_WORKERS", "1")
    crawler = get_crawler(settings_dict={"NEWSWATCH_DB_URL": db_url, "NEWSWATCH_RULES": ((), ())})
    crawler.spider = Spider(name="reuters")
    CrawlRunRecorder.from_crawler(crawler)
    yield stage_pipeline.StagePipeline.from_crawler(crawler)
    shutdown_pool()


def test_a_page_whose_worker_dies_stays_pending_as_worker_died(pipeline, db_url, monkeypatch) -> None:
    monkeypatch.setattr(stage_pipeline, "run_in_worker", die)
    with pytest.raises(DropItem, match="worker_died"):
        asyncio.run(pipeline.process_item(page()))
    with session_scope(make_engine(db_url)) as session:
        row = Frontier(session).get_many([URL])[URL]
        assert (row.state, row.attempts, row.last_kind) == ("pending", 1, "worker_died")


def test_the_pool_starts_anew_and_the_page_is_stored_next_time(pipeline, db_url, monkeypatch) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(stage_pipeline, "run_in_worker", die)
        with pytest.raises(DropItem):
            asyncio.run(pipeline.process_item(page()))
    stored = asyncio.run(pipeline.process_item(page()))
    assert stored.outcome is not None and stored.outcome.kind == "new"
    with session_scope(make_engine(db_url)) as session:
        assert Frontier(session).get_many([URL])[URL].state == "stored"
