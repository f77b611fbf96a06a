"""A watch rule as configured: what to look for, who to tell, how often."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Mode(StrEnum):
    INSTANT = "instant"  # an email as soon as a crawl stores a match
    HOURLY = "hourly"  # a digest at the top of every hour
    DAILY = "daily"  # a digest once a day, at `digest_hour` in the rule's time zone
    WEEKLY = "weekly"  # a digest once a week, on `digest_day` at `digest_hour` in the rule's time zone


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # digest_day values; index = date.weekday()


@dataclass(frozen=True, slots=True)
class WatchRule:
    name: str  # unique, snake/kebab case; names the rule in subjects and in `newswatch watch`
    query: str  # Lucene-style query (see crawler/alerts/query.py)
    recipients: tuple[str, ...]  # email addresses (or mailto:) and channel URLs (crawler.alerts.channels)
    mode: Mode = Mode.INSTANT
    sources: tuple[str, ...] = ()  # only articles of these sources (names in sources.toml); () = all
    languages: tuple[str, ...] = ()  # only articles in these languages (ISO 639-1); () = all
    timezone: str = "UTC"  # for daily and weekly digests
    digest_hour: int = 8  # local hour of the daily or weekly digest
    digest_day: str = "mon"  # day of the weekly digest (WEEKDAYS)
    extra: dict[str, str] = field(default_factory=dict)  # room for later keys
