"""The thin commands over crawler.app as a user runs them (a real process, a SQLite file): what they
print, and their exit codes. The use-cases themselves are tested in tests/test_app_*.py."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.db import make_engine
from tests.test_app_alerts import NOON, SU35, articles, match  # noqa: F401  (the articles fixture)
from tests.test_app_articles import stored  # noqa: F401  (the stored fixture)
from tests.test_crawl_end_to_end import newswatch
from tests.test_health_check import SOURCES_TOML

WATCHES = """
[mail]
from = "newswatch@example.org"
mailbox = "{mailbox}"
{extra}

[[watch]]
name = "su35"
query = "su-35"
recipients = ["alice@example.org"]
"""


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'newswatch.db'}"


@pytest.fixture
def engine(db_url: str):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def watch_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "watches.toml"
    path.write_text(WATCHES.format(mailbox=tmp_path / "mailbox", extra=extra), "utf-8")
    return path


def test_show_prints_revisions_copies_and_failures(db_url: str, stored: dict[str, int]) -> None:  # noqa: F811
    shown = newswatch("show", str(stored["wire"]), "--db", db_url)
    assert shown.returncode == 0, shown.stderr
    assert "revision: replaced 2026-11-20T10:30:00+00:00: Iran gets Su-35s" in shown.stdout
    assert f"copy: #{stored['copy']} Yahoo News https://www.yahoo.com/news/iran-su35-093000.html" in shown.stdout
    assert "timeout: took longer than 2 s" in shown.stdout
    assert "title: Drones [exclusive]" in newswatch("show", str(stored["other"]), "--db", db_url).stdout
    as_json = json.loads(newswatch("show", str(stored["wire"]), "--db", db_url, "--json").stdout)
    assert len(as_json["revisions"]) == 1 and as_json["copies"][0]["id"] == stored["copy"]


def test_a_missing_article_and_a_bad_since_are_refused(db_url: str, stored: dict[str, int]) -> None:  # noqa: F811
    missing = newswatch("show", "999999", "--db", db_url)
    assert (missing.returncode, missing.stderr.strip()) == (1, "error: no article with id 999999")
    bad = newswatch("articles", "--since", "last week", "--db", db_url)
    assert bad.returncode == 2 and "error: --since 'last week': give a window like 30m" in bad.stderr


def test_articles_and_export_to_a_file(db_url: str, stored: dict[str, int], tmp_path: Path) -> None:  # noqa: F811
    listed = newswatch("articles", "--db", db_url, "--json")
    assert [json.loads(line)["id"] for line in listed.stdout.splitlines()] == [stored["wire"], stored["other"]]
    output = tmp_path / "out.jsonl"
    exported = newswatch("export", "--source", "Yahoo News", "-o", str(output), "--db", db_url)
    assert exported.returncode == 0 and exported.stdout == ""
    assert [json.loads(line)["id"] for line in output.read_text("utf-8").splitlines()] == [stored["copy"]]


def test_config_check_counts_or_names_every_problem(tmp_path: Path) -> None:
    good = tmp_path / "sources.toml"
    good.write_text(SOURCES_TOML.format(operator=""), "utf-8")
    checked = newswatch("config", "check", str(good))
    assert (checked.returncode, checked.stderr.strip()) == (0, f"{good}: ok (2 sources, 2 enabled)")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[source]]\nname = "x"\n', "utf-8")
    refused = newswatch("config", "check", str(bad))
    assert refused.returncode == 2 and refused.stderr.startswith(f"error: {bad}:1: source 'x': field")  # bad input


def test_watch_test_backtests_with_highlights(db_url: str, articles: dict[str, int], tmp_path: Path) -> None:  # noqa: F811
    rules = watch_file(tmp_path)
    result = newswatch("watch", "test", "su35", "--since", "3650d", "--db", db_url, "--watches", str(rules))
    assert result.returncode == 0, result.stderr
    assert f"#{articles['wire']} Reuters: Iran gets «Su-35»s" in result.stdout
    assert "su35: 1 of 2 stored articles would have matched (since 3650d)" in result.stderr
    unknown = newswatch("watch", "test", "nope", "--db", db_url, "--watches", str(rules))
    assert unknown.returncode == 1 and "no rule named 'nope'" in unknown.stderr and "(rules: su35)" in unknown.stderr


def test_alerts_send_delivers_to_the_mailbox_and_lists_them(
    db_url: str, engine: Engine, articles: dict[str, int], tmp_path: Path  # noqa: F811
) -> None:
    match(engine, SU35, articles["wire"], NOON - timedelta(days=1))
    sent = newswatch("alerts", "send", "--db", db_url, "--watches", str(watch_file(tmp_path)))
    assert sent.returncode == 0, sent.stderr
    assert f"1 email(s) sent via maildir {tmp_path / 'mailbox'}, 1 new in the outbox" in sent.stderr
    assert len(list((tmp_path / "mailbox" / "new").iterdir())) == 1
    listed = newswatch("alerts", "--db", db_url)
    assert listed.returncode == 0 and "su35" in listed.stdout and "sent" in listed.stdout
    broken = newswatch(
        "alerts", "send", "--db", db_url, "--watches", str(watch_file(tmp_path, 'security = "carrier-pigeon"'))
    )
    assert broken.returncode == 2 and f"error: {tmp_path / 'watches.toml'}: [mail]: security" in broken.stderr


def test_json_of_sources_alerts_send_and_watch_test(
    db_url: str, engine: Engine, articles: dict[str, int], tmp_path: Path  # noqa: F811
) -> None:
    good = tmp_path / "sources.toml"
    good.write_text(SOURCES_TOML.format(operator=""), "utf-8")
    listed = json.loads(newswatch("sources", "--json", "--config", str(good)).stdout)
    assert [source["name"] for source in listed] and {"name", "enabled", "feeds", "schedule"} <= set(listed[0])
    rules = watch_file(tmp_path)
    tested = json.loads(newswatch("watch", "test", "su35", "--since", "3650d", "--json", "--db", db_url,
                                  "--watches", str(rules)).stdout)
    assert (tested["rule"], tested["matched"], tested["total"]) == ("su35", 1, 2)
    assert tested["hits"][0]["id"] == articles["wire"] and tested["hits"][0]["terms"]
    match(engine, SU35, articles["wire"], NOON - timedelta(days=1))
    sent = newswatch("alerts", "send", "--json", "--db", db_url, "--watches", str(rules))
    report = json.loads(sent.stdout)
    assert sent.returncode == 0 and report["ok"] is True and len(report["sent"]) == 1 and report["waiting"] == []
    [alert] = json.loads(newswatch("alerts", "--json", "--db", db_url).stdout)
    assert alert["rule"] == "su35" and alert["status"] == "sent"


def test_crawl_errors_with_one_cause_are_one_line_naming_the_sources() -> None:
    from crawler.commands.crawl import grouped_errors

    same = [f"{name}: cannot record the crawl run: read-only" for name in ("a", "b", "c", "d")]
    assert grouped_errors(same) == ["4 sources: cannot record the crawl run: read-only"]
    assert grouped_errors(["a: x", "b: y", "c: x"]) == ["a, c: x", "b: y"]
    assert grouped_errors(["alerting: SMTP down"]) == ["alerting: SMTP down"]
