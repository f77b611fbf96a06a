"""Each source's crawl health as last assessed, and which state its operator was last told of.

One row per source. `state` and `since` change only on a transition; `last_notified_state` is the
state the operator's last email announced, so a restarted checker knows what it already said.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base
from storage.types import utcnow


class HealthState:
    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"
    UNKNOWN = "unknown"  # no finished run to judge by


class SourceHealth(Base):
    __tablename__ = "source_health"

    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[str]] = mapped_column(default=list)
    since: Mapped[datetime] = mapped_column(default=utcnow)  # when it entered `state`
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_notified_state: Mapped[str | None] = mapped_column(String(16))
    notified_at: Mapped[datetime | None]
