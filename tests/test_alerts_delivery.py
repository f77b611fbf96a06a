"""The delivery cycle against a real SMTP server (aiosmtpd on 127.0.0.1), on SQLite and PostgreSQL:
exact recipients, subjects and escaped content; digests; SMTP down then up; a refused recipient; a
crash between send and mark; Maildir when no SMTP host is configured."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawler.alerts.delivery import deliver_due, next_slot
from crawler.alerts.mail import MailSettings
from crawler.alerts.rules import Mode, WatchRule
from crawler.stages import store_page
from storage.alerts import Alerts
from storage.articles import ArticleStore
from storage.db import session_scope
from tests.smtp_server import SmtpServer, free_port, smtp_server_fixture  # noqa: F401
from tests.storage_fixtures import db_url_fixture, engine_fixture, record  # noqa: F401
from tests.test_dedup_fingerprints import REPUBLISHED, UNRELATED, WIRE

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
HOSTILE = '<script>alert(1)</script> & "quotes" Su-35'
SU35 = WatchRule("su35", "su-35", ("alice@example.org", "bob@example.org"))
DRONES = WatchRule("iran-drones", "shahed AND alabuga", ("alice@example.org",))


def smtp(server: SmtpServer, **fields) -> MailSettings:
    return MailSettings(
        from_address="newswatch@example.org", host=server.host, port=server.port, security="none", **fields
    )


def store(engine, url: str, text: str, source: str = "Reuters", title: str = "A headline", **fields) -> int:
    with session_scope(engine) as session:
        store = ArticleStore(session)
        store.ensure_source(source, title=f"{source} (outlet)")
        return store_page(session, record(url, text, source=source, title=title, **fields)).article_id


def match(engine, rule: WatchRule, article_id: int, terms: list[str], at: datetime = NOW, **kw) -> bool:
    with session_scope(engine) as session:
        return Alerts(session).record_match(rule.name, article_id, rule.mode.value, terms, at, **kw)


def body(message: EmailMessage, kind: str) -> str:
    return message.get_body((kind,)).get_content()


def test_an_instant_alert_emails_each_recipient_once_with_escaped_content(engine, smtp_server) -> None:
    article = store(engine, "https://www.reuters.com/su35", WIRE, title=HOSTILE, published="2025-02-03T08:15:00+00:00")
    start = WIRE.index("Su-35")
    assert match(engine, SU35, article, ["su-35"], spans=[("text", start, start + 5)])
    report = deliver_due(engine, {"su35": SU35}, smtp(smtp_server), NOW)
    assert report.ok and report.queued == 2 and len(report.sent) == 2, report.lines()
    assert sorted(received.rcpt_tos for received in smtp_server.messages) == [
        ("alice@example.org",),
        ("bob@example.org",),
    ]
    received = smtp_server.messages[0]
    assert received.mail_from == "newswatch@example.org"
    message = received.message
    assert message["Subject"] == "[newswatch] su35: 1 new article"
    assert message["To"] in ("alice@example.org", "bob@example.org") and message["From"] == "newswatch@example.org"
    assert message["X-Newswatch-Rule"] == "su35"
    assert message["List-Id"] == "newswatch su35 <su35.newswatch.example.org>"
    assert message["Message-ID"].endswith("@example.org>") and message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    html = body(message, "html")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;" in html
    assert '<a href="https://www.reuters.com/su35">' in html
    assert "<mark>Su-35</mark>" in html and "Reuters (outlet)" in html and "3 Feb 2025, 08:15 UTC" in html
    text = body(message, "plain")
    assert HOSTILE.replace("Su-35", "«Su-35»") in text  # the title's Su-35 is found from the matched terms
    assert "first Russian-made «Su-35» fighter jets" in text and "https://www.reuters.com/su35" in text
    assert {m.message["Message-ID"] for m in smtp_server.messages} == {s.message_id for s in report.sent}
    again = deliver_due(engine, {"su35": SU35}, smtp(smtp_server), NOW + timedelta(hours=1))
    assert again.queued == 0 and again.sent == [] and len(smtp_server.messages) == 2


def test_a_daily_digest_groups_two_rules_in_one_email_at_the_digest_hour(engine, smtp_server) -> None:
    su35 = WatchRule("su35", "su-35", ("alice@example.org",), Mode.DAILY, timezone="Europe/Berlin", digest_hour=8)
    drones = WatchRule("iran-drones", "shahed", ("alice@example.org",), Mode.DAILY, timezone="Europe/Berlin")
    rules = {"su35": su35, "iran-drones": drones}
    match(engine, su35, store(engine, "https://www.reuters.com/su35", WIRE, title="Iran gets Su-35s"), ["su-35"])
    kyiv = store(engine, "https://kyivindependent.com/shaheds", UNRELATED, source="Kyiv Independent", title="Shaheds")
    match(engine, drones, kyiv, ["shahed", "alabuga"])
    assert deliver_due(engine, rules, smtp(smtp_server), NOW).queued == 0  # 10:00 in Berlin: the slot has passed
    before = datetime(2026, 11, 25, 6, 59, tzinfo=UTC)
    assert deliver_due(engine, rules, smtp(smtp_server), before).queued == 0
    report = deliver_due(engine, rules, smtp(smtp_server), datetime(2026, 11, 25, 7, 0, tzinfo=UTC))  # 08:00 CET
    assert report.queued == 1 and report.alerts == 2
    [received] = smtp_server.messages
    message = received.message
    assert received.rcpt_tos == ("alice@example.org",)
    assert message["Subject"] == "[newswatch] daily digest: 2 new articles (iran-drones, su35)"
    assert message["X-Newswatch-Rule"] == "iran-drones, su35"
    text = body(message, "plain")
    assert text.index("== iran-drones ==") < text.index("«Shahed»") < text.index("== su35 ==") < text.index("«Su-35»")
    assert "«Alabuga»" not in text  # past the snippet around the first match
    html = body(message, "html")
    assert html.count("<h2") == 2 and "<mark>Shahed</mark>" in html


def test_smtp_down_for_one_cycle_then_up_delivers_exactly_once(engine) -> None:
    server = SmtpServer(port=free_port())  # not started: connection refused
    match(engine, SU35, store(engine, "https://www.reuters.com/su35", WIRE), ["su-35"])
    down = deliver_due(engine, {"su35": SU35}, smtp(server), NOW)
    assert down.queued == 2 and down.sent == [] and len(down.failed) == 2
    assert all("connection refused" in failed.error for failed in down.failed)
    assert {failed.next_attempt_at for failed in down.failed} == {NOW + timedelta(minutes=1)}
    server.start()
    try:
        early = deliver_due(engine, {"su35": SU35}, smtp(server), NOW + timedelta(seconds=30))
        assert early.sent == [] and server.messages == []  # backing off
        up = deliver_due(engine, {"su35": SU35}, smtp(server), NOW + timedelta(minutes=1))
        assert up.ok and up.queued == 0 and len(up.sent) == 2
        assert {s.message_id for s in up.sent} == {f.message_id for f in down.failed}  # the same emails
        later = deliver_due(engine, {"su35": SU35}, smtp(server), NOW + timedelta(hours=2))
        assert later.sent == [] and len(server.messages) == 2
        assert sorted(m.rcpt_tos[0] for m in server.messages) == ["alice@example.org", "bob@example.org"]
    finally:
        server.stop()
    with session_scope(engine) as session:
        [state] = Alerts(session).recent()
        assert state.status == "sent" and state.attempts == 2 and state.next_attempt_at is None


def test_a_refused_recipient_is_reported_and_the_others_get_the_alert(engine, smtp_server) -> None:
    smtp_server.refuse["bob@example.org"] = "550 5.1.1 <bob@example.org>: Recipient address rejected"
    match(engine, SU35, store(engine, "https://www.reuters.com/su35", WIRE), ["su-35"])
    report = deliver_due(engine, {"su35": SU35}, smtp(smtp_server), NOW)
    assert [m.rcpt_tos for m in smtp_server.messages] == [("alice@example.org",)]
    [refused] = report.refused
    assert refused.recipient == "bob@example.org" and "550 5.1.1" in refused.reason and "bob@" in refused.reason
    assert not report.ok and report.failed == []
    assert any(line.startswith("refused: bob@example.org") for line in report.lines())
    later = deliver_due(engine, {"su35": SU35}, smtp(smtp_server), NOW + timedelta(days=1))
    assert later.sent == [] and later.refused == [] and len(smtp_server.messages) == 1  # a 550 is not retried
    with session_scope(engine) as session:
        [state] = Alerts(session).recent()
        assert dict(state.recipients) == {"alice@example.org": "sent", "bob@example.org": "refused"}
        assert "Recipient address rejected" in state.last_error


def test_a_temporary_refusal_is_retried(engine, smtp_server) -> None:
    smtp_server.refuse["bob@example.org"] = "450 4.2.1 mailbox busy, try later"
    match(engine, SU35, store(engine, "https://www.reuters.com/su35", WIRE), ["su-35"])
    first = deliver_due(engine, {"su35": SU35}, smtp(smtp_server), NOW)
    assert [f.recipient for f in first.failed] == ["bob@example.org"] and len(first.sent) == 1
    del smtp_server.refuse["bob@example.org"]
    second = deliver_due(engine, {"su35": SU35}, smtp(smtp_server), NOW + timedelta(minutes=1))
    assert [s.recipient for s in second.sent] == ["bob@example.org"]
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == ["alice@example.org", "bob@example.org"]


def test_a_crash_between_send_and_mark_resends_the_same_message_id_once(engine, smtp_server, monkeypatch) -> None:
    rule = WatchRule("su35", "su-35", ("alice@example.org",))
    match(engine, rule, store(engine, "https://www.reuters.com/su35", WIRE), ["su-35"])

    def crash(self, email_id, at):
        raise SystemExit("killed after sending")

    with monkeypatch.context() as patch:
        patch.setattr(Alerts, "mark_sent", crash)
        with pytest.raises(SystemExit):
            deliver_due(engine, {"su35": rule}, smtp(smtp_server), NOW)
    assert len(smtp_server.messages) == 1
    assert deliver_due(engine, {"su35": rule}, smtp(smtp_server), NOW + timedelta(minutes=5)).sent == []  # leased
    report = deliver_due(engine, {"su35": rule}, smtp(smtp_server), NOW + timedelta(minutes=10))
    assert len(report.sent) == 1
    first, second = (m.message for m in smtp_server.messages)
    assert first["Message-ID"] == second["Message-ID"] and first.as_bytes() == second.as_bytes()
    assert deliver_due(engine, {"su35": rule}, smtp(smtp_server), NOW + timedelta(hours=3)).sent == []


def test_a_copy_at_another_outlet_alerts_no_one_and_the_next_email_says_how_many_outlets(engine, smtp_server) -> None:
    rule = WatchRule("su35", "su-35 OR shahed", ("alice@example.org",))
    original = store(engine, "https://www.reuters.com/su35", WIRE, title="Iran takes delivery of Su-35s")
    assert match(engine, rule, original, ["su-35"])
    deliver_due(engine, {"su35": rule}, smtp(smtp_server), NOW)
    copy = store(engine, "https://www.tehrantimes.com/su35", REPUBLISHED, source="Tehran Times")
    assert match(engine, rule, copy, ["su-35"], at=NOW + timedelta(minutes=5)) is False
    assert deliver_due(engine, {"su35": rule}, smtp(smtp_server), NOW + timedelta(minutes=6)).queued == 0
    assert len(smtp_server.messages) == 1
    kyiv = store(engine, "https://kyivindependent.com/shaheds", UNRELATED, source="Kyiv Independent")
    assert match(engine, rule, kyiv, ["shahed"], at=NOW + timedelta(minutes=7))
    deliver_due(engine, {"su35": rule}, smtp(smtp_server), NOW + timedelta(minutes=7))
    message = smtp_server.messages[1].message
    assert message["Subject"] == "[newswatch] su35: 1 new article"
    assert "Iran takes delivery of Su-35s (Reuters (outlet)): now reported by 2 outlets" in body(message, "plain")
    assert "now reported by 2 outlets" in body(message, "html")
    other = store(engine, "https://kyivindependent.com/more", UNRELATED.replace("KYIV", "LVIV") + " More.", source="X")
    match(engine, rule, other, ["shahed"], at=NOW + timedelta(minutes=8))  # a copy of the Kyiv story: no alert
    mongolia = store(engine, "https://example.mn/a", "Shahed " + "words " * 40, source="Mongolia Today")
    match(engine, rule, mongolia, ["shahed"], at=NOW + timedelta(minutes=9))
    deliver_due(engine, {"su35": rule}, smtp(smtp_server), NOW + timedelta(minutes=9))
    third = body(smtp_server.messages[-1].message, "plain")
    assert "Iran takes delivery" not in third  # reported once
    assert "Kyiv Independent (outlet)): now reported by 2 outlets" in third


def test_alerts_of_a_rule_gone_from_the_config_wait(engine, smtp_server) -> None:
    match(engine, SU35, store(engine, "https://www.reuters.com/su35", WIRE), ["su-35"])
    report = deliver_due(engine, {}, smtp(smtp_server), NOW)
    assert report.queued == 0 and "su35" in report.held and smtp_server.messages == []
    assert len(deliver_due(engine, {"su35": SU35}, smtp(smtp_server), NOW).sent) == 2


def test_instant_only_delivery_leaves_digests_for_their_slot(engine, smtp_server) -> None:
    hourly = WatchRule("hourly-su35", "su-35", ("carol@example.org",), Mode.HOURLY)
    article = store(engine, "https://www.reuters.com/su35", WIRE)
    match(engine, SU35, article, ["su-35"], at=NOW + timedelta(minutes=10))
    match(engine, hourly, article, ["su-35"], at=NOW + timedelta(minutes=10))
    rules = {"su35": SU35, "hourly-su35": hourly}
    at_crawl_end = deliver_due(engine, rules, smtp(smtp_server), NOW + timedelta(minutes=11), modes={Mode.INSTANT})
    assert sorted(s.recipient for s in at_crawl_end.sent) == ["alice@example.org", "bob@example.org"]
    assert deliver_due(engine, rules, smtp(smtp_server), NOW + timedelta(minutes=59)).sent == []
    top = deliver_due(engine, rules, smtp(smtp_server), NOW + timedelta(hours=1))
    assert [(s.recipient, s.subject) for s in top.sent] == [
        ("carol@example.org", "[newswatch] hourly-su35: 1 new article")
    ]


def test_without_an_smtp_host_alerts_go_to_the_maildir_under_xdg_data_home(engine, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    settings = MailSettings.from_config({"from": "newswatch@localhost"})
    assert settings.describe() == f"maildir {tmp_path / 'data' / 'newswatch' / 'mailbox'}"
    match(engine, SU35, store(engine, "https://www.reuters.com/su35", WIRE), ["su-35"])
    report = deliver_due(engine, {"su35": SU35}, settings, NOW)
    assert report.ok and len(report.sent) == 2
    delivered = sorted((tmp_path / "data" / "newswatch" / "mailbox" / "new").iterdir())
    assert len(delivered) == 2
    assert b"Subject: [newswatch] su35: 1 new article" in delivered[0].read_bytes()


@pytest.mark.parametrize(
    ("rule", "matched", "due"),
    [
        (WatchRule("r", "q", ("a@x.org",)), "2026-11-24T09:17:00+00:00", "2026-11-24T09:17:00+00:00"),
        (WatchRule("r", "q", ("a@x.org",), Mode.HOURLY), "2026-11-24T09:17:00+00:00", "2026-11-24T10:00:00+00:00"),
        (WatchRule("r", "q", ("a@x.org",), Mode.HOURLY), "2026-11-24T10:00:00+00:00", "2026-11-24T10:00:00+00:00"),
        (WatchRule("r", "q", ("a@x.org",), Mode.DAILY), "2026-11-24T07:59:00+00:00", "2026-11-24T08:00:00+00:00"),
        (WatchRule("r", "q", ("a@x.org",), Mode.DAILY), "2026-11-24T08:01:00+00:00", "2026-11-25T08:00:00+00:00"),
        # Tehran is UTC+3:30 all year; New York leaves daylight time on 1 Nov 2026.
        (
            WatchRule("r", "q", ("a@x.org",), Mode.DAILY, timezone="Asia/Tehran", digest_hour=7),
            "2026-11-24T05:00:00+00:00",
            "2026-11-25T03:30:00+00:00",
        ),
        (
            WatchRule("r", "q", ("a@x.org",), Mode.DAILY, timezone="America/New_York", digest_hour=8),
            "2026-10-31T13:00:00+00:00",
            "2026-11-01T13:00:00+00:00",
        ),
    ],
)
def test_next_slot(rule: WatchRule, matched: str, due: str) -> None:
    assert next_slot(rule, datetime.fromisoformat(matched)) == datetime.fromisoformat(due)


def test_a_delivery_cycle_with_login_never_shows_the_password(engine, caplog, capsys) -> None:
    from crawler.alerts.mail import Secret
    from tests.smtp_server import Accounts

    caplog.set_level("DEBUG")
    password = "s3cret-Vq9#pass"
    server = SmtpServer(authenticator=Accounts("newswatch", password), auth_require_tls=False).start()
    try:
        match(engine, SU35, store(engine, "https://www.reuters.com/su35", WIRE), ["su-35"])
        wrong = smtp(server, username="newswatch", password=Secret("not-" + password))
        failed = deliver_due(engine, {"su35": SU35}, wrong, NOW)
        assert len(failed.failed) == 2 and "refused the login of newswatch: 535" in failed.failed[0].error
        right = smtp(server, username="newswatch", password=Secret(password))
        assert len(deliver_due(engine, {"su35": SU35}, right, NOW + timedelta(minutes=1)).sent) == 2
    finally:
        server.stop()
    shown = caplog.text + "".join(capsys.readouterr()) + repr(right) + str(right) + "\n".join(failed.lines())
    assert password not in shown and "not-" + password not in shown
    with session_scope(engine) as session:
        assert all(password not in (state.last_error or "") for state in Alerts(session).recent())


def weekly(day: str, hour: int, zone: str) -> WatchRule:
    return WatchRule("r", "q", ("a@x.org",), Mode.WEEKLY, timezone=zone, digest_hour=hour, digest_day=day)


@pytest.mark.parametrize(
    ("rule", "matched", "due"),
    [
        # Monday 08:00 in Berlin, the week the clocks go forward (29 Mar 2026): CET before, CEST after.
        (weekly("mon", 8, "Europe/Berlin"), "2026-03-23T06:59:00+00:00", "2026-03-23T07:00:00+00:00"),
        (weekly("mon", 8, "Europe/Berlin"), "2026-03-23T07:00:00+00:00", "2026-03-23T07:00:00+00:00"),
        (weekly("mon", 8, "Europe/Berlin"), "2026-03-23T07:01:00+00:00", "2026-03-30T06:00:00+00:00"),
        # Sunday 08:00 in London on the day BST ends (25 Oct 2026, at 01:00 UTC): 08:00 GMT is 08:00 UTC.
        (weekly("sun", 8, "Europe/London"), "2026-10-24T12:00:00+00:00", "2026-10-25T08:00:00+00:00"),
        # 01:00 on 1 Nov 2026 happens twice in New York: the first (EDT) one is the slot, once.
        (weekly("sun", 1, "America/New_York"), "2026-10-31T12:00:00+00:00", "2026-11-01T05:00:00+00:00"),
        (weekly("sun", 1, "America/New_York"), "2026-11-01T05:30:00+00:00", "2026-11-08T06:00:00+00:00"),
        # 02:00 on 8 Mar 2026 never happens in New York: the slot falls an hour later (03:00 EDT).
        (weekly("sun", 2, "America/New_York"), "2026-03-07T12:00:00+00:00", "2026-03-08T07:00:00+00:00"),
        # Tehran is UTC+3:30; Auckland (NZDT, +13) is on Monday while UTC is still on Sunday.
        (weekly("fri", 9, "Asia/Tehran"), "2026-11-24T05:00:00+00:00", "2026-11-27T05:30:00+00:00"),
        (weekly("mon", 8, "Pacific/Auckland"), "2026-11-22T18:59:00+00:00", "2026-11-22T19:00:00+00:00"),
        (weekly("mon", 8, "Pacific/Auckland"), "2026-11-22T20:00:00+00:00", "2026-11-29T19:00:00+00:00"),
        (weekly("sat", 23, "UTC"), "2026-11-28T23:00:01+00:00", "2026-12-05T23:00:00+00:00"),
    ],
)
def test_next_weekly_slot(rule: WatchRule, matched: str, due: str) -> None:
    slot = next_slot(rule, datetime.fromisoformat(matched))
    assert slot == datetime.fromisoformat(due)
    local = slot.astimezone(ZoneInfo(rule.timezone))
    assert local.strftime("%a").lower() == rule.digest_day
    assert local.hour == rule.digest_hour or (rule.digest_hour, local.hour) == (2, 3)  # the skipped hour


def test_a_weekly_digest_waits_for_its_day_and_shows_language_paywall_and_outlet_names(engine, smtp_server) -> None:
    rule = WatchRule(
        "su35", "su-35", ("alice@example.org",), Mode.WEEKLY, timezone="Europe/Berlin", digest_hour=17, digest_day="fri"
    )
    original = store(engine, "https://www.reuters.com/su35", WIRE, title="Iran gets Su-35s", language="ru", paywalled=True)
    store(engine, "https://www.tehrantimes.com/su35", REPUBLISHED, source="Tehran Times")
    store(engine, "https://www.iranintl.com/su35", REPUBLISHED.replace("Monday", "Tuesday"), source="Iran <Intl>")
    match(engine, rule, original, ["su-35"])  # Tuesday 24 Nov 2026, 10:00 in Berlin
    assert deliver_due(engine, {"su35": rule}, smtp(smtp_server), datetime(2026, 11, 27, 15, 59, tzinfo=UTC)).queued == 0
    report = deliver_due(engine, {"su35": rule}, smtp(smtp_server), datetime(2026, 11, 27, 16, 0, tzinfo=UTC))
    assert report.queued == 1 and len(report.sent) == 1, report.lines()
    [received] = smtp_server.messages
    text = body(received.message, "plain")
    assert (
        "Reuters (outlet) · 20 Nov 2026, 09:30 UTC · language: ru · paywalled · reported by 3 outlets:"
        " Reuters (outlet), Tehran Times (outlet), Iran <Intl> (outlet)\r\n" in text  # CRLF: as the SMTP server got it
    )
    html = body(received.message, "html")
    assert "language: ru · paywalled · reported by 3 outlets: Reuters (outlet), Tehran Times (outlet)," in html
    assert "Iran &lt;Intl&gt; (outlet)" in html and "<Intl>" not in html
