"""The crawl's side of the frontier (storage/frontier.py): which listed URLs are worth fetching,
which failures pass (tried again by later crawls) and which are for good, and recording a failure.

A listed URL is fetched when it is new; when it is pending and due; or when it was settled (stored,
or failed for good) and its listing now dates it later than the version settled (a newer sitemap
<lastmod> or feed <updated>). Everything else is skipped: the decision needs the database only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from crawler.dedup import canonical_url
from crawler.extraction.metadata import parse_date
from crawler.versions import listed_version
from storage.articles import ArticleStore
from storage.frontier import Frontier, Wanted
from storage.models import FrontierState
from storage.runs import CrawlRuns

# Failures that may pass: a later crawl tries again (with back-off, up to [crawl] max_attempts).
PASSING_KINDS = frozenset(
    {
        "timeout", "connection", "dns", "download", "storage", "worker_died",
        "http_408", "http_425", "http_429", "not_article:challenge",
    }
)


def is_passing(kind: str) -> bool:
    """Whether a failure of this kind may pass (5xx, 429, timeouts, resets, a challenge), not for good."""
    return kind in PASSING_KINDS or (kind.startswith("http_5") and kind[5:].isdigit())


@dataclass(slots=True)
class Plan:
    """What to do with the article links one listing yielded."""

    fetch: list[str] = field(default_factory=list)  # URLs to request now
    want: list[Wanted] = field(default_factory=list)  # of those, the ones (re)entering the frontier
    relisted: list[str] = field(default_factory=list)  # pending ones this listing names again
    skipped_known: int = 0  # settled and not changed since
    waiting: int = 0  # pending, backing off after a passing failure


def plan_listing(
    session: Session, source: str, listing_url: str, links: Sequence[tuple[str, dict[str, str]]], now: datetime
) -> Plan:
    """Decide, in one read of the frontier, which of a listing's article links to fetch."""
    plan = Plan()
    urls = [url for url, _ in links]
    rows = Frontier(session).get_many(urls)
    strangers = [url for url in urls if url not in rows]
    # Articles stored without a frontier entry (by hand, or an import): known by their URL key.
    keys = {url: canonical_url(url) for url in strangers}
    stored_keys = ArticleStore(session).known_keys(keys.values()) if keys else set()
    for url, hints in links:
        version = listed_version(hints)
        row = rows.get(url)
        if row is None:
            fetch = keys[url] not in stored_keys or version is not None
        elif row.state == FrontierState.PENDING:
            if row.next_try_at > now:
                plan.waiting += 1
                continue
            plan.fetch.append(url)
            plan.relisted.append(url)
            continue
        else:
            fetch = later(version, row.listed_version)
        if fetch:
            plan.fetch.append(url)
            plan.want.append(Wanted(url, source, listing_url, dict(hints), version))
        else:
            plan.skipped_known += 1
    return plan


def record_failure(
    session: Session,
    run_id: int | None,
    url: str,
    kind: str,
    reason: str,
    *,
    article: bool = True,
    permanent: bool | None = None,
    max_attempts: int = 5,
    backoff: float = 300.0,
    source: str | None = None,
    now: datetime | None = None,
    not_before: datetime | None = None,
) -> str | None:
    """Record a page that ended without an article on its run, and (for an article URL) fail its
    frontier entry, not to be tried again before `not_before` (a Retry-After); one transaction, the
    caller's. Returns the entry's state after it."""
    reason = reason[:1000]
    state = None
    if article:
        row = Frontier(session).failed(
            url,
            kind,
            reason,
            now or datetime.now(UTC),
            permanent=not is_passing(kind) if permanent is None else permanent,
            max_attempts=max_attempts,
            backoff=backoff,
            source=source,
            not_before=not_before,
        )
        state = row.state
        if row.state == FrontierState.FAILED and row.last_reason and row.last_reason != reason:
            reason = row.last_reason  # "gave up after N attempts: …"
    if run_id is not None:
        CrawlRuns(session).record_failure(run_id, url, kind, reason)
    return state


def later(listed: str | None, settled_as: str | None) -> bool:
    """Whether the listing's date is later than the one the settled version was listed under (or that
    one is unknown: it was found through a section page; fetched once more, it is known)."""
    new, old = listed_moment(listed), listed_moment(settled_as)
    return new is not None and (old is None or new > old)


def listed_moment(value: str | None) -> datetime | None:
    """A listing's date hint as an aware datetime (a date alone at midnight UTC), or None."""
    parsed = parse_date(value or "")
    if parsed is None:
        return None
    if not isinstance(parsed, datetime):
        parsed = datetime(parsed.year, parsed.month, parsed.day)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
