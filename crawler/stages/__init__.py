"""The pipeline every fetched page goes through, in this order, whichever host runs it (the Scrapy
item pipeline's worker processes today; a distributed worker or a test tomorrow):

    extract → fingerprint → dedup → store → match

Each stage is a plain function `(page, context) -> page` that reads what the stages before it filled
in and adds its own part (see crawler/items.py). Stages that share a `transaction` run in one
database transaction: dedup decides and store writes under the same locks, and the frontier entry
settles in that same commit. Matching commits on its own, behind a durable per-version mark, so a
crash between the two leaves the article marked and the next crawl matches it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import groupby

from sqlalchemy.orm import Session

from crawler.items import Page
from crawler.stages.context import StageContext, StorageFailed
from crawler.stages.dedup import dedup
from crawler.stages.extract import extract
from crawler.stages.fingerprint import fingerprint
from crawler.stages.match import match
from crawler.stages.store import store
from storage.records import StoreOutcome, StoreResult


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    run: Callable[[Page, StageContext], Page]
    transaction: str | None = None  # stages naming the same transaction, one after another, share it


PIPELINE: tuple[Stage, ...] = (
    Stage("extract", extract),
    Stage("fingerprint", fingerprint),
    Stage("dedup", dedup, transaction="store"),
    Stage("store", store, transaction="store"),
    Stage("match", match, transaction="match"),
)


def run_pipeline(page: Page, context: StageContext, stages: tuple[Stage, ...] = PIPELINE) -> Page:
    """Run `page` through `stages` in order; a page a stage gave up on is still stored as failed.

    Raises StorageFailed (one line) when the database cannot be written: nothing is then marked done."""
    for transaction, group in groupby(stages, key=lambda stage: stage.transaction):
        if transaction is None:
            for stage in group:
                page = stage.run(page, context)
            continue
        with context.transaction(transaction) as bound:
            for stage in group:
                page = stage.run(page, bound)
    return page


__all__ = ["PIPELINE", "Stage", "StageContext", "StorageFailed", "run_pipeline", "store_page"]


def store_page(session: Session, page: Page, context: StageContext | None = None) -> StoreResult:
    """fingerprint → dedup → store for a page whose article is already extracted, in the caller's
    session and transaction (imports, tests). No matching: the stored version stays marked."""
    bound = replace(context or StageContext(engine=session.get_bind()), session=session)
    for stage in PIPELINE:
        if stage.name in ("fingerprint", "dedup", "store"):
            page = stage.run(page, bound)
    outcome, dedup = page.outcome, page.dedup
    if outcome is None or not outcome.stored or outcome.article_id is None or dedup is None:
        raise ValueError(f"{page.url}: not stored: {outcome}")
    return StoreResult(StoreOutcome(outcome.kind.value), outcome.article_id, dedup.original, dedup.similarity)
