"""Triage marks: star, relevant / not relevant, a note; per article and rule. Never commits.

marks = TriageMarks(session)
marks.set(article_id, "iran-drones", verdict="relevant", now=now)   # creates or updates the row
marks.precision("iran-drones")          # [(week start, relevant, not relevant)], oldest first
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Article, Source
from storage.triage_models import Triage, Verdict

_UNSET = object()


class TriageMarks:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, article_id: int, rule: str = "") -> Triage | None:
        return self.session.scalar(select(Triage).where(Triage.article_id == article_id, Triage.rule == rule))

    def set(
        self,
        article_id: int,
        rule: str = "",
        *,
        now: datetime,
        starred: bool | None = None,
        verdict: object = _UNSET,
        note: str | None = None,
    ) -> Triage:
        """Change what is given (verdict None clears it), keep the rest."""
        if verdict is not _UNSET and verdict not in (None, Verdict.RELEVANT, Verdict.NOT_RELEVANT):
            raise ValueError(f"verdict {verdict!r}: give relevant or not_relevant")
        mark = self.get(article_id, rule)
        if mark is None:
            mark = Triage(article_id=article_id, rule=rule, starred=False, note="")
            self.session.add(mark)
        if starred is not None:
            mark.starred = starred
        if verdict is not _UNSET:
            mark.verdict = verdict  # type: ignore[assignment]
        if note is not None:
            mark.note = note
        mark.updated_at = now
        self.session.flush()
        return mark

    def of_articles(self, article_ids: Iterable[int]) -> dict[int, list[Triage]]:
        ids = list(article_ids)
        found: dict[int, list[Triage]] = {}
        if not ids:
            return found
        for mark in self.session.scalars(select(Triage).where(Triage.article_id.in_(ids)).order_by(Triage.rule)):
            found.setdefault(mark.article_id, []).append(mark)
        return found

    def all(self, rule: str | None = None, *, since: datetime | None = None, source: str | None = None) -> list[Triage]:
        """The marks (of `rule`, changed since `since`, on articles of source `source`), oldest change first."""
        query = select(Triage).order_by(Triage.updated_at, Triage.id)
        if rule is not None:
            query = query.where(Triage.rule == rule)
        if since is not None:
            query = query.where(Triage.updated_at >= since)
        if source is not None:
            query = query.where(
                Triage.article_id.in_(select(Article.id).join(Article.source).where(Source.name == source))
            )
        return list(self.session.scalars(query))

    def starred_ids(self) -> set[int]:
        """The articles starred under any rule (or none)."""
        return set(self.session.scalars(select(Triage.article_id).where(Triage.starred.is_(True))))

    def precision(self, rule: str) -> list[tuple[datetime, int, int]]:
        """Per week of judging (Monday 00:00 UTC), how many of the rule's articles were judged relevant
        and not relevant, oldest week first."""
        weeks: dict[datetime, list[int]] = {}
        for mark in self.all(rule):
            if mark.verdict is None:
                continue
            day = mark.updated_at.replace(hour=0, minute=0, second=0, microsecond=0)
            week = day - timedelta(days=day.weekday())
            counts = weeks.setdefault(week, [0, 0])
            counts[0 if mark.verdict == Verdict.RELEVANT else 1] += 1
        return [(week, relevant, not_relevant) for week, (relevant, not_relevant) in sorted(weeks.items())]
