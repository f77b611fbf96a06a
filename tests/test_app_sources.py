"""crawler.app.sources called directly, on SQLite and PostgreSQL: check_config, status, check_health
(the operator's email on a real SMTP server)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from crawler.app.sources import check_config, check_health, status
from tests.smtp_server import SmtpServer, smtp_server_fixture  # noqa: F401
from tests.storage_fixtures import db_url_fixture, engine_fixture  # noqa: F401
from tests.test_health_check import OPERATOR, SOURCES_TOML, Runs, config, subjects, watches


def test_a_sound_config_is_counted(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    off = '\n[[source]]\nname = "off"\ntitle = "Off"\nhomepage = "https://off.example/"\nenabled = false\n'
    path.write_text(SOURCES_TOML.format(operator="") + off + 'feeds = ["https://off.example/rss"]\n', "utf-8")
    checked = check_config(path)
    assert checked.ok and checked.problems == ()
    assert [source.name for source in checked.config.enabled_sources] == ["moscow_times", "al_monitor"]
    assert checked.summary() == f"{path}: ok (3 sources, 2 enabled)"


def test_every_problem_of_a_broken_config_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nname = "x"\nhomepage = "not a url"\n\n[[source]]\ntitle = "no name"\n', "utf-8")
    checked = check_config(path)
    assert not checked.ok and checked.config is None
    assert len(checked.problems) >= 2 and all(problem.startswith(f"{path}:") for problem in checked.problems)
    assert checked.summary() == f"{len(checked.problems)} problem(s)"
    assert check_config(tmp_path / "missing.toml").problems


def test_status_and_check_health_on_a_url_or_an_engine(db_url: str, engine: Engine, smtp_server: SmtpServer) -> None:
    runs = Runs(engine)
    runs.add("moscow_times", new=3)
    for _ in range(3):
        runs.add("al_monitor")
    before = {entry.source: entry for entry in status(db_url, config())}
    assert list(before) == ["moscow_times", "al_monitor"]
    assert before["moscow_times"].health.state == "healthy" and before["moscow_times"].new_7d == 3
    assert before["al_monitor"].health.state == "unhealthy" and before["al_monitor"].health_since is None

    assert check_health(db_url, config(), watches(smtp_server)) == [
        "moscow_times: new -> healthy",
        "al_monitor: new -> unhealthy (no new articles in 3 runs)",
        "al_monitor: operator emailed: [newswatch] source al_monitor is unhealthy: no new articles in 3 runs",
    ]
    assert check_health(engine, config(), watches(smtp_server)) == []  # said once
    assert subjects(smtp_server) == ["[newswatch] source al_monitor is unhealthy: no new articles in 3 runs"]
    assert smtp_server.messages[0].rcpt_tos == (OPERATOR,)
    after = {entry.source: entry for entry in status(engine, config())}
    assert after["al_monitor"].health_since is not None
