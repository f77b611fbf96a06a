"""Leases: one holder of a named role (the scheduler) per database, held for a while and renewed.

A lease row says who holds the role until when. Taking it is one conditional UPDATE (free, expired,
or already mine), else an INSERT that the primary key lets only one racer win, so two processes
never both believe they hold it, on SQLite or PostgreSQL. Times are the holders' clocks (UTC):
hosts sharing a PostgreSQL database need NTP, with skew well under the lease length.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, delete, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base
from storage.types import utcnow
from storage.upsert import insert_for


class Lease(Base):
    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner: Mapped[str] = mapped_column(String(255))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class Leases:
    """Leases of one session. Never commits: the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def acquire(self, name: str, owner: str, ttl: timedelta, *, now: datetime | None = None) -> bool:
        """Take or renew the lease `name` for `ttl` if it is free, expired or already `owner`'s."""
        now = now or utcnow()
        taken = self.session.execute(
            update(Lease)
            .where(Lease.name == name, or_(Lease.expires_at < now, Lease.owner == owner))
            .values(owner=owner, expires_at=now + ttl)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            return True
        inserted = self.session.execute(
            insert_for(self.session, Lease)
            .values(name=name, owner=owner, acquired_at=now, expires_at=now + ttl)
            .on_conflict_do_nothing(index_elements=["name"])
            .returning(Lease.name)
        )
        return inserted.first() is not None

    def renew(self, name: str, owner: str, ttl: timedelta, *, now: datetime | None = None) -> bool:
        """Extend `owner`'s lease; False when it is no longer theirs (it expired and was taken)."""
        now = now or utcnow()
        renewed = self.session.execute(
            update(Lease)
            .where(Lease.name == name, Lease.owner == owner)
            .values(expires_at=now + ttl)
            .execution_options(synchronize_session=False)
        )
        return renewed.rowcount == 1

    def release(self, name: str, owner: str) -> None:
        """Give the lease up at once (a clean stop), so a standby need not wait for it to expire."""
        self.session.execute(delete(Lease).where(Lease.name == name, Lease.owner == owner))

    def holder(self, name: str) -> Lease | None:
        return self.session.scalar(select(Lease).where(Lease.name == name))
