"""The repositories, one per aggregate. Each wraps a Session and never commits."""

from storage.articles import ArticleStore
from storage.feeds import FeedStates
from storage.frontier import Frontier, Wanted
from storage.records import ArticleRecord, StoreOutcome, StoreResult
from storage.runs import CrawlRuns, UnknownCrawlRun

__all__ = [
    "ArticleRecord",
    "ArticleStore",
    "CrawlRuns",
    "FeedStates",
    "Frontier",
    "Wanted",
    "StoreOutcome",
    "StoreResult",
    "UnknownCrawlRun",
]
