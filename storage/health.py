"""SourceHealths: the stored health of each source, and the compare-and-set that lets exactly one
checker announce a transition to the operator.

    healths = SourceHealths(session)
    row = healths.record("moscow_times", "unhealthy", ["no new articles in 3 runs"], now)
    if healths.claim_notice("moscow_times", row.last_notified_state, "unhealthy", now):
        ...  # queue the operator's email in the outbox, in this same transaction

Never commits: the caller owns the transaction (storage.db.session_scope).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.health_models import SourceHealth


class SourceHealths:
    """Stored source health of one session. Never commits: the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, source: str) -> SourceHealth | None:
        return self.session.get(SourceHealth, source)

    def all(self) -> list[SourceHealth]:
        return list(self.session.scalars(select(SourceHealth).order_by(SourceHealth.source)))

    def record(self, source: str, state: str, reasons: Sequence[str], now: datetime) -> SourceHealth:
        """Store the assessed state; `since` moves only when the state changes."""
        row = self.session.get(SourceHealth, source, with_for_update=True)
        if row is None:
            row = SourceHealth(source=source, state=state, reasons=list(reasons), since=now, checked_at=now)
            self.session.add(row)
        else:
            if row.state != state:
                row.state, row.since = state, now
            row.reasons, row.checked_at = list(reasons), now
        self.session.flush()
        return row

    def claim_notice(self, source: str, seen: str | None, state: str, now: datetime) -> bool:
        """Set `last_notified_state` to `state` if it is still `seen`: True for the one caller that did."""
        unchanged = (
            SourceHealth.last_notified_state.is_(None) if seen is None else SourceHealth.last_notified_state == seen
        )
        result = self.session.execute(
            update(SourceHealth)
            .where(SourceHealth.source == source, unchanged)
            .values(last_notified_state=state, notified_at=now)
            .execution_options(synchronize_session="fetch")
        )
        return (result.rowcount or 0) == 1
