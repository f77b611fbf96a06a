"""Frontier: every article URL a listing yielded, until it is settled (stored, or failed for good).

    frontier = Frontier(session)
    frontier.want([Wanted(url, source, listing_url, hints, listed_version)], now)  # to fetch
    frontier.stored(url, article_id, now)                       # settled, in the store's transaction
    frontier.failed(url, "http_503", "HTTP 503", now, permanent=False, max_attempts=5, backoff=300)

A URL is pending until then; a crawl fetches the pending ones that are due (`due`), whatever its
listings answer, so a crash, a kill or a passing 503 never loses an article. Passing failures are
retried with back-off a bounded number of times, then given up with their last reason.
Never commits: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.chunks import in_chunks
from storage.models import FrontierState, FrontierUrl
from storage.upsert import insert_for

LONGEST_WAIT = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Wanted:
    url: str
    source: str
    listing_url: str | None = None
    hints: dict[str, Any] = field(default_factory=dict)
    listed_version: str | None = None


def retry_wait(attempts: int, backoff: float) -> timedelta:
    """How long a URL waits after its `attempts`-th passing failure: nothing after the first (the next
    crawl tries again), then `backoff` seconds, ×4 per attempt, at most a day."""
    if attempts <= 1 or backoff <= 0:
        return timedelta(0)
    return min(timedelta(seconds=backoff * 4 ** min(attempts - 2, 12)), LONGEST_WAIT)


class Frontier:
    """The frontier of one session. Never commits: the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get_many(self, urls: Iterable[str]) -> dict[str, FrontierUrl]:
        found: dict[str, FrontierUrl] = {}
        for chunk in in_chunks(urls):
            found.update(
                (row.url, row) for row in self.session.scalars(select(FrontierUrl).where(FrontierUrl.url.in_(chunk)))
            )
        return found

    def want(self, wanted: Sequence[Wanted], now: datetime) -> None:
        """Make these URLs pending and due now, with a fresh count of attempts (new, or a newer version listed)."""
        if not wanted:
            return
        rows = [
            {
                "url": item.url,
                "source": item.source,
                "listing_url": item.listing_url,
                "hints": dict(item.hints),
                "listed_version": item.listed_version,
                "state": FrontierState.PENDING,
                "attempts": 0,
                "next_try_at": now,
                "discovered_at": now,
            }
            for item in {item.url: item for item in wanted}.values()
        ]
        table = FrontierUrl.__table__
        stmt = insert_for(self.session, table)
        new = stmt.excluded
        stmt = stmt.on_conflict_do_update(
            index_elements=["url"],
            set_={
                "listing_url": new.listing_url,
                "hints": new.hints,
                "listed_version": new.listed_version,
                "state": new.state,
                "attempts": 0,
                "next_try_at": new.next_try_at,
                "settled_at": None,
            },
        )
        self.session.execute(stmt, rows)
        self.session.expire_all()

    def relisted(self, urls: Iterable[str], listing_url: str) -> None:
        """Pending URLs a listing names again: that listing now waits for them too."""
        for chunk in in_chunks(urls):
            self.session.execute(
                update(FrontierUrl)
                .where(
                    FrontierUrl.url.in_(chunk),
                    FrontierUrl.state == FrontierState.PENDING,
                )
                .values(listing_url=listing_url)
                .execution_options(synchronize_session=False)
            )

    def due(self, source: str, now: datetime, limit: int = 10_000) -> list[FrontierUrl]:
        """The source's pending URLs whose time has come, the longest waiting first."""
        query = (
            select(FrontierUrl)
            .where(
                FrontierUrl.source == source, FrontierUrl.state == FrontierState.PENDING, FrontierUrl.next_try_at <= now
            )
            .order_by(FrontierUrl.next_try_at, FrontierUrl.id)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def unsettled_listings(self, listing_urls: Iterable[str]) -> set[str]:
        """Those of the listings that still wait for a pending URL they listed."""
        waiting: set[str] = set()
        for chunk in in_chunks(listing_urls):
            waiting.update(
                self.session.scalars(
                    select(FrontierUrl.listing_url)
                    .where(
                        FrontierUrl.listing_url.in_(chunk),
                        FrontierUrl.state == FrontierState.PENDING,
                    )
                    .distinct()
                )
            )
        return waiting

    def stored(self, url: str, article_id: int, now: datetime, source: str | None = None) -> None:
        """Settled: the page at `url` is stored as `article_id` (call it in the storing transaction)."""
        values = {
            "state": FrontierState.STORED,
            "article_id": article_id,
            "settled_at": now,
            "last_kind": None,
            "last_reason": None,
        }
        stmt = insert_for(self.session, FrontierUrl.__table__).values(
            url=url, source=source or "", hints={}, attempts=0, next_try_at=now, discovered_at=now, **values
        )
        self.session.execute(stmt.on_conflict_do_update(index_elements=["url"], set_=values))

    def failed(
        self,
        url: str,
        kind: str,
        reason: str,
        now: datetime,
        *,
        permanent: bool,
        max_attempts: int,
        backoff: float,
        source: str | None = None,
        not_before: datetime | None = None,
    ) -> FrontierUrl:
        """One failed attempt at `url`. A permanent failure, or the `max_attempts`-th passing one, settles
        it as failed; otherwise it waits `retry_wait`, and at least until `not_before` (the moment a
        Retry-After named), and stays pending. Returns the row as it now is."""
        row = self.session.execute(
            select(FrontierUrl).where(FrontierUrl.url == url).with_for_update()
        ).scalar_one_or_none()
        if row is None:
            row = FrontierUrl(
                url=url,
                source=source or "",
                hints={},
                attempts=0,
                state=FrontierState.PENDING,
                next_try_at=now,
                discovered_at=now,
            )
            self.session.add(row)
        if row.state != FrontierState.PENDING:
            # Already settled (a racing crawl stored it, or it was given up): one more failure changes nothing.
            return row
        row.attempts += 1
        row.last_kind, row.last_reason = kind, reason
        if permanent or row.attempts >= max_attempts:
            row.state = FrontierState.FAILED
            row.settled_at = now
            if not permanent:
                row.last_reason = f"gave up after {row.attempts} attempts: {reason}"
        else:
            row.next_try_at = now + retry_wait(row.attempts, backoff)
            if not_before is not None and not_before > row.next_try_at:
                row.next_try_at = not_before
        self.session.flush()
        return row

    def counts(self, source: str | None = None) -> dict[str, int]:
        """URLs per state (pending, stored, failed), of one source or all."""
        from sqlalchemy import func

        query = select(FrontierUrl.state, func.count()).group_by(FrontierUrl.state)
        if source is not None:
            query = query.where(FrontierUrl.source == source)
        return {state: count for state, count in self.session.execute(query).all()}
