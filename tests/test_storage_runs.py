"""CrawlRuns: a run's counters, extra stats and failures; FeedStates: validators for conditional GETs."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from storage.db import session_scope
from storage.feeds import FeedStates
from storage.runs import CrawlRuns, UnknownCrawlRun
from tests.storage_fixtures import db_url_fixture, engine_fixture  # noqa: F401

FEED = "https://www.al-monitor.com/rss"


def test_a_run_keeps_its_counters_extra_stats_and_status(engine) -> None:
    with session_scope(engine) as session:
        run_id = CrawlRuns(session).start("al_monitor")
    stats = {
        "pages_fetched": 12,
        "bytes_fetched": 3_400_000,
        "not_modified": 2,
        "new": 7,
        "updated": 1,
        "duplicates": 2,
        "unchanged": 0,
        "errors": 2,
        "newswatch/extract/empty": 1,
        "elapsed": timedelta(seconds=3),
    }
    with session_scope(engine) as session:
        CrawlRuns(session).finish(run_id, stats, status="ok")
    with session_scope(engine) as session:
        run = CrawlRuns(session).get(run_id)
        assert (run.pages_fetched, run.bytes_fetched, run.not_modified) == (12, 3_400_000, 2)
        assert (run.new, run.updated, run.duplicates, run.unchanged, run.errors) == (7, 1, 2, 0, 2)
        assert run.stats == {"newswatch/extract/empty": 1, "elapsed": "0:00:03"}
        assert run.status == "ok"
        assert run.finished_at is not None and run.finished_at >= run.started_at


def test_failures_are_recorded_on_their_run_and_counted_as_errors(engine) -> None:
    with session_scope(engine) as session:
        runs = CrawlRuns(session)
        run_id = runs.start("moscow_times")
        runs.record_failure(run_id, "https://www.themoscowtimes.com/500", "http_500", "Internal Server Error")
        runs.record_failure(run_id, "https://www.themoscowtimes.com/slow", "timeout", "no answer in 30 s")
        runs.record_failure(run_id, "https://www.themoscowtimes.com/check", "not_article:challenge", "Just a moment…")
        runs.finish(run_id, {"pages_fetched": 3}, status="ok")
    with session_scope(engine) as session:
        runs = CrawlRuns(session)
        failures = runs.failures(run_id)
        assert [(f.url.rsplit("/", 1)[1], f.kind) for f in failures] == [
            ("500", "http_500"),
            ("slow", "timeout"),
            ("check", "not_article:challenge"),
        ]
        assert failures[1].reason == "no answer in 30 s"
        assert failures[0].at.tzinfo is not None
        assert runs.get(run_id).errors == 3


def test_a_failure_on_an_unknown_run_is_refused_and_the_transaction_survives(engine) -> None:
    with session_scope(engine) as session:
        runs = CrawlRuns(session)
        run_id = runs.start("isw")
        with pytest.raises(UnknownCrawlRun):
            runs.record_failure(run_id + 1000, "https://example.com/x", "timeout")
        runs.record_failure(run_id, "https://example.com/y", "timeout")
    with session_scope(engine) as session:
        assert [f.url for f in CrawlRuns(session).failures(run_id)] == ["https://example.com/y"]
        with pytest.raises(UnknownCrawlRun):
            CrawlRuns(session).finish(run_id + 1000, {})


def test_recent_runs_newest_first_by_source(engine) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with session_scope(engine) as session:
        runs = CrawlRuns(session)
        ids = [runs.start(name, started_at=start + timedelta(hours=i)) for i, name in enumerate(["a", "b", "a"])]
    with session_scope(engine) as session:
        runs = CrawlRuns(session)
        assert [r.id for r in runs.recent()] == ids[::-1]
        assert [r.id for r in runs.recent(source="a")] == [ids[2], ids[0]]
        assert [r.id for r in runs.recent(limit=1)] == [ids[2]]
        assert runs.recent()[0].status == "running"


def test_stale_running_runs_of_unknown_processes_are_marked_interrupted(engine) -> None:
    from crawler.processes import close_interrupted_runs

    now = datetime.now(UTC)
    with session_scope(engine) as session:
        runs = CrawlRuns(session)
        stale = runs.start("a", started_at=now - timedelta(days=2))
        fresh = runs.start("b", started_at=now)
    assert close_interrupted_runs(engine) == 1
    with session_scope(engine) as session:
        runs = CrawlRuns(session)
        assert (runs.get(stale).status, runs.get(fresh).status) == ("interrupted", "running")


def test_feed_state_round_trip(engine) -> None:
    checked = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        assert FeedStates(session).get(FEED) is None
        FeedStates(session).save(FEED, '"abc123"', "Thu, 20 Nov 2026 05:58:00 GMT", 200, checked_at=checked)
    with session_scope(engine) as session:
        state = FeedStates(session).get(FEED)
        assert (state.etag, state.last_modified, state.last_status) == (
            '"abc123"',
            "Thu, 20 Nov 2026 05:58:00 GMT",
            200,
        )
        assert state.checked_at == checked


def test_a_304_without_validators_keeps_the_stored_ones_a_200_replaces_them(engine) -> None:
    with session_scope(engine) as session:
        feeds = FeedStates(session)
        feeds.save(FEED, '"v1"', "Thu, 20 Nov 2026 05:58:00 GMT", 200)
        feeds.save(FEED, None, None, 304)
        state = feeds.get(FEED)
        assert (state.etag, state.last_modified, state.last_status) == ('"v1"', "Thu, 20 Nov 2026 05:58:00 GMT", 304)
        feeds.save(FEED, '"v2"', None, 200)
        state = feeds.get(FEED)
        assert (state.etag, state.last_modified, state.last_status) == ('"v2"', None, 200)


def test_only_runs_whose_process_is_gone_are_closed_as_interrupted(engine) -> None:
    import socket
    import subprocess
    import sys

    from crawler.processes import close_interrupted_runs

    gone = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout)  # fmt: skip
    here = socket.gethostname()
    with session_scope(engine) as session:
        runs = CrawlRuns(session)
        dead = runs.start("alpha", host=here, pid=gone)
        alive = runs.start("beta", host=here, pid=os.getpid())
        elsewhere = runs.start("gamma", host="another-host", pid=1)
    assert close_interrupted_runs(engine) == 1
    with session_scope(engine) as session:
        runs = CrawlRuns(session)
        assert [runs.get(i).status for i in (dead, alive, elsewhere)] == ["interrupted", "running", "running"]
