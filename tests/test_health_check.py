"""check_health() and `newswatch status` on a real database (SQLite, and PostgreSQL when configured):
one operator email when a source turns unhealthy, one when it recovers, none again after a restart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select, text

from crawler.alerts.config import WatchConfig
from crawler.alerts.delivery import deliver_due
from crawler.alerts.mail import MailSettings
from crawler.config import Config, HealthSettings, SourceConfig
from crawler.health import check_health, source_health
from storage.alert_models import AlertEmail, AlertEmailItem
from storage.alerts import Alerts
from storage.db import make_engine, session_scope
from storage.health import SourceHealths
from storage.runs import CrawlRuns
from tests.smtp_server import SmtpServer, smtp_server_fixture  # noqa: F401
from tests.storage_fixtures import db_url_fixture  # noqa: F401
from tests.test_crawl_end_to_end import newswatch

OPERATOR = "ops@example.org"
START = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
SOURCES_TOML = """\
[health]
{operator}

[[source]]
name = "moscow_times"
title = "The Moscow Times"
homepage = "https://www.themoscowtimes.com/"
feeds = ["https://www.themoscowtimes.com/rss/news"]

[[source]]
name = "al_monitor"
title = "Al-Monitor"
homepage = "https://www.al-monitor.com/"
feeds = ["https://www.al-monitor.com/rss"]
"""


def config(operator: tuple[str, ...] = (OPERATOR,)) -> Config:
    sources = tuple(
        SourceConfig(name=name, title=title, homepage=f"https://www.{domain}/", feeds=(f"https://www.{domain}/rss",))
        for name, title, domain in (
            ("moscow_times", "The Moscow Times", "themoscowtimes.com"),
            ("al_monitor", "Al-Monitor", "al-monitor.com"),
        )
    )
    return Config(sources=sources, health=HealthSettings(operator=operator))


def watches(smtp: SmtpServer) -> WatchConfig:
    return WatchConfig(
        mail={"from": "newswatch@example.org", "smtp_host": smtp.host, "smtp_port": smtp.port, "security": "none"}
    )


class Runs:
    """Crawl runs of each source, an hour apart, as the crawl recorder writes them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.hours = 0

    def add(self, source: str, new: int = 0, *, status: str = "finished", pages: int = 4, **extra: int) -> None:
        self.hours += 1
        with session_scope(self.engine) as session:
            runs = CrawlRuns(session)
            run_id = runs.start(source, started_at=START + timedelta(hours=self.hours))
            if status != "running":
                runs.finish(run_id, {"pages_fetched": pages, "new": new, "extra": extra}, status)


def subjects(smtp: SmtpServer) -> list[str]:
    # Python folds a subject that fits on one continuation line as "Subject:\r\n [newswatch] …", and
    # reads it back with the space: strip it, as mail clients do.
    return [received.message["Subject"].strip() for received in smtp.messages]


def write_files(tmp_path: Path, smtp: SmtpServer, operator: str = OPERATOR) -> tuple[Path, Path]:
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCES_TOML.format(operator=f'operator = ["{operator}"]' if operator else ""), "utf-8")
    watch_file = tmp_path / "watches.toml"
    watch_file.write_text(
        textwrap.dedent(f"""\
            [mail]
            from = "newswatch@example.org"
            smtp_host = "{smtp.host}"
            smtp_port = {smtp.port}
            security = "none"
            """),
        "utf-8",
    )
    return sources, watch_file


def check_in_a_new_process(db_url: str, sources: Path, watch_file: Path) -> list[str]:
    code = (
        "import json, sys; from crawler.alerts.config import load_watches; from crawler.config import load_config;"
        " from crawler.health import check_health; from storage.db import make_engine;"
        " from pathlib import Path; print(json.dumps(check_health(make_engine(sys.argv[1]), load_config(sys.argv[2]),"
        " load_watches(Path(sys.argv[3])))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, db_url, str(sources), str(watch_file)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_one_email_when_a_source_turns_unhealthy_one_when_it_recovers_none_after_a_restart(
    db_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    engine = make_engine(db_url)
    runs = Runs(engine)
    runs.add("moscow_times", new=3)
    runs.add("al_monitor", new=2)
    assert check_health(engine, config(), watches(smtp_server)) == [
        "moscow_times: new -> healthy",
        "al_monitor: new -> healthy",
    ]

    for _ in range(2):  # two empty runs: not yet a streak
        runs.add("moscow_times")
        assert check_health(engine, config(), watches(smtp_server)) == []
    runs.add("moscow_times")
    lines = check_health(engine, config(), watches(smtp_server))
    subject = "[newswatch] source moscow_times is unhealthy: no new articles in 3 runs"
    assert lines == [
        "moscow_times: healthy -> unhealthy (no new articles in 3 runs)",
        f"moscow_times: operator emailed: {subject}",
    ]
    for _ in range(3):  # it stays unhealthy, run after run: no more email
        runs.add("moscow_times")
        runs.add("al_monitor", new=1)
        assert check_health(engine, config(), watches(smtp_server)) == []
    assert subjects(smtp_server) == [subject]
    [received] = smtp_server.messages
    assert received.rcpt_tos == (OPERATOR,)
    message = received.message
    plain = message.get_body(("plain",)).get_content()
    assert "Source moscow_times (The Moscow Times) is unhealthy since" in plain
    assert "- no new articles in 6 runs" not in plain and "- no new articles in 3 runs" in plain
    assert "Last 7 days: 3 new articles in 4 runs" in plain
    assert "<li>no new articles in 3 runs</li>" in message.get_body(("html",)).get_content()

    engine.dispose()  # a restart: a new engine, then a new process
    engine = make_engine(db_url)
    assert check_health(engine, config(), watches(smtp_server)) == []
    sources, watch_file = write_files(tmp_path, smtp_server)
    assert check_in_a_new_process(db_url, sources, watch_file) == []
    assert len(smtp_server.messages) == 1

    runs.add("moscow_times", new=1)
    assert check_health(engine, config(), watches(smtp_server)) == [
        "moscow_times: unhealthy -> healthy",
        "moscow_times: operator emailed: [newswatch] source moscow_times has recovered",
    ]
    assert check_health(engine, config(), watches(smtp_server)) == []
    assert check_in_a_new_process(db_url, sources, watch_file) == []
    assert subjects(smtp_server) == [subject, "[newswatch] source moscow_times has recovered"]
    recovered = smtp_server.messages[1].message
    assert "is healthy again since" in recovered.get_body(("plain",)).get_content()
    assert recovered["Message-ID"] != message["Message-ID"]

    for _ in range(3):  # and a second spell is announced again
        runs.add("moscow_times")
    check_health(engine, config(), watches(smtp_server))
    assert subjects(smtp_server)[2:] == [subject]
    engine.dispose()


def unhealthy_while_smtp_is_down(engine: Engine, smtp_server: SmtpServer, source: str) -> tuple[datetime, list[str]]:
    """Three empty runs of `source`, then a check with the SMTP server stopped (and started again)."""
    runs = Runs(engine)
    for _ in range(3):
        runs.add(source)
    smtp_server.stop()
    now = datetime.now(UTC)
    lines = check_health(engine, config(), watches(smtp_server), now=now)
    smtp_server.start()
    return now, lines


def test_an_email_that_fails_is_retried_from_the_outbox_after_its_back_off(
    db_url: str, smtp_server: SmtpServer
) -> None:
    engine = make_engine(db_url)
    now, lines = unhealthy_while_smtp_is_down(engine, smtp_server, "al_monitor")
    assert lines[1] == "al_monitor: new -> unhealthy (no new articles in 3 runs)"
    retry_at = f"{now + timedelta(minutes=1):%Y-%m-%d %H:%M} UTC"
    assert lines[2].startswith(f"al_monitor: operator email failed, tried again from {retry_at}: cannot connect")
    # The email waits in the outbox for its back-off (1 min after the first attempt), then goes out.
    assert check_health(engine, config(), watches(smtp_server), now=now + timedelta(seconds=30)) == []
    assert smtp_server.messages == []
    assert check_health(engine, config(), watches(smtp_server), now=now + timedelta(minutes=1)) == [
        "al_monitor: operator emailed: [newswatch] source al_monitor is unhealthy: no new articles in 3 runs"
    ]
    assert check_health(engine, config(), watches(smtp_server), now=now + timedelta(minutes=5)) == []
    assert len(smtp_server.messages) == 1
    with session_scope(engine) as session:  # one email in the outbox, carrying no alerts
        [email] = session.scalars(select(AlertEmail)).all()
        assert (email.rules, email.status, email.attempts) == (["health:al_monitor"], "sent", 2)
        assert session.scalars(select(AlertEmailItem)).all() == []
        assert Alerts(session).recent() == []  # `newswatch alerts` lists alerts: a notice is none
    engine.dispose()


def test_a_notice_queued_while_smtp_is_down_goes_out_with_the_alerts_once(db_url: str, smtp_server: SmtpServer) -> None:
    engine = make_engine(db_url)
    now, lines = unhealthy_while_smtp_is_down(engine, smtp_server, "moscow_times")
    assert "operator email failed" in lines[-1]
    mail = MailSettings.from_config(watches(smtp_server).mail)
    report = deliver_due(engine, {}, mail, now + timedelta(minutes=2))  # the alert cycle: no rules, no alerts
    assert [(sent.rules, sent.recipient) for sent in report.sent] == [(("health:moscow_times",), OPERATOR)]
    assert check_health(engine, config(), watches(smtp_server), now=now + timedelta(minutes=3)) == []
    assert deliver_due(engine, {}, mail, now + timedelta(hours=2)).sent == []
    assert subjects(smtp_server) == ["[newswatch] source moscow_times is unhealthy: no new articles in 3 runs"]
    engine.dispose()


def test_without_an_operator_states_are_only_recorded(db_url: str, smtp_server: SmtpServer) -> None:
    engine = make_engine(db_url)
    runs = Runs(engine)
    for _ in range(3):
        runs.add("al_monitor")
    assert check_health(engine, config(operator=()), watches(smtp_server)) == [
        "moscow_times: new -> unknown (no finished run yet)",
        "al_monitor: new -> unhealthy (no new articles in 3 runs)",
    ]
    with session_scope(engine) as session:
        stored = {row.source: row for row in SourceHealths(session).all()}
    assert stored["al_monitor"].state == "unhealthy" and stored["al_monitor"].last_notified_state is None
    assert stored["al_monitor"].reasons == ["no new articles in 3 runs"]
    assert smtp_server.messages == []
    # An operator configured later hears of the spell that is still going on, once.
    check_health(engine, config(), watches(smtp_server))
    check_health(engine, config(), watches(smtp_server))
    assert subjects(smtp_server) == ["[newswatch] source al_monitor is unhealthy: no new articles in 3 runs"]
    engine.dispose()


def test_status_json_for_a_seeded_database(db_url: str, smtp_server: SmtpServer, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    runs = Runs(engine)
    runs.add("al_monitor", new=4)
    runs.add("al_monitor", new=2, pages=10, **{"downloader/response_status_count/403": 6})
    runs.add("al_monitor", status="running")
    next_run = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=20)
    with engine.begin() as connection:  # the scheduler's APScheduler job store, as it writes it
        connection.execute(text("CREATE TABLE newswatch_jobs (id VARCHAR(191) PRIMARY KEY, next_run_time FLOAT)"))
        connection.execute(
            text("INSERT INTO newswatch_jobs VALUES ('crawl:al_monitor', :t), ('digest:daily', :t)"),
            {"t": next_run.timestamp()},
        )
    engine.dispose()
    sources, _ = write_files(tmp_path, smtp_server, operator="")

    result = newswatch("status", "--json", "--config", str(sources), "--db", db_url)
    assert result.returncode == 3, result.stderr  # 3: a source is unhealthy
    by_source = {entry["source"]: entry for entry in json.loads(result.stdout)}
    assert list(by_source) == ["moscow_times", "al_monitor"]
    assert by_source["moscow_times"] == {
        "source": "moscow_times",
        "title": "The Moscow Times",
        "last_run": {"started_at": None, "finished_at": None, "status": None},
        "next_run": None,
        "new_7d": 0,
        "runs_7d": 0,
        "health": "unknown",
        "reasons": ["no finished run yet"],
        "health_since": None,
    }
    al_monitor = by_source["al_monitor"]
    assert al_monitor["last_run"]["status"] == "running" and al_monitor["last_run"]["finished_at"] is None
    assert datetime.fromisoformat(al_monitor["last_run"]["started_at"]) == START + timedelta(hours=3)
    assert datetime.fromisoformat(al_monitor["next_run"]) == next_run
    assert (al_monitor["new_7d"], al_monitor["runs_7d"]) == (6, 3)
    assert al_monitor["health"] == "unhealthy"
    assert al_monitor["reasons"] == ["blocked: 6 of 10 responses were HTTP 6× 403"]

    table = subprocess.run(
        [
            sys.executable,
            "-c",
            "from crawler.cli import main; main()",
            "status",
            "--config",
            str(sources),
            "--db",
            db_url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert table.returncode == 3, table.stderr
    assert "al_monitor" in table.stdout and "unhealthy: blocked" in table.stdout
    assert "6 / 3 runs" in table.stdout


def test_health_since_is_kept_while_the_state_lasts(db_url: str) -> None:
    engine = make_engine(db_url)
    runs = Runs(engine)
    for _ in range(3):
        runs.add("al_monitor")
    first = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    check_health(engine, config(operator=()), now=first)
    check_health(engine, config(operator=()), now=first + timedelta(hours=5))
    [_, al_monitor] = source_health(engine, config())
    assert al_monitor.health.state == "unhealthy" and al_monitor.health_since == first
    engine.dispose()
