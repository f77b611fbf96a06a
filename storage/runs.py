"""CrawlRuns: one row per crawl of a source, its counters, and the pages that failed or were no article."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import CrawlFailure, CrawlRun
from storage.types import utcnow

# Stats with a column of their own; any other key goes to the run's JSON `stats`.
COUNTERS = ("pages_fetched", "bytes_fetched", "not_modified", "new", "updated", "duplicates", "unchanged", "errors")


class UnknownCrawlRun(LookupError):
    """No crawl run has this id."""


class CrawlRuns:
    """Crawl runs of one session. Never commits: the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def start(
        self, source: str, *, started_at: datetime | None = None, host: str | None = None, pid: int | None = None
    ) -> int:
        run = CrawlRun(source=source, started_at=started_at or utcnow(), status="running", stats={}, host=host, pid=pid)
        self.session.add(run)
        self.session.flush()
        return run.id

    def record_failure(self, run_id: int, url: str, kind: str, reason: str | None = None) -> None:
        """A page that failed (`http_500`, `timeout`…) or was not an article (`not_article:challenge`…)."""
        try:
            with self.session.begin_nested():  # a savepoint: a bad run id leaves the caller's transaction usable
                self.session.add(CrawlFailure(run_id=run_id, url=url, kind=kind, reason=reason, at=utcnow()))
        except IntegrityError as error:
            raise UnknownCrawlRun(run_id) from error

    def finish(self, run_id: int, stats: Mapping[str, Any], status: str = "ok") -> CrawlRun:
        """Close the run with its counters. `errors` defaults to the failures recorded on it."""
        run = self.get(run_id)
        if run is None:
            raise UnknownCrawlRun(run_id)
        for name in COUNTERS:
            if name in stats:
                setattr(run, name, int(stats[name]))
        if "errors" not in stats:
            run.errors = self.session.scalar(select(func.count()).where(CrawlFailure.run_id == run_id)) or 0
        extra = {key: value for key, value in stats.items() if key not in COUNTERS}
        run.stats = json.loads(json.dumps(extra, default=str))  # datetimes and the like as text
        run.status = status
        run.finished_at = utcnow()
        self.session.flush()
        return run

    def running(self, sources: list[str] | None = None) -> list[CrawlRun]:
        """Runs still marked `running` (of these sources, or all)."""
        query = select(CrawlRun).where(CrawlRun.status == "running")
        if sources is not None:
            query = query.where(CrawlRun.source.in_(sources))
        return list(self.session.scalars(query))

    def interrupt(self, run_ids: list[int]) -> int:
        """Close these runs as `interrupted`: the process that ran them is gone."""
        if not run_ids:
            return 0
        result = self.session.execute(
            update(CrawlRun)
            .where(CrawlRun.id.in_(run_ids), CrawlRun.status == "running")
            .values(status="interrupted", finished_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return result.rowcount or 0

    def get(self, run_id: int) -> CrawlRun | None:
        return self.session.get(CrawlRun, run_id)

    def recent(self, limit: int = 20, source: str | None = None) -> list[CrawlRun]:
        query = select(CrawlRun).order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(limit)
        if source is not None:
            query = query.where(CrawlRun.source == source)
        return list(self.session.scalars(query))

    def failures(self, run_id: int) -> list[CrawlFailure]:
        query = select(CrawlFailure).where(CrawlFailure.run_id == run_id).order_by(CrawlFailure.id)
        return list(self.session.scalars(query))
