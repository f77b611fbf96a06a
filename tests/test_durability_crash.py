"""Nothing lost when `newswatch crawl` is killed: on SQLite and PostgreSQL, SIGKILL the crawl (its whole
process group, or the main process alone, in turn) at random moments, at least 10 times, then run one
plain crawl to the end. Every article of the outlet is then stored exactly once, every article matching
the watch rule has one alert and reached a real SMTP server (twice only inside a crash window, and then
under the same Message-ID), and no process of a killed crawl is left running.

The crawls run once per database (the module fixture); each test checks one fact of the outcome.
Figures: `python -m benchmarks.crash_harness` prints the same counts as a table.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crash_site import MARKER_ENV, CrashSite, Tally, crash_crawls, left_running, marked_pids
from tests.smtp_server import SmtpServer
from tests.storage_fixtures import DIALECTS, drop_schema, postgres_admin_url, sqlite_url, temporary_schema_url

pytestmark = pytest.mark.slow

KILLS = 12
# Each article answers in DELAY seconds, 4 at a time: ~12 s of crawling after ~2 s of start-up on
# SQLite and PostgreSQL alike, so kills at 0.5-6 s land throughout the crawl (and some in its email).
ARTICLES = 250
DELAY = 0.2


@pytest.fixture(scope="module", params=DIALECTS)
def crashed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tally]:
    """KILLS killed crawls and one complete crawl against a fresh database, tallied."""
    folder = tmp_path_factory.mktemp(f"crash-{request.param}")
    schema = admin = None
    if request.param == "postgresql":
        admin = postgres_admin_url()
        db, schema = temporary_schema_url(admin)
    else:
        db = sqlite_url(folder)
    site = CrashSite(ARTICLES, delay=DELAY).start()
    smtp = SmtpServer().start()
    try:
        yield crash_crawls(site, db, folder / "runs", smtp, kills=KILLS, seed=7, label=request.param)
    finally:
        smtp.stop()
        site.stop()
        if schema is not None and admin is not None:
            drop_schema(admin, schema)


def test_the_kills_landed_in_running_crawls_of_both_kinds(crashed: Tally) -> None:
    assert len(crashed.kills) >= 10, f"only {len(crashed.kills)} kills landed"
    assert {kill.mode for kill in crashed.kills} == {"group", "main"}
    assert crashed.kills_mid_crawl >= KILLS // 3, [(k.after, k.stored_before) for k in crashed.kills]


def test_the_last_crawl_exits_0(crashed: Tally) -> None:
    assert crashed.final_exit == 0, crashed.final_output


def test_every_crawl_between_kills_that_ended_by_itself_exited_0(crashed: Tally) -> None:
    assert set(crashed.early_exits) <= {0}, crashed.early_exits


def test_no_article_is_lost(crashed: Tally) -> None:
    assert crashed.lost == 0, f"{crashed.lost} of {crashed.articles} lost, e.g. {crashed.lost_urls[:3]}"


def test_no_article_is_stored_twice(crashed: Tally) -> None:
    assert crashed.duplicated == 0


def test_every_matching_article_has_one_alert(crashed: Tally) -> None:
    assert (crashed.alert_rows, crashed.extra_alert_rows) == (crashed.alerts_expected, 0)


def test_every_matching_article_is_emailed(crashed: Tally) -> None:
    assert crashed.missed == 0, f"{crashed.missed} of {crashed.alerts_expected} matching articles never emailed"


def test_a_story_emailed_twice_carries_one_message_id(crashed: Tally) -> None:
    assert crashed.repeated_distinct == 0


def test_no_article_without_the_term_is_emailed(crashed: Tally) -> None:
    assert crashed.false_alerts == 0


def test_no_process_of_a_killed_crawl_is_left_running(crashed: Tally) -> None:
    left = [(kill.mode, kill.orphans) for kill in crashed.kills if kill.orphans]
    assert crashed.orphans == 0, f"left running after the kill: {left}"


def test_no_run_of_a_killed_crawl_still_says_running(crashed: Tally) -> None:
    assert crashed.left_running_runs == 0


def test_the_harness_finds_a_process_by_its_marker(tmp_path: Path) -> None:
    """The orphan count is only as good as the scan: a marked sleeper is found, an ended one is not."""
    with (tmp_path / "log").open("wb") as log:
        sleeper = subprocess.Popen(
            [sys.executable, "-c", "import time; time.sleep(30)"], stdout=log, env={MARKER_ENV: "probe-1"}
        )
    try:
        assert marked_pids("probe-1") == [sleeper.pid]
        assert marked_pids("probe-2") == []
    finally:
        sleeper.kill()
        sleeper.wait(timeout=10)
    assert left_running("probe-1", grace=1) == []
