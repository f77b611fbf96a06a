"""crawler.app.alerts called directly, on SQLite and PostgreSQL, with a real SMTP server (aiosmtpd):
deliver_due, recent, backtest, try_query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from crawler.alerts.config import WatchConfig
from crawler.alerts.query import QueryError
from crawler.alerts.rules import Mode, WatchRule
from crawler.app.alerts import (
    MailConfigError,
    UnknownRuleError,
    backtest,
    deliver_due,
    find_rule,
    recent,
    try_query,
)
from crawler.stages import store_page
from storage.alerts import Alerts
from storage.db import session_scope
from tests.smtp_server import SmtpServer, smtp_server_fixture  # noqa: F401
from tests.storage_fixtures import FETCHED, db_url_fixture, engine_fixture, record  # noqa: F401
from tests.test_dedup_fingerprints import UNRELATED, WIRE

NOON = datetime(2026, 11, 24, 12, 20, tzinfo=UTC)
SU35 = WatchRule("su35", "su-35", ("alice@example.org",))
DRONES = WatchRule("drones", "shahed AND alabuga", ("bob@example.org",), mode=Mode.HOURLY)


def watches(smtp: SmtpServer | None = None, *rules: WatchRule, **mail: object) -> WatchConfig:
    table: dict[str, object] = {"from": "newswatch@example.org"}
    if smtp is not None:
        table.update(smtp_host=smtp.host, smtp_port=smtp.port, security="none")
    table.update(mail)
    return WatchConfig(rules=rules, mail=table, path=Path("/etc/newswatch/watches.toml"))


def store(engine: Engine, url: str, text: str, **fields: object) -> int:
    with session_scope(engine) as session:
        return store_page(session, record(url, text, **fields)).article_id


@pytest.fixture
def articles(engine: Engine) -> dict[str, int]:
    return {
        "wire": store(engine, "https://www.reuters.com/su35", WIRE, source="Reuters", title="Iran gets Su-35s",
                      language="en"),
        "kyiv": store(engine, "https://kyivindependent.com/shahed", UNRELATED, source="Kyiv Independent",
                      title="Shahed drones downed", language="en", fetched_at=FETCHED - timedelta(days=40)),
    }


def match(engine: Engine, rule: WatchRule, article_id: int, at: datetime = NOON) -> None:
    with session_scope(engine) as session:
        Alerts(session).record_match(rule.name, article_id, rule.mode.value, [rule.query], at)


def test_deliver_due_sends_instant_alerts_and_holds_digests_until_their_hour(
    db_url: str, engine: Engine, articles: dict[str, int], smtp_server: SmtpServer
) -> None:
    config = watches(smtp_server, SU35, DRONES)
    match(engine, SU35, articles["wire"])
    match(engine, DRONES, articles["kyiv"])
    first = deliver_due(db_url, config, instant_only=True, now=NOON)
    assert first.ok and first.queued == 1, first.lines()
    assert [received.rcpt_tos for received in smtp_server.messages] == [("alice@example.org",)]
    assert deliver_due(db_url, config, now=NOON).queued == 0  # the hourly digest is due at 13:00
    digest = deliver_due(engine, config, now=NOON + timedelta(hours=1))  # an Engine does as well as a URL
    assert digest.queued == 1 and [s.recipient for s in digest.sent] == ["bob@example.org"]
    assert len(smtp_server.messages) == 2


def test_deliver_due_with_an_unusable_mail_table_names_the_file(db_url: str) -> None:
    with pytest.raises(MailConfigError, match=r"^/etc/newswatch/watches.toml: \[mail\]: security 'carrier-pigeon'"):
        deliver_due(db_url, watches(None, SU35, security="carrier-pigeon"))


def test_recent_lists_alerts_newest_first_with_their_delivery(
    db_url: str, engine: Engine, articles: dict[str, int], smtp_server: SmtpServer
) -> None:
    match(engine, SU35, articles["wire"], NOON)
    match(engine, DRONES, articles["kyiv"], NOON + timedelta(minutes=5))
    deliver_due(db_url, watches(smtp_server, SU35, DRONES), now=NOON + timedelta(minutes=10))
    states = recent(db_url, limit=10)
    assert [(s.rule, s.status, s.title) for s in states] == [
        ("drones", "pending", "Shahed drones downed"),
        ("su35", "sent", "Iran gets Su-35s"),
    ]
    assert [s.rule for s in recent(db_url, limit=1)] == ["drones"]


def test_backtest_matches_stored_articles_within_the_rules_filters_and_window(
    db_url: str, articles: dict[str, int]
) -> None:
    config = watches(None, SU35, DRONES, WatchRule("kyiv-only", "iran", (), sources=("Kyiv Independent",)))
    result = backtest(db_url, config, "su35", None)
    assert (result.rule, result.total) == (SU35, 2)
    [hit] = result.hits
    assert (hit.article_id, hit.source, hit.document.title) == (articles["wire"], "Reuters", "Iran gets Su-35s")
    start, end = hit.match.field_spans("text")[0]
    assert hit.document.text[start:end] == "Su-35"
    assert [h.article_id for h in backtest(db_url, config, "drones", None).hits] == [articles["kyiv"]]
    assert backtest(db_url, config, "drones", FETCHED - timedelta(days=1)).hits == []  # kyiv is 40 days old
    filtered = backtest(db_url, config, "kyiv-only", None)
    assert filtered.total == 1 and [h.source for h in filtered.hits] == ["Kyiv Independent"]


def test_an_unknown_rule_is_named_with_the_rules_there_are(db_url: str) -> None:
    config = watches(None, SU35, DRONES)
    assert find_rule(config, "drones") == DRONES
    with pytest.raises(UnknownRuleError) as error:
        backtest(db_url, config, "su-35", None)
    assert str(error.value) == "no rule named 'su-35' in /etc/newswatch/watches.toml (rules: su35, drones)"
    with pytest.raises(UnknownRuleError, match=r"\(rules: none\)"):
        find_rule(watches(), "su35")


def test_try_query_says_whether_and_where() -> None:
    match_ = try_query("su-35 AND iran", "Iran expects its first SU 35 jets soon")
    assert match_ is not None and set(match_.terms) == {"su-35", "iran"}
    assert match_.field_spans("text") == [(0, 4), (23, 28)]  # "Iran", "SU 35"
    assert try_query("title:sanctions", "New sanctions", title="Iran") is None
    assert try_query("title:sanctions", "Iran", title="New sanctions") is not None
    assert try_query("kinzhal", "Запущен «Кинжал»") is None
    assert try_query("kinzhal", "Запущен «Кинжал»", alias_groups=(("Kinzhal", "Кинжал"),)) is not None
    with pytest.raises(QueryError, match="column 1"):
        try_query('"unclosed', "anything")
