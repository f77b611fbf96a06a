"""Triage: an analyst's verdict on an article, for one watch rule or for the article alone (rule "")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base
from storage.types import BigIntKey, utcnow


class Verdict:
    RELEVANT = "relevant"
    NOT_RELEVANT = "not_relevant"


class Triage(Base):
    __tablename__ = "triage"
    __table_args__ = (UniqueConstraint("article_id", "rule"),)

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(200), default="", index=True)  # "" = the article, no rule
    starred: Mapped[bool] = mapped_column(default=False)
    verdict: Mapped[str | None] = mapped_column(String(16))  # Verdict, or None: not judged
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
