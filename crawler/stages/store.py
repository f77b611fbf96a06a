"""Stage 4, store: one transaction writes the page's fate, and its frontier entry settles in it.

An article is inserted (new, or a copy linked to its story) or revises the article stored under its
URL key (updated, with the old version kept, or unchanged). A page an earlier stage gave up on is
recorded as a failure of its crawl run, and its frontier entry fails: for good, or for now (a passing
failure, tried again by a later crawl until `max_attempts`). Nothing is marked done that is not stored.
"""

from __future__ import annotations

from crawler.dedup import canonical_url
from crawler.frontier import record_failure
from crawler.items import Outcome, OutcomeKind, Page
from crawler.stages.context import StageContext
from storage.articles import ArticleStore
from storage.frontier import Frontier
from storage.records import ArticleRecord, StoreOutcome
from storage.types import utcnow

_OUTCOMES = {
    StoreOutcome.NEW: OutcomeKind.NEW,
    StoreOutcome.DUPLICATE: OutcomeKind.DUPLICATE,
    StoreOutcome.UPDATED: OutcomeKind.UPDATED,
    StoreOutcome.UNCHANGED: OutcomeKind.UNCHANGED,
}


def store(page: Page, context: StageContext) -> Page:
    session = context.session
    if page.done:
        outcome = page.outcome
        record_failure(
            session,
            page.run_id,
            page.frontier_url,
            outcome.failure or "failed",
            outcome.reason or "",
            permanent=outcome.settled,
            max_attempts=context.max_attempts,
            backoff=context.retry_backoff,
            source=page.source,
        )
        return page
    if page.article is None or page.fingerprint is None or page.dedup is None:
        raise ValueError(f"{page.url}: store needs extract, fingerprint and dedup first")
    articles = ArticleStore(session)
    _write_source_once(articles, context, page.source)
    record = article_record(page)
    stored = page.fingerprint.stored()
    existing = articles.get(page.dedup.revisit) if page.dedup.revisit is not None else None
    if existing is None:
        article_id = articles.insert(record, stored, page.dedup.original)
        if article_id is not None:
            kind = OutcomeKind.NEW if page.dedup.original is None else OutcomeKind.DUPLICATE
            page.outcome = Outcome(kind, article_id)
        else:  # another writer stored this URL key a moment ago
            existing = articles.by_canonical(record.canonical_url)
            assert existing is not None, f"{record.canonical_url} conflicted on insert but cannot be read"
    if existing is not None:
        result = articles.revise(existing, record, stored)
        page.outcome = Outcome(_OUTCOMES[result.outcome], result.article_id)
    Frontier(session).stored(page.frontier_url, page.outcome.article_id, utcnow(), source=page.source)
    return page


def article_record(page: Page) -> ArticleRecord:
    article = page.article
    assert article is not None and page.canonical_url is not None
    return ArticleRecord(
        url=page.url,
        source=page.source,
        text=article.text,
        fetched_at=page.fetched_at,
        canonical_url=page.canonical_url,
        url_key=canonical_url(page.url),
        title=article.title,
        description=article.description,
        authors=list(article.authors),
        published=article.published,
        language=article.language,
        paywalled=article.paywalled,
    )


def _write_source_once(articles: ArticleStore, context: StageContext, name: str) -> None:
    """The source's title and homepage, written by the first article this process stores of it."""
    if name in context.sources_written:
        return
    info = context.source(name)
    articles.ensure_source(name, info.title, info.homepage)
    context.sources_written.add(name)
