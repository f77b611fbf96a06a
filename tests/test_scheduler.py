"""`newswatch run` as it runs in production: real daemon processes, crawl children, the fixture
outlets on loopback, a SQLite database, and timings shortened through NEWSWATCH_SCHEDULER_TIMINGS."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from storage.db import make_engine, session_scope
from storage.models import Article, CrawlRun
from tests.outlet_site import CHANGING, GOOD_ALPHA, GOOD_BETA, SYNDICATED, OutletSite

pytestmark = pytest.mark.slow

TIMINGS = "lease=2,renew=0.5,standby_poll=0.3,stop_grace=0.5,kill_grace=15,reload_check=0.5,alerts=1"
EXPECTED = sorted(
    [f"alpha/{slug}" for slug in [*GOOD_ALPHA, CHANGING]] + [f"beta/{slug}" for slug in [*GOOD_BETA, SYNDICATED]]
)
YEARLY = "0 0 1 1 *"


@pytest.fixture(scope="module")
def site():
    served = OutletSite().start()
    yield served
    served.stop()


class Daemons:
    """Starts `newswatch run` processes on one database and config, each logging to a file."""

    def __init__(self, folder: Path, site: OutletSite) -> None:
        self.folder, self.site = folder, site
        self.db = f"sqlite:///{folder / 'newswatch.db'}"
        self.config = folder / "sources.toml"
        self.started: list[subprocess.Popen] = []

    def write_config(self, alpha: str, beta: str | None = None, timeout: float = 1) -> None:
        text_ = self.site.sources_toml(timeout=timeout)
        text_ = text_.replace('article_pattern = "/alpha/a/"', f'article_pattern = "/alpha/a/"\nschedule = "{alpha}"')
        text_ = text_.replace(
            'article_pattern = "/beta/b/"', f'article_pattern = "/beta/b/"\nschedule = "{beta or alpha}"'
        )
        self.config.write_text(text_, "utf-8")

    def start(self, *extra: str) -> subprocess.Popen:
        watches = self.folder / "watches.toml"
        if not watches.exists():
            watches.write_text("", "utf-8")  # a --watches file must exist: a typo is refused, not run without rules
        log = (self.folder / f"daemon{len(self.started)}.log").open("w")
        env = dict(os.environ, NEWSWATCH_SCHEDULER_TIMINGS=TIMINGS, XDG_DATA_HOME=str(self.folder / "data"))
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import typer; from crawler.commands.run import run; typer.run(run)",
                "--config",
                str(self.config),
                "--db",
                self.db,
                "--watches",
                str(self.folder / "watches.toml"),
                *extra,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        process.log_path = log.name
        self.started.append(process)
        return process

    def log(self, process: subprocess.Popen) -> str:
        return Path(process.log_path).read_text("utf-8", errors="replace")

    def wait_log(self, process: subprocess.Popen, needle: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.log(process):
            assert process.poll() is None, self.log(process)
            assert time.monotonic() < deadline, f"no {needle!r} in:\n{self.log(process)}"
            time.sleep(0.1)

    def stop(self, process: subprocess.Popen, timeout: float = 30) -> int:
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=timeout)
        assert "Error submitting job" not in self.log(process), self.log(process)  # the shutdown race
        return status

    def close(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait()

    def query(self, sql: str) -> list[tuple]:
        engine = make_engine(self.db)
        with engine.connect() as connection:
            rows = [tuple(row) for row in connection.execute(text(sql))]
        engine.dispose()
        return rows

    def runs(self, source: str | None = None) -> list[CrawlRun]:
        engine = make_engine(self.db)
        with session_scope(engine) as session:
            query = select(CrawlRun).order_by(CrawlRun.id)
            runs = list(session.scalars(query if source is None else query.where(CrawlRun.source == source)))
        engine.dispose()
        return runs

    def articles(self) -> list[str]:
        engine = make_engine(self.db)
        with session_scope(engine) as session:
            urls = [url.split("/", 3)[3] for url in session.scalars(select(Article.url))]
        engine.dispose()
        return sorted(urls)

    def wait_runs(self, predicate, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self.runs()):
            assert time.monotonic() < deadline, [(r.source, r.status) for r in self.runs()]
            time.sleep(0.2)


@pytest.fixture
def daemons(tmp_path: Path, site: OutletSite):
    made = Daemons(tmp_path, site)
    yield made
    made.close()


def finished(runs: list[CrawlRun], source: str) -> int:
    return sum(run.source == source and run.status == "finished" for run in runs)


def test_two_cycles_in_one_process_store_each_article_once_and_a_slow_crawl_never_overlaps(daemons):
    # alpha's slow page (4 s) within a 5 s download timeout makes each alpha crawl outlast its 1 s interval.
    daemons.write_config(alpha="every 1s", beta="every 2s", timeout=5)
    daemon = daemons.start()
    daemons.wait_runs(lambda runs: finished(runs, "alpha") >= 2 and finished(runs, "beta") >= 2, timeout=60)
    assert daemons.stop(daemon) == 0, daemons.log(daemon)
    assert daemons.articles() == EXPECTED  # each stored once, through every cycle
    alpha = daemons.runs("alpha")
    for earlier, later in zip(alpha, alpha[1:], strict=False):
        assert earlier.finished_at is not None and earlier.finished_at <= later.started_at
    assert "maximum number of running instances reached" in daemons.log(daemon)
    assert all(run.status == "finished" for run in daemons.runs())


def test_sigterm_mid_crawl_then_a_restart_loses_and_duplicates_nothing(daemons):
    daemons.write_config(
        alpha="every 1h", timeout=3
    )  # first runs within the first 30 s (FIRST_RUN_SPREAD), then hourly
    daemon = daemons.start()
    daemons.wait_runs(lambda runs: any(run.status == "running" for run in runs))
    deadline = time.monotonic() + 20
    while not daemons.articles():  # mid-crawl: listings read, some articles stored, not all
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert daemons.stop(daemon) == 0, daemons.log(daemon)
    log = daemons.log(daemon)
    assert "sending SIGTERM" in log or "done in" in log
    statuses = [run.status for run in daemons.runs()]
    assert "running" not in statuses, statuses
    once = daemons.start("--once")
    assert once.wait(timeout=60) == 0, daemons.log(once)
    assert "one cycle done: 2 crawl(s)" in daemons.log(once)
    assert daemons.articles() == EXPECTED


def test_once_runs_one_cycle_and_exits_0(daemons):
    daemons.write_config(alpha="every 2s", timeout=3)  # 3 s: two crawls at once on a busy machine stay in time
    once = daemons.start("--once")
    assert once.wait(timeout=60) == 0, daemons.log(once)
    runs = daemons.runs()
    assert sorted(run.source for run in runs) == ["alpha", "beta"]
    assert all(run.status == "finished" for run in runs)
    assert daemons.articles() == EXPECTED
    assert daemons.query("select count(*) from scheduler_leases") == [(0,)]  # released


def next_runs(daemons: Daemons) -> dict[str, float]:
    return dict(daemons.query("select id, next_run_time from newswatch_jobs"))


def test_the_schedule_survives_a_restart_and_follows_a_changed_config(daemons):
    daemons.write_config(alpha=YEARLY)
    first = daemons.start()
    daemons.wait_log(first, "running: 2 source(s)")
    assert daemons.stop(first) == 0
    before = next_runs(daemons)
    assert set(before) == {"crawl:alpha", "crawl:beta", "alerts:send"}
    daemons.write_config(alpha="0 0 1 2 *", beta=YEARLY)  # alpha changes, beta does not
    second = daemons.start()
    daemons.wait_log(second, "running: 2 source(s)")
    assert daemons.stop(second) == 0
    after = next_runs(daemons)
    assert after["crawl:beta"] == before["crawl:beta"]  # kept to the microsecond (jitter would differ)
    assert after["crawl:alpha"] != before["crawl:alpha"]
    assert "crawl:alpha (0 0 1 2 *) rescheduled" in daemons.log(second)


def test_sighup_reloads_and_a_bad_config_is_refused(daemons):
    daemons.write_config(alpha=YEARLY)
    daemon = daemons.start()
    daemons.wait_log(daemon, "running: 2 source(s)")
    good = daemons.config.read_text("utf-8")
    daemons.config.write_text(good.replace(f'schedule = "{YEARLY}"', 'schedule = "every banana"', 1), "utf-8")
    daemon.send_signal(signal.SIGHUP)
    daemons.wait_log(daemon, "new config refused")
    assert "field 'schedule'" in daemons.log(daemon)
    assert set(next_runs(daemons)) == {"crawl:alpha", "crawl:beta", "alerts:send"}
    daemons.config.write_text(
        good.replace('[[source]]\nname = "beta"', '[[source]]\nname = "beta"\nenabled = false'), "utf-8"
    )
    daemon.send_signal(signal.SIGHUP)
    daemons.wait_log(daemon, "crawl:beta removed")
    assert set(next_runs(daemons)) == {"crawl:alpha", "alerts:send"}
    assert daemons.stop(daemon) == 0


def test_a_second_daemon_waits_as_standby_and_takes_over_when_the_first_is_killed(daemons):
    daemons.write_config(alpha=YEARLY)
    first = daemons.start()
    daemons.wait_log(first, "running: 2 source(s)")
    second = daemons.start()
    daemons.wait_log(second, "standby:")
    time.sleep(2.5)  # longer than the lease: the first keeps renewing it
    assert "running:" not in daemons.log(second)
    assert daemons.log(second).count("standby:") == 1  # said once, not at every poll
    first.send_signal(signal.SIGKILL)
    first.wait()
    daemons.wait_log(second, "takes over", timeout=10)
    daemons.wait_log(second, "running: 2 source(s)")
    owner = daemons.query("select owner from scheduler_leases")[0][0]
    assert owner.split(":")[1] == str(second.pid)
    assert daemons.stop(second) == 0
