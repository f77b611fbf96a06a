"""Pipeline stage 1: page bytes → Article, in the process pool. Non-articles stop here, recorded."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.extensions.crawl_run import record_failure
from crawler.extraction import Article
from crawler.items import PageItem
from crawler.workers import extract_in_worker, extraction_pool
from storage.articles import Fingerprint


@dataclass(slots=True)
class ExtractedPage:
    page: PageItem
    article: Article
    fingerprint: Fingerprint | None = None


class ExtractionPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        return cls(crawler)

    async def process_item(self, item: PageItem) -> ExtractedPage:
        spider = self.crawler.spider
        source = getattr(spider, "source", None)
        drop = tuple(getattr(source, "drop", ()) or ())
        title = getattr(source, "title", None)
        loop = asyncio.get_running_loop()
        status, payload, detail = await loop.run_in_executor(
            extraction_pool(), extract_in_worker, item.body, item.url, item.encoding, title, drop
        )
        if status == "error":
            self._fail(item.url, f"extraction:{payload}", str(detail))
        article: Article = payload  # type: ignore[assignment]
        if not article.is_article:
            self._fail(item.url, f"not_article:{article.kind}", article.reason or str(article.kind))
        self.crawler.stats.inc_value("newswatch/extract/articles")
        return ExtractedPage(page=item, article=article, fingerprint=detail)  # type: ignore[arg-type]

    def _fail(self, url: str, kind: str, reason: str) -> None:
        record_failure(self.crawler, url, kind, reason)
        raise DropItem(f"{url}: {kind}: {reason}")
