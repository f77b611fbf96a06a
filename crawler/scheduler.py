"""The scheduler daemon behind `newswatch run`: one module owns APScheduler.

APScheduler 3 `BackgroundScheduler`, explicit UTC, its SQLAlchemy job store in the project
database (table `newswatch_jobs`), so schedules survive a restart. Jobs:

- `crawl:<source>` per enabled source, on the source's `schedule` (crawler.scheduling.schedules);
  each crawl runs in a child process with a time limit (crawler.scheduling.child), or, in distributed
  mode (`[cluster] redis_url`), is queued for the `newswatch worker`s (crawler.cluster.runs);
- `alerts:send` every minute: due digests and the outbox retry (crawler.app.alerts.deliver_due);
- `health:check` once after crawls (crawler.app.sources.check_health).

Every job has an explicit id, `replace_existing`, `coalesce`, `max_instances=1` and a real
`misfire_grace_time`. Job functions are module-level (the job store pickles a reference and the
source's name); they reach the running daemon through `_active`.

One scheduler per database: the daemon holds the `scheduler` lease (storage.leases), renewed from
a thread of its own; a second daemon waits as standby and takes over when the lease expires.
SIGTERM/SIGINT stop it gracefully, SIGHUP (or a changed file) reloads config and watch file.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import signal
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor as OncePool
from concurrent.futures import wait as futures_wait
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.interval import IntervalTrigger

from crawler.alerts.config import WatchConfig, WatchConfigError, load_watches
from crawler.alerts.mail import MailSettings
from crawler.app import alerts, sources
from crawler.config import Config, ConfigError, load_config
from crawler.processes import close_interrupted_runs
from crawler.scheduling.child import CrawlChild, CrawlCommand, mark_timed_out
from crawler.scheduling.schedules import Schedule, ScheduleError, parse_schedule
from storage.db import make_engine, redacted, session_scope, without_password
from storage.leases import Leases
from storage.types import utcnow

log = logging.getLogger("newswatch.scheduler")

LEASE_NAME = "scheduler"
JOBS_TABLE = "newswatch_jobs"
TIMINGS_ENV = "NEWSWATCH_SCHEDULER_TIMINGS"  # tests and benchmarks: "lease=2,renew=0.5,stop_grace=1"
CRAWL_JOB = "crawler.scheduler:crawl_job"
ALERTS_JOB = "crawler.scheduler:alerts_job"
HEALTH_JOB = "crawler.scheduler:health_job"
ALERTS_ID = "alerts:send"
HEALTH_ID = "health:check"
WORKERS = 16  # job threads: crawls wait on their child, so this bounds crawls running at once
FIRST_RUN_SPREAD = 30.0  # a new interval job first runs within this many seconds (not one interval later)


@dataclass(frozen=True, slots=True)
class Timings:
    """Seconds. Defaults suit production; NEWSWATCH_SCHEDULER_TIMINGS shortens them for tests."""

    lease: float = 30.0  # how long the lease lasts unrenewed: a dead daemon's successor waits this long
    renew: float = 10.0
    standby_poll: float = 5.0
    crawl_limit: float = 1800.0  # a crawl's time limit
    stop_grace: float = 60.0  # on SIGTERM, running crawls may finish for this long, then get SIGTERM
    kill_grace: float = 30.0  # a child that ignores SIGTERM this long is killed
    reload_check: float = 60.0  # how often the config and watch files are checked for changes
    alerts: float = 60.0  # the alerts:send interval

    @classmethod
    def from_env(cls, **overrides: float | None) -> Timings:
        timings = cls()
        known = {f.name for f in fields(cls)}
        for part in os.environ.get(TIMINGS_ENV, "").split(","):
            if "=" in part:
                key, value = (s.strip() for s in part.split("=", 1))
                if key in known:
                    timings = replace(timings, **{key: float(value)})
        return replace(timings, **{k: float(v) for k, v in overrides.items() if v is not None})


@dataclass(frozen=True, slots=True)
class Settings:
    db_url: str = field(repr=False)  # may hold a password: shown only through storage.db.redacted
    config_path: Path | None = None
    watches_path: Path | None = None
    timings: Timings = Timings()
    child_output: IO[Any] | int | None = None  # the crawl children's stdout/stderr (None: the daemon's)


@dataclass(frozen=True, slots=True)
class Loaded:
    """A config and watch file that passed every check, with each enabled source's schedule."""

    config: Config
    watches: WatchConfig
    mail: MailSettings
    schedules: dict[str, Schedule]
    mtimes: tuple[float | None, float | None]


class LoadError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _mtime(path: Path | None) -> float | None:
    try:
        return path.stat().st_mtime if path is not None else None
    except OSError:
        return None


def load(settings: Settings) -> Loaded:
    """Read and check config and watch file; LoadError with every problem in either."""
    problems: list[str] = []
    config = watches = mail = None
    try:
        config = load_config(settings.config_path)
    except ConfigError as error:
        problems += error.problems
    try:
        watches = load_watches(settings.watches_path)
        mail = alerts.mail_settings(watches)
    except WatchConfigError as error:
        problems += error.problems
    except alerts.MailConfigError as error:
        problems.append(str(error))
    schedules: dict[str, Schedule] = {}
    for source in config.enabled_sources if config else ():
        try:
            schedules[source.name] = parse_schedule(source.schedule)
        except ScheduleError as error:
            problems.append(f"{config.path}: source {source.name!r}: field 'schedule': {error}")
    if problems or config is None or watches is None or mail is None:
        raise LoadError(problems)
    mtimes = (_mtime(config.path), _mtime(watches.path))
    return Loaded(config, watches, mail, schedules, mtimes)


# --- job functions: module-level, so the job store can pickle a reference to them ---------------
_active: Daemon | None = None


def crawl_job(source: str) -> None:
    if _active is None:
        log.warning("crawl:%s fired with no daemon running: skipped", source)
        return
    _active.crawl(source)


def alerts_job() -> None:
    if _active is not None:
        _active.send_alerts()


def health_job() -> None:
    if _active is not None:
        _active.check_health()


def _cluster_of(config: Config) -> tuple[Any, Any] | None:
    from crawler.cluster import Keys, connect, key_prefix, redis_url

    url = redis_url(config)
    return (connect(url), Keys(key_prefix(config))) if url else None


class _Scheduler(BackgroundScheduler):
    """APScheduler 3's BackgroundScheduler, minus a shutdown race.

    Its job loop skips work when the scheduler is *paused* but not when it is *stopped*: a wakeup
    between `shutdown()` setting STOPPED and the loop thread exiting submitted due jobs to the
    closed executor ("cannot schedule new futures after shutdown") and moved their next run on.
    """

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()


class Daemon:
    """One `newswatch run`. `serve()` runs until SIGTERM/SIGINT; `run_once()` does one cycle."""

    def __init__(self, settings: Settings, loaded: Loaded) -> None:
        self.settings = settings
        self.timings = settings.timings
        self.loaded = loaded
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.engine = make_engine(settings.db_url)
        self.scheduler: BackgroundScheduler | None = None
        self.children: dict[str, CrawlChild] = {}
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.stop_renewing = threading.Event()
        self.stopping = False
        self.reload_requested = False
        self.lease_lost = False
        self.crawls_done = 0
        self._health_lock = threading.Lock()
        self.cluster = _cluster_of(loaded.config)  # (Redis client, keys) in distributed mode, else None

    # --- signals: bound methods of a live object (Python keeps them; no lambdas) ---------------
    def install_signals(self) -> None:
        signal.signal(signal.SIGTERM, self.on_stop_signal)
        signal.signal(signal.SIGINT, self.on_stop_signal)
        signal.signal(signal.SIGHUP, self.on_reload_signal)

    def on_stop_signal(self, signum: int, _frame: Any) -> None:
        if not self.stopping:
            log.info("%s: stopping (no new crawls; running ones may finish)", signal.Signals(signum).name)
        self.stopping = True
        self.wake.set()

    def on_reload_signal(self, _signum: int, _frame: Any) -> None:
        self.reload_requested = True
        self.wake.set()

    # --- the lease ---------------------------------------------------------------------------------
    def try_lease(self) -> bool:
        try:
            with session_scope(self.engine) as session:
                return Leases(session).acquire(LEASE_NAME, self.owner, timedelta(seconds=self.timings.lease))
        except Exception as error:  # the database is down: not ours, try again later
            log.warning("cannot reach the database for the scheduler lease: %s", self._safe(error))
            return False

    def wait_for_lease(self) -> bool:
        """Hold the lease, waiting as standby while another scheduler has it; False if told to stop."""
        standby = False
        while not self.stopping:
            if self.try_lease():
                if standby:
                    log.warning("the other scheduler's lease expired: %s takes over", self.owner)
                return True
            if not standby:
                with session_scope(self.engine) as session:
                    holder = Leases(session).holder(LEASE_NAME)
                who = (
                    f"{holder.owner} (lease until {holder.expires_at:%H:%M:%S} UTC)" if holder else "another scheduler"
                )
                log.warning("standby: %s runs the scheduler for this database; waiting to take over", who)
                standby = True
            self.wake.wait(self.timings.standby_poll)
            self.wake.clear()
        return False

    def _renew_loop(self) -> None:
        ttl = timedelta(seconds=self.timings.lease)
        valid_until = utcnow() + ttl
        while not self.stop_renewing.wait(self.timings.renew):
            try:
                with session_scope(self.engine) as session:
                    renewed = Leases(session).renew(LEASE_NAME, self.owner, ttl)
            except Exception as error:
                log.warning("cannot renew the scheduler lease: %s", self._safe(error))
                renewed = utcnow() < valid_until  # still ours until it expires
                if renewed:
                    continue
            if not renewed:
                log.error("lost the scheduler lease (another scheduler took over): stopping")
                self.lease_lost = True
                self.wake.set()
                return
            valid_until = utcnow() + ttl

    def release_lease(self) -> None:
        try:
            with session_scope(self.engine) as session:
                Leases(session).release(LEASE_NAME, self.owner)
        except Exception as error:
            log.warning(
                "could not release the scheduler lease (it expires in %.0f s): %s",
                self.timings.lease,
                self._safe(error),
            )

    def _safe(self, error: BaseException) -> str:
        """An error as a log line may show it: never the database password."""
        return without_password(str(error), self.settings.db_url)

    def _recover(self) -> None:
        """Runs a killed process left `running` are closed as `interrupted`. What such a crawl had
        not settled is still in the frontier: the next crawl of its source fetches it."""
        # Only runs whose process is gone: a crawl started by hand beside the daemon keeps running.
        if stale := close_interrupted_runs(self.engine):
            log.warning("%d crawl run(s) left running by a stopped process marked interrupted", stale)

    # --- the work --------------------------------------------------------------------------------
    def crawl(self, name: str) -> None:
        """Crawl one source in a child process and wait for it; never two of one source at once.
        In distributed mode, queue its job for the workers instead (and return)."""
        loaded = self.loaded
        if name not in loaded.schedules:
            log.info("crawl:%s: no such enabled source any more: skipped", name)
            return
        if self.cluster is not None:
            self.enqueue(name)
            return
        command = self.crawl_command(name)
        with self.lock:
            if self.stopping or name in self.children:
                if name in self.children:
                    log.info("crawl:%s is still running: this run skipped", name)
                return
            child = CrawlChild.start(command, self.settings.child_output)
            self.children[name] = child
        log.info("crawl:%s started (pid %d)", name, child.pid)
        try:
            code, timed_out = child.wait(self.timings.crawl_limit, self.timings.kill_grace)
        finally:
            with self.lock:
                self.children.pop(name, None)
        if timed_out:
            mark_timed_out(self.engine, name, child.started_at)
        self._close_runs_left_by(name)
        outcome = "timed out" if timed_out else "stopped" if child.stop_requested else f"exit {code}"
        log.info("crawl:%s done in %.1f s (%s)", name, child.seconds, outcome)
        self.crawls_done += 1
        self._schedule_health_check()

    def crawl_command(self, name: str) -> CrawlCommand:
        loaded = self.loaded
        return CrawlCommand(name, self.settings.db_url, loaded.config.path, self.settings.watches_path)

    def _close_runs_left_by(self, name: str) -> None:
        """A child stopped before Scrapy could close its run (a SIGTERM during its start-up, a crash)
        leaves it `running`: closed now as `interrupted`, not at the next daemon start."""
        try:
            if left := close_interrupted_runs(self.engine, [name]):
                log.warning("crawl:%s: %d run(s) its process left running marked interrupted", name, left)
        except Exception as error:  # the database away: the next start closes them
            log.warning("crawl:%s: cannot close the runs its process left running: %s", name, self._safe(error))

    def enqueue(self, name: str) -> int | None:
        """Open a cluster run of `name` and queue its job (unless its run is still open); the run's id."""
        from crawler.cluster.runs import enqueue

        assert self.cluster is not None
        server, keys = self.cluster
        try:
            queued = enqueue(self.engine, server, keys, name, time_limit=self.timings.crawl_limit)
        except Exception as error:  # Redis or the database away: the next firing tries again
            log.error("crawl:%s: cannot queue the job: %s", name, self._safe(error))
            return None
        if queued.new:
            log.info("crawl:%s queued for the workers (run %d)", name, queued.run_id)
        else:
            log.info("crawl:%s: run %d is still open in the cluster: nothing queued", name, queued.run_id)
        self.crawls_done += 1
        return queued.run_id

    def send_alerts(self) -> None:
        loaded = self.loaded
        if self.cluster is not None:
            self._match_pending()
        try:
            report = alerts.deliver_due(self.engine, loaded.watches, mail=loaded.mail)
        except Exception:
            log.exception("alerts:send failed")
            return
        for line in report.lines():
            log.info("alerts: %s", line)

    def _match_pending(self) -> None:
        """In distributed mode no crawl catches up after itself: versions a killed worker stored but
        did not match are matched here, before the alerts go (each story still alerts a rule once)."""
        from crawler.stages.match import RuleSet, match_pending

        watches = self.loaded.watches
        try:
            if caught_up := match_pending(self.engine, RuleSet.compile(watches.rules, watches.alias_groups)):
                log.info("alerts: %d from articles stored but not matched by a worker", caught_up)
        except Exception:
            log.exception("matching what workers left unmatched failed")

    def check_health(self) -> None:
        loaded = self.loaded
        with self._health_lock:
            try:
                for line in sources.check_health(self.engine, loaded.config, loaded.watches):
                    log.info("health: %s", line)
            except Exception:
                log.exception("health:check failed")

    def _schedule_health_check(self) -> None:
        scheduler = self.scheduler
        if scheduler is None or self.stopping:
            return
        scheduler.add_job(
            HEALTH_JOB,
            "date",
            run_date=datetime.now(UTC),
            id=HEALTH_ID,
            name=HEALTH_ID,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=600,
        )

    # --- jobs ------------------------------------------------------------------------------------
    def reconcile(self) -> None:
        """Make the job store match the config; an unchanged job keeps its next run time."""
        assert self.scheduler is not None
        loaded = self.loaded
        existing = {job.id: job for job in self.scheduler.get_jobs()}
        for job_id in existing:
            if job_id.startswith("crawl:") and job_id.removeprefix("crawl:") not in loaded.schedules:
                self.scheduler.remove_job(job_id)
                log.info("%s removed (source gone or disabled)", job_id)
        alerts = Schedule(
            f"every {self.timings.alerts:g}s", IntervalTrigger(seconds=self.timings.alerts, timezone=UTC), 60.0
        )
        wanted = [(f"crawl:{name}", CRAWL_JOB, schedule, [name]) for name, schedule in loaded.schedules.items()]
        wanted.append((ALERTS_ID, ALERTS_JOB, alerts, []))
        for job_id, func, schedule, args in wanted:
            name = f"{job_id} ({schedule.text})"
            job = existing.get(job_id)
            if job is not None and job.name == name:
                continue
            first: dict[str, Any] = {}
            if job is None and isinstance(schedule.trigger, IntervalTrigger):
                spread = min(schedule.period, FIRST_RUN_SPREAD)
                first["next_run_time"] = datetime.now(UTC) + timedelta(seconds=random.uniform(0, spread))
            self.scheduler.add_job(
                func,
                schedule.trigger,
                args=args,
                id=job_id,
                name=name,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=schedule.misfire_grace,
                **first,
            )
            log.info("%s %s", name, "rescheduled" if job is not None else "scheduled")

    def _build_scheduler(self) -> BackgroundScheduler:
        return _Scheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.engine, tablename=JOBS_TABLE)},
            executors={"default": ThreadPoolExecutor(WORKERS)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
            timezone=UTC,
        )

    def maybe_reload(self) -> None:
        loaded = self.loaded
        changed = (_mtime(loaded.config.path), _mtime(loaded.watches.path)) != loaded.mtimes
        if not (self.reload_requested or changed):
            return
        self.reload_requested = False
        try:
            fresh = load(self.settings)
        except LoadError as error:
            log.error("new config refused; the old one keeps running:")
            for problem in error.problems:
                log.error("  %s", problem)
            # Remember the mtimes so a refused file is not re-read every minute until it changes again.
            self.loaded = replace(loaded, mtimes=(_mtime(loaded.config.path), _mtime(loaded.watches.path)))
            return
        self.loaded = fresh
        log.info(
            "config reloaded: %d enabled source(s), %d watch rule(s)", len(fresh.schedules), len(fresh.watches.rules)
        )
        self.reconcile()

    # --- lifecycles --------------------------------------------------------------------------------
    @contextmanager
    def _in_charge(self) -> Iterator[None]:
        """With the lease held: renew it from a thread of its own and be the daemon jobs reach; then
        release it (unless lost) and the engine."""
        global _active
        renewer = threading.Thread(target=self._renew_loop, name="lease-renewer", daemon=True)
        renewer.start()
        _active = self
        try:
            yield
        finally:
            _active = None
            self.stop_renewing.set()
            renewer.join()
            if not self.lease_lost:
                self.release_lease()
            self.engine.dispose()

    def serve(self) -> int:
        """Run until SIGTERM/SIGINT (exit 0) or until the lease is lost (exit 1)."""
        self.install_signals()
        if not self.wait_for_lease():
            return 0
        with self._in_charge():
            self._recover()
            self.scheduler = self._build_scheduler()
            self.scheduler.start(paused=True)
            self.reconcile()
            self.scheduler.resume()
            log.info(
                "scheduler %s running: %d source(s), database %s",
                self.owner, len(self.loaded.schedules), redacted(self.settings.db_url),
            )
            while not (self.stopping or self.lease_lost):
                self.wake.wait(self.timings.reload_check)
                self.wake.clear()
                if not (self.stopping or self.lease_lost):
                    self.maybe_reload()
            self._stop()
        log.info("scheduler stopped")
        return 1 if self.lease_lost else 0

    def _stop(self) -> None:
        """No new work; running crawls finish (or get SIGTERM after the grace); alerts flushed."""
        self.stopping = True
        assert self.scheduler is not None
        self.scheduler.pause()
        self._drain_children()
        self.scheduler.shutdown(wait=True)
        self.scheduler = None
        self.send_alerts()

    def _drain_children(self) -> None:
        deadline = time.monotonic() + self.timings.stop_grace
        if self.children:
            log.info("waiting up to %.0f s for %d running crawl(s)", self.timings.stop_grace, len(self.children))
        while self.children and time.monotonic() < deadline:
            time.sleep(0.1)
        with self.lock:
            running = list(self.children.values())
        for child in running:  # all at once: they stop side by side
            log.info("crawl:%s: sending SIGTERM (Scrapy stops cleanly and records the run)", child.command.source)
            child.request_stop()
        for child in running:
            child.terminate(self.timings.kill_grace)

    def _cluster_cycle(self, names: list[str]) -> None:
        """Queue every source's job (or find its run open) and wait for the workers to close the runs."""
        from crawler.cluster.runs import wait_closed

        run_ids = [run_id for name in names if (run_id := self.enqueue(name)) is not None]
        left = wait_closed(self.engine, run_ids, self.timings.crawl_limit, stop=lambda: self.stopping)
        if left and not self.stopping:
            log.warning("cluster run(s) %s still open after %.0f s", left, self.timings.crawl_limit)
        self._schedule_health_check()

    def run_once(self) -> int:
        """One full cycle: every enabled source crawled once, alerts sent, health checked."""
        self.install_signals()
        if not self.try_lease():
            with session_scope(self.engine) as session:
                holder = Leases(session).holder(LEASE_NAME)
            log.warning("another scheduler (%s) runs for this database: nothing done", holder.owner if holder else "?")
            return 0
        with self._in_charge():
            self._recover()
            names = list(self.loaded.schedules)
            if self.cluster is not None:
                self._cluster_cycle(names)
                names = []
            with OncePool(max_workers=max(1, min(4, len(names)))) as pool:
                pending = {pool.submit(self.crawl, name) for name in names}
                while pending:
                    _done, pending = futures_wait(pending, timeout=0.2)
                    if self.stopping:
                        self._drain_children()
            self.send_alerts()
            self.check_health()
        log.info("one cycle done: %d crawl(s)", self.crawls_done)
        return 0
