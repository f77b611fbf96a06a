"""The scheduler's parts without processes: schedule syntax, the lease (SQLite and PostgreSQL), timings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.scheduler import Timings
from crawler.scheduling.schedules import ScheduleError, parse_schedule
from storage.db import session_scope
from storage.leases import Leases
from tests.storage_fixtures import db_url_fixture, engine_fixture  # noqa: F401  (pytest collects them)


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("every 30m", 1800), ("every 2h", 7200), ("every 2s", 2), ("Every  1d", 86400), (None, 3600)],
)
def test_every_is_an_interval_in_utc_with_jitter_of_a_tenth(written, seconds):
    schedule = parse_schedule(written)
    assert isinstance(schedule.trigger, IntervalTrigger)
    assert schedule.trigger.interval == timedelta(seconds=seconds)
    assert schedule.trigger.timezone == UTC
    assert schedule.trigger.jitter == (min(seconds / 10, 300) if seconds >= 10 else None)
    assert schedule.misfire_grace == min(max(seconds, 60), 86400)


def test_cron_is_five_fields_in_utc_with_jitter():
    schedule = parse_schedule("*/20 * * * *")
    assert isinstance(schedule.trigger, CronTrigger) and schedule.trigger.timezone == UTC
    assert schedule.period == 1200 and schedule.trigger.jitter == 120
    start = datetime(2026, 11, 1, 10, 5, tzinfo=UTC)
    fire = schedule.trigger.get_next_fire_time(None, start)
    assert timedelta(0) <= fire - datetime(2026, 11, 1, 10, 20, tzinfo=UTC) <= timedelta(seconds=120)


@pytest.mark.parametrize("written", ["every", "every 0s", "every 5x", "hourly", "* * *", "99 * * * *"])
def test_a_bad_schedule_says_what_to_write(written):
    with pytest.raises(ScheduleError, match=repr(written.lower())):
        parse_schedule(written)


def test_one_lease_holder_at_a_time_and_a_takeover_after_expiry(engine):
    ttl, now = timedelta(seconds=30), datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        leases = Leases(session)
        assert leases.acquire("scheduler", "a", ttl, now=now)
        assert not leases.acquire("scheduler", "b", ttl, now=now + timedelta(seconds=10))
        assert leases.renew("scheduler", "a", ttl, now=now + timedelta(seconds=20))
        assert not leases.acquire("scheduler", "b", ttl, now=now + timedelta(seconds=45))  # renewed until 50 s
        assert leases.acquire("scheduler", "b", ttl, now=now + timedelta(seconds=51))  # a died: b takes over
        assert not leases.renew("scheduler", "a", ttl, now=now + timedelta(seconds=52))  # a learns it lost it
        assert leases.holder("scheduler").owner == "b"
        leases.release("scheduler", "a")  # not a's to release
        assert leases.holder("scheduler").owner == "b"
        leases.release("scheduler", "b")
        assert leases.holder("scheduler") is None
        assert leases.acquire("scheduler", "a", ttl, now=now + timedelta(seconds=53))


def test_timings_come_from_the_environment_for_tests(monkeypatch):
    monkeypatch.setenv("NEWSWATCH_SCHEDULER_TIMINGS", "lease=2, renew=0.5,unknown=3")
    timings = Timings.from_env(crawl_limit=60)
    assert (timings.lease, timings.renew, timings.crawl_limit, timings.stop_grace) == (2, 0.5, 60, 60)
