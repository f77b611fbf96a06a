"""Crawl health: is each source still yielding articles, and does its operator know when it stops?

    health = assess(runs, config.health)               # pure: the runs of one source, newest first
    statuses = source_health(engine, config)           # every enabled source, for `newswatch status`
    lines = check_health(engine, config, watches)      # store each state; email the operator on a change

A source is unhealthy when its last `empty_runs` finished runs stored no new or updated article, when
extraction failed on more than `max_failure_rate` of the pages its last runs extracted (once they
reach `min_pages`), or when more than `max_blocked_share` of its last run's responses had a blocked
status (403, 429): the usual signs that an outlet changed its layout or blocks us. Runs still running
are not judged. The operator gets one email when a source turns unhealthy and one when it recovers;
the state is stored (storage.health), so a restarted checker does not say it again.

The email takes the alerts' path: rendered from templates/health.* (crawler.alerts.render), queued
in the outbox in the transaction that records the change of state, and sent by the outbox
(crawler.alerts.delivery.send_outbox), which retries it with back-off until the server takes it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, inspect, select, text

from crawler.alerts.config import WatchConfig
from crawler.alerts.delivery import DeliveryReport, send_outbox
from crawler.alerts.mail import SMTP_POLICY, MailSettings, MailSettingsError
from crawler.alerts.render import HealthNotice, render_health_email
from crawler.config import Config, HealthSettings, SourceConfig
from storage.alerts import Alerts
from storage.db import session_scope
from storage.health import SourceHealths
from storage.health_models import HealthState
from storage.models import CrawlRun
from storage.runs import CrawlRuns
from storage.types import utcnow

log = logging.getLogger("newswatch.health")

JOBS_TABLE = "newswatch_jobs"  # the scheduler's APScheduler job store; a source's job id is `crawl:<name>`
YIELD_WINDOW = timedelta(days=7)
_EXTRA_RUNS = 20  # runs fetched beyond `empty_runs`, so that running or interrupted ones do not hide a streak
_STATUS_KEY = "downloader/response_status_count/"


@dataclass(frozen=True, slots=True)
class Health:
    state: str  # HealthState: healthy | unhealthy | unknown
    reasons: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return "; ".join(self.reasons) or self.state


def run_stats(run: CrawlRun) -> dict[str, Any]:
    """A run's Scrapy stats: the crawl recorder nests them under "extra" in the JSON `stats`."""
    stats = dict(run.stats or {})
    nested = stats.pop("extra", None)
    return {**stats, **nested} if isinstance(nested, Mapping) else stats


def _count(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _newest_first(runs: Iterable[CrawlRun]) -> list[CrawlRun]:
    return sorted(runs, key=lambda run: (run.started_at, run.id or 0), reverse=True)


def assess(runs: Sequence[CrawlRun], settings: HealthSettings) -> Health:
    """The health of one source from its recent runs (any order). Runs still running are ignored."""
    done = [run for run in _newest_first(runs) if run.status != "running"]
    if not done:
        return Health(HealthState.UNKNOWN, ("no finished run yet",))
    finished = [run for run in done if run.status == "finished"]
    reasons = [
        reason
        for reason in (
            _empty_streak(finished, settings),
            _failure_rate(finished, settings),
            _blocked(done[0], settings),
        )
        if reason
    ]
    return Health(HealthState.UNHEALTHY if reasons else HealthState.HEALTHY, tuple(reasons))


def _empty_streak(finished: list[CrawlRun], settings: HealthSettings) -> str | None:
    streak = 0
    for run in finished:
        if _count(run.new) + _count(run.updated):
            break
        streak += 1
    return f"no new articles in {streak} runs" if streak >= settings.empty_runs else None


def _extraction_counts(run: CrawlRun) -> tuple[int, int]:
    """(pages extraction failed on, pages that reached extraction) in one run."""
    stats = run_stats(run)
    failed = sum(
        _count(value)
        for key, value in stats.items()
        if key.startswith(("newswatch/failures/extraction:", "newswatch/failures/not_article:"))
    )
    return failed, failed + _count(stats.get("newswatch/extract/articles"))


def _failure_rate(finished: list[CrawlRun], settings: HealthSettings) -> str | None:
    """Over the last finished run, or as many of the last `empty_runs` as it takes to reach `min_pages`."""
    failed = pages = 0
    for run in finished[: settings.empty_runs]:
        run_failed, run_pages = _extraction_counts(run)
        failed, pages = failed + run_failed, pages + run_pages
        if pages >= settings.min_pages:
            break
    if pages < settings.min_pages or failed / pages <= settings.max_failure_rate:
        return None
    return f"extraction failed on {failed} of {pages} pages ({failed / pages:.0%})"


def _blocked(run: CrawlRun, settings: HealthSettings) -> str | None:
    stats = run_stats(run)
    by_status = {
        int(key.removeprefix(_STATUS_KEY)): _count(value)
        for key, value in stats.items()
        if key.startswith(_STATUS_KEY) and key.removeprefix(_STATUS_KEY).isdigit()
    }
    responses = max(_count(run.pages_fetched), sum(by_status.values()))
    blocked = {status: by_status[status] for status in settings.blocked_statuses if by_status.get(status)}
    if not responses or sum(blocked.values()) / responses <= settings.max_blocked_share:
        return None
    answered = ", ".join(f"{count}× {status}" for status, count in sorted(blocked.items()))
    return f"blocked: {sum(blocked.values())} of {responses} responses were HTTP {answered}"


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """One source at a glance, as `newswatch status` shows it."""

    source: str
    title: str
    last_started: datetime | None
    last_finished: datetime | None
    last_status: str | None
    next_run: datetime | None  # from the scheduler's job store; None when no scheduler has run
    new_7d: int
    runs_7d: int
    health: Health
    health_since: datetime | None = None  # when the stored state was entered (after a check_health)

    def as_dict(self) -> dict[str, Any]:
        def when(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "source": self.source,
            "title": self.title,
            "last_run": {
                "started_at": when(self.last_started),
                "finished_at": when(self.last_finished),
                "status": self.last_status,
            },
            "next_run": when(self.next_run),
            "new_7d": self.new_7d,
            "runs_7d": self.runs_7d,
            "health": self.health.state,
            "reasons": list(self.health.reasons),
            "health_since": when(self.health_since),
        }


def next_runs(engine: Engine) -> dict[str, datetime]:
    """Each source's next scheduled crawl, read from the scheduler's job store if there is one."""
    if not inspect(engine).has_table(JOBS_TABLE):
        return {}
    with engine.connect() as connection:
        rows = connection.execute(
            text(f"SELECT id, next_run_time FROM {JOBS_TABLE} WHERE id LIKE 'crawl:%'")  # noqa: S608  (a constant)
        ).all()
    return {
        job_id.removeprefix("crawl:"): datetime.fromtimestamp(float(when), UTC)
        for job_id, when in rows
        if when is not None  # a paused job
    }


def source_health(
    engine: Engine, config: Config, *, now: datetime | None = None, sources: Sequence[SourceConfig] | None = None
) -> list[SourceStatus]:
    """Last run, next run, 7-day yield and health of each enabled source (or of `sources`)."""
    now = now or utcnow()
    sources = config.enabled_sources if sources is None else sources
    scheduled = next_runs(engine)
    settings = config.health
    with session_scope(engine) as session:
        week = {
            name: (runs, new)
            for name, runs, new in session.execute(
                select(CrawlRun.source, func.count(), func.coalesce(func.sum(CrawlRun.new), 0))
                .where(CrawlRun.started_at >= now - YIELD_WINDOW)
                .group_by(CrawlRun.source)
            )
        }
        stored = {row.source: row for row in SourceHealths(session).all()}
        statuses = []
        for source in sources:
            runs = CrawlRuns(session).recent(settings.empty_runs + _EXTRA_RUNS, source.name)
            last = runs[0] if runs else None
            health = assess(runs, settings)
            row = stored.get(source.name)
            runs_7d, new_7d = week.get(source.name, (0, 0))
            statuses.append(
                SourceStatus(
                    source=source.name,
                    title=source.title,
                    last_started=last.started_at if last else None,
                    last_finished=last.finished_at if last else None,
                    last_status=last.status if last else None,
                    next_run=scheduled.get(source.name),
                    new_7d=int(new_7d),
                    runs_7d=int(runs_7d),
                    health=health,
                    health_since=row.since if row is not None and row.state == health.state else None,
                )
            )
    return statuses


def check_health(
    engine: Engine, config: Config, watches: WatchConfig | None = None, *, now: datetime | None = None
) -> list[str]:
    """Store every enabled source's health and email the operator ([health] operator, through the
    watch file's [mail]) once when a source turns unhealthy and once when it recovers. Returns one
    line per change of state and per email, for the log. The email is queued in the outbox with the
    change of state and sent at once; one that fails is retried with the outbox's back-off (by the
    next check, or the next alert delivery). With no operator configured the states are only recorded."""
    now = now or utcnow()
    lines: list[str] = []
    operator = config.health.operator
    mail: MailSettings | None = None
    if operator:
        try:
            mail = MailSettings.from_config(watches.mail if watches is not None else {})
        except MailSettingsError as error:
            lines.append(f"health: [mail]: {error}: the operator is not emailed")
    for status in source_health(engine, config, now=now):
        name, health = status.source, status.health
        with session_scope(engine) as session:  # the state, the claim and the queued email commit together
            healths = SourceHealths(session)
            before = healths.get(name)
            previous_state = before.state if before is not None else None
            row = healths.record(name, health.state, health.reasons, now)
            told = row.last_notified_state
            if (
                mail is not None
                and _notice_due(health.state, told)
                and healths.claim_notice(name, told, health.state, now)
            ):
                _queue_notice(Alerts(session), status, row.since, mail, operator, now)
        if previous_state != health.state:
            why = f" ({health.summary})" if health.reasons else ""
            lines.append(f"{name}: {previous_state or 'new'} -> {health.state}{why}")
    if mail is not None:
        report = DeliveryReport(transport=mail.describe())
        send_outbox(engine, mail, now, report)
        lines += _delivery_lines(report)
    for line in lines:
        log.info("%s", line)
    return lines


HEALTH_RULE = "health:"  # AlertEmail.rules of a health notice: ["health:<source>"]; no watch rule has a ":"


def _notice_due(state: str, told: str | None) -> bool:
    """An email announces turning unhealthy, and recovering after an announced unhealthy spell."""
    if state == HealthState.UNHEALTHY:
        return told != HealthState.UNHEALTHY
    return state == HealthState.HEALTHY and told == HealthState.UNHEALTHY


def _queue_notice(
    alerts: Alerts, status: SourceStatus, since: datetime, mail: MailSettings, operator: Sequence[str], now: datetime
) -> None:
    """One email per operator address into the outbox (inside the caller's transaction)."""
    health = status.health
    notice = HealthNotice(
        source=status.source,
        title=status.title,
        unhealthy=health.state == HealthState.UNHEALTHY,
        reasons=health.reasons if health.state == HealthState.UNHEALTHY else (),
        since=since,
        last_started=status.last_started,
        last_status=status.last_status,
        new_7d=status.new_7d,
        runs_7d=status.runs_7d,
        next_run=status.next_run,
    )
    for index, recipient in enumerate(dict.fromkeys(operator)):
        # One per transition and address: a second queueing of the same notice would be refused.
        message_id = f"<newswatch.health.{status.source}.{health.state}.{int(since.timestamp())}.{index}@{mail.domain}>"
        message = render_health_email(
            notice, recipient=recipient, sender=mail.from_address, message_id=message_id, date=now, domain=mail.domain
        )
        raw = message.as_bytes(policy=SMTP_POLICY)
        alerts.queue_email(recipient, [HEALTH_RULE + status.source], str(message["Subject"]), message_id, raw, (), now)


def _delivery_lines(report: DeliveryReport) -> list[str]:
    """What happened to the health notices among the emails the outbox just tried."""

    def source(rules: Sequence[str]) -> str | None:
        return next((rule.removeprefix(HEALTH_RULE) for rule in rules if rule.startswith(HEALTH_RULE)), None)

    lines = []
    for sent in report.sent:
        if name := source(sent.rules):
            lines.append(f"{name}: operator emailed: {sent.subject}")
    for refused in report.refused:
        if name := source(refused.rules):
            lines.append(f"{name}: operator {refused.recipient} refused: {refused.reason}")
    for failed in report.failed:
        if name := source(failed.rules):
            lines.append(
                f"{name}: operator email failed, tried again from {failed.next_attempt_at:%Y-%m-%d %H:%M} UTC:"
                f" {failed.error}"
            )
    return lines
