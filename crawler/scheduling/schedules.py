"""A source's `schedule` in sources.toml, as an APScheduler 3 trigger in UTC with jitter.

    schedule = "every 30m"        # every N s / m / h / d (seconds are for tests and demos)
    schedule = "*/20 * * * *"     # five-field cron, in UTC
    (none)                        # every 60 minutes

Jitter spreads the outlets over time so they are not all hit at once: a tenth of the interval (at
most five minutes) for `every`, up to two minutes for cron.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

DEFAULT_SCHEDULE = "every 60m"
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_EVERY = re.compile(r"^every\s+(\d+)\s*([smhd])$")
MAX_INTERVAL_JITTER = 300.0
CRON_JITTER = 120


class ScheduleError(ValueError):
    """A schedule string that is neither `every N<unit>` nor a five-field cron expression."""


@dataclass(frozen=True, slots=True)
class Schedule:
    text: str  # as written (normalised), also stored in the job's name to tell a changed schedule
    trigger: BaseTrigger
    period: float  # seconds between runs (for cron: a rough figure, used to size the misfire grace)

    @property
    def misfire_grace(self) -> int:
        """A run late by up to one period (at least a minute, at most a day) still happens, once."""
        return int(min(max(self.period, 60), 86400))


def parse_schedule(text: str | None) -> Schedule:
    text = " ".join((text or DEFAULT_SCHEDULE).split()).lower()
    if match := _EVERY.match(text):
        seconds = int(match[1]) * UNITS[match[2]]
        if seconds < 1:
            raise ScheduleError(f"{text!r}: the interval must be at least 1 second")
        jitter = min(seconds / 10, MAX_INTERVAL_JITTER)
        trigger = IntervalTrigger(seconds=seconds, timezone=UTC, jitter=jitter if jitter >= 1 else None)
        return Schedule(text, trigger, float(seconds))
    if text.startswith("every"):
        raise ScheduleError(f"{text!r}: write 'every' with a number and a unit s, m, h or d, like 'every 30m'")
    if len(text.split()) != 5:
        raise ScheduleError(f"{text!r}: not 'every 30m' and not a five-field cron expression like '*/20 * * * *'")
    try:
        trigger = CronTrigger.from_crontab(text, timezone=UTC)
    except ValueError as error:
        raise ScheduleError(f"{text!r}: bad cron expression: {error}") from error
    period = _cron_period(trigger)  # before the jitter, which would blur it
    trigger.jitter = CRON_JITTER
    return Schedule(text, trigger, period)


def _cron_period(trigger: CronTrigger) -> float:
    first = trigger.get_next_fire_time(None, datetime.now(UTC))
    second = trigger.get_next_fire_time(first, first) if first else None
    if first is None or second is None:
        return 86400.0
    return max((second - first).total_seconds(), 60.0)
