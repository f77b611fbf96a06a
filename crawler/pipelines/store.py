"""Pipeline stage 2: dedup and store each article, one transaction per article."""

from __future__ import annotations

import asyncio

from scrapy.crawler import Crawler

from crawler.database import crawl_engine
from crawler.middlewares.known_urls import listed_version
from crawler.pipelines.extract import ExtractedPage
from crawler.workers import database_thread
from storage.db import session_scope
from storage.repositories import ArticleRecord, ArticleStore, FeedStates


class StoragePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.engine = crawl_engine(crawler.settings)
        self._source_ready = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        return cls(crawler)

    async def process_item(self, item: ExtractedPage) -> ExtractedPage:
        outcome = await asyncio.get_running_loop().run_in_executor(database_thread(), self._store, item)
        self.crawler.stats.inc_value(f"newswatch/store/{outcome}")
        return item

    def _store(self, item: ExtractedPage) -> str:
        """Runs in the database thread: one transaction per article."""
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
        with session_scope(self.engine) as session:
            store = ArticleStore(session)
            if not self._source_ready and source is not None:
                store.ensure_source(source.name, source.title, source.homepage)
                self._source_ready = True
            result = store.store(record)
            # The listing's date for this version: a later one will make the article worth refetching.
            FeedStates(session).save(page.url, None, listed_version(page.hints), page.status)
        return result.outcome.name.lower()
