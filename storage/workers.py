"""Workers: one row per `newswatch worker` process of a cluster, its heartbeat and its pace.

    Workers(session).beat("host:pid:token", host="h1", pid=42, started_at=t, pages=120, pages_per_s=8.5)
    Workers(session).recent()   # for `newswatch status`, the freshest first

A worker writes its row every few seconds; a row whose heartbeat is old is a worker that stopped or
died (the cluster re-queues what a dead worker held from Redis, not from here). Never commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Float, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base
from storage.types import utcnow
from storage.upsert import insert_for


class Worker(Base):
    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    last_seen: Mapped[datetime] = mapped_column(index=True)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    pages_per_s: Mapped[float] = mapped_column(Float, default=0.0)
    state: Mapped[str] = mapped_column(String(32), default="running")


class Workers:
    """The workers table of one session. Never commits: the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def beat(
        self,
        worker_id: str,
        *,
        host: str,
        pid: int,
        started_at: datetime,
        pages: int,
        pages_per_s: float,
        state: str = "running",
        now: datetime | None = None,
    ) -> None:
        values = {
            "host": host,
            "pid": pid,
            "started_at": started_at,
            "last_seen": now or utcnow(),
            "pages": pages,
            "pages_per_s": pages_per_s,
            "state": state,
        }
        stmt = insert_for(self.session, Worker.__table__).values(id=worker_id, **values)
        self.session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=values))

    def recent(self, within: timedelta = timedelta(days=1), now: datetime | None = None) -> list[Worker]:
        """Workers seen within `within`, the most recently seen first."""
        since = (now or utcnow()) - within
        query = select(Worker).where(Worker.last_seen >= since).order_by(Worker.last_seen.desc(), Worker.id)
        return list(self.session.scalars(query))

    def forget_before(self, moment: datetime) -> int:
        """Drop the rows of workers not seen since `moment`."""
        result = self.session.execute(delete(Worker).where(Worker.last_seen < moment))
        return result.rowcount or 0
