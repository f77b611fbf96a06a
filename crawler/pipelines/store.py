"""Pipeline stage 2: dedup and store each article, in the worker processes, one transaction each.

Storing costs CPU (fingerprint lookups, SQLAlchemy): done in Scrapy's thread it would serialise the
crawl, so it runs in the same process pool as extraction. Each worker keeps its own engine; the
database's constraints keep concurrent writers from storing a story twice.
"""

from __future__ import annotations

import asyncio

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.extensions.crawl_run import record_failure
from crawler.pipelines.extract import ExtractedPage
from crawler.workers import StoreFailed, extraction_pool, store_in_worker
from storage.db import default_db_url
from storage.repositories import ArticleRecord


class StoragePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.db_url = crawler.settings.get("NEWSWATCH_DB_URL") or default_db_url()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        return cls(crawler)

    async def process_item(self, item: ExtractedPage) -> ExtractedPage:
        page, article = item.page, item.article
        source = getattr(self.crawler.spider, "source", None)
        record = ArticleRecord(
            url=page.url,
            canonical_url=article.canonical_url,
            source=page.source,
            title=article.title,
            description=article.description,
            authors=article.authors,
            published=article.published,
            language=article.language,
            text=article.text,
            paywalled=article.paywalled,
            fetched_at=page.fetched_at,
        )
        source_info = (source.name, source.title, source.homepage) if source is not None else None
        loop = asyncio.get_running_loop()
        try:
            outcome = await loop.run_in_executor(
                extraction_pool(), store_in_worker, self.db_url, record, item.fingerprint, page.hints,
                page.status, source_info,
            )
        except StoreFailed as error:
            record_failure(self.crawler, page.url, "storage", str(error))
            raise DropItem(f"{page.url}: storage: {error}") from error
        self.crawler.stats.inc_value(f"newswatch/store/{outcome}")
        return item
