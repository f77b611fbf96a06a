"""Alert channels beyond email (crawler.alerts.channels) through the outbox, against a real HTTP receiver
on 127.0.0.1 recording every request: apprise's json:// and ntfy:// aimed at it, and newswatch's own
webhook+http:// with the items as data. An outage (connection refused, then 503) and recovery, 4xx
refused for good, a kill between claim and mark, `${VAR}` secrets that reach the receiver and nothing
else, and the watch file's check of channel URLs. SQLite and PostgreSQL.

Teams (workflows://, a Power Automate workflow) takes a host: it is sent to an HTTPS receiver on
127.0.0.1 with a throwaway certificate. Slack and Telegram post to their own hosts, which apprise
does not let a URL move: their URLs are checked for validation and redaction only. Matrix logs in
first (several requests against a homeserver API): validation and redaction only as well."""

from __future__ import annotations

import json
import ssl
import threading
from base64 import b64encode
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from sqlalchemy import select

from crawler.alerts.channels import Recipient, parse_recipient, recipient_problem, redacted
from crawler.alerts.config import WatchConfigError, load_watches
from crawler.alerts.delivery import deliver_due
from crawler.alerts.mail import MailSettings
from crawler.alerts.rules import Mode, WatchRule
from storage.alert_models import Alert, AlertEmail, Channel, EmailStatus
from storage.alerts import Alerts
from storage.db import session_scope
from tests.smtp_server import free_port, tls_files
from tests.storage_fixtures import db_url_fixture, engine_fixture  # noqa: F401
from tests.test_alerts_delivery import match, store
from tests.test_dedup_fingerprints import REPUBLISHED, WIRE

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
SECRET = "tok-Zx81!qq-secret"  # a value no log line would hold by accident
MAIL = MailSettings(from_address="newswatch@example.org")  # not opened: these rules have no email recipient


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int

    def json(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """An HTTP server on 127.0.0.1:`port` recording every request; answers `status`. `start()` and
    `stop()` may be called again on the same port (down: connection refused)."""

    def __init__(self, port: int | None = None, tls: ssl.SSLContext | None = None) -> None:
        self.port = port or free_port()
        self.tls = tls
        self.status = 200
        self.requests: list[Request] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def delivered(self) -> list[Request]:
        return [request for request in self.requests if 200 <= request.answered < 300]

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = receiver.status
                receiver.requests.append(Request(self.command, self.path, dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            do_PUT = do_POST

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        if self.tls is not None:
            self._server.socket = self.tls.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


CHANNELS = {
    "json": "json://127.0.0.1:{port}/hook",
    "mattermost": "mmost://127.0.0.1:{port}/incoming-hook-token",
    "ntfy": "ntfy://127.0.0.1:{port}/newswatch-alerts",
    "webhook": "webhook+http://127.0.0.1:{port}/newswatch",
}


def rule(*recipients: str, name: str = "su35", mode: Mode = Mode.INSTANT) -> WatchRule:
    return WatchRule(name, "su-35", recipients, mode)


def story(engine) -> int:
    """A Reuters story in Russian behind a paywall, copied by Tehran Times: two outlets report it."""
    original = store(
        engine, "https://www.reuters.com/su35", WIRE, title="Iran takes delivery of Su-35 jets", language="ru", paywalled=True
    )
    store(engine, "https://www.tehrantimes.com/su35", REPUBLISHED, source="Tehran Times")
    return original


def outbox(engine) -> list[AlertEmail]:
    with session_scope(engine) as session:
        rows = list(session.scalars(select(AlertEmail).order_by(AlertEmail.id)))
        session.expunge_all()
        return rows


def test_a_json_channel_gets_the_item_with_language_paywall_and_outlet_names(engine, receiver) -> None:
    url = CHANNELS["json"].format(port=receiver.port)
    su35 = rule(url)
    match(engine, su35, story(engine), ["su-35"])
    report = deliver_due(engine, {"su35": su35}, MAIL, NOW)
    assert report.ok and report.queued == 1, report.lines()
    [sent] = report.sent
    assert (sent.channel, sent.recipient) == (Channel.APPRISE, f"json://127.0.0.1:{receiver.port}")
    assert report.lines()[0] == f"0 email(s) sent via {MAIL.describe()}, 1 channel message(s) sent, 1 new in the outbox"
    [posted] = receiver.requests
    assert (posted.method, posted.path) == ("POST", "/hook")
    payload = posted.json()
    assert payload["title"] == "[newswatch] su35: 1 new article" and payload["type"] == "info"
    message = payload["message"]
    assert "1. [Iran takes delivery of **Su-35** jets](https://www.reuters.com/su35)\n" in message
    assert "   Reuters (outlet) · 20 Nov 2026, 09:30 UTC · language: ru · paywalled" in message
    assert "reported by 2 outlets: Reuters (outlet), Tehran Times (outlet)" in message
    [row] = outbox(engine)
    assert (row.channel, row.target, row.recipient, row.body_format) == (
        Channel.APPRISE,
        url,
        f"json://127.0.0.1:{receiver.port}",
        "markdown",
    )
    assert row.status == EmailStatus.SENT and row.raw.decode() == message.strip() + "\n"


def test_a_webhook_posts_the_items_as_data_with_its_id(engine, receiver) -> None:
    url = CHANNELS["webhook"].format(port=receiver.port)
    su35 = rule(url, mode=Mode.HOURLY)
    match(engine, su35, story(engine), ["su-35"])
    report = deliver_due(engine, {"su35": su35}, MAIL, NOW + timedelta(hours=1))
    assert report.ok and len(report.sent) == 1, report.lines()
    [posted] = receiver.requests
    document = posted.json()
    assert document["id"] == report.sent[0].message_id == posted.headers["Idempotency-Key"]
    assert (document["version"], document["digest"], document["rules"]) == ("1.0", "hourly", ["su35"])
    [item] = document["items"]
    assert item == {
        "rule": "su35",
        "title": "Iran takes delivery of Su-35 jets",
        "url": "https://www.reuters.com/su35",
        "outlet": "Reuters (outlet)",
        "published": item["published"],  # the first-seen time: no date on the page
        "language": "ru",
        "paywalled": True,
        "matched_terms": ["su-35"],
        "outlets": 2,
        "reported_by": ["Reuters (outlet)", "Tehran Times (outlet)"],
    }
    assert "reported by 2 outlets: Reuters (outlet), Tehran Times (outlet)" in document["message"]
    assert posted.headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize("kind", sorted(CHANNELS))
def test_a_channel_is_delivered_through_an_outage_exactly_once(engine, kind: str) -> None:
    receiver = Receiver()  # not started: connection refused
    url = CHANNELS[kind].format(port=receiver.port)
    su35 = rule(url)
    rules = {"su35": su35}
    match(engine, su35, story(engine), ["su-35"])
    down = deliver_due(engine, rules, MAIL, NOW)
    [failed] = down.failed
    assert down.queued == 1 and down.sent == [] and failed.error.endswith(": connection refused"), down.lines()
    assert failed.next_attempt_at == NOW + timedelta(minutes=1) and failed.recipient == redacted(url)
    receiver.status = 503
    receiver.start()
    try:
        assert deliver_due(engine, rules, MAIL, NOW + timedelta(seconds=30)).failed == []  # backing off
        unavailable = deliver_due(engine, rules, MAIL, NOW + timedelta(minutes=1))
        [again] = unavailable.failed
        assert again.message_id == failed.message_id and "answered 503 Service Unavailable" in again.error
        assert again.next_attempt_at == NOW + timedelta(minutes=3) and unavailable.refused == []
        receiver.status = 200
        up = deliver_due(engine, rules, MAIL, NOW + timedelta(minutes=3))
        assert up.ok and [sent.message_id for sent in up.sent] == [failed.message_id]
        later = deliver_due(engine, rules, MAIL, NOW + timedelta(hours=2))
        assert later.queued == 0 and later.sent == []
        assert [request.answered for request in receiver.requests] == [503, 200]
        assert receiver.requests[0].body == receiver.requests[1].body  # the stored message, resent as it was
    finally:
        receiver.stop()
    [row] = outbox(engine)
    assert (row.status, row.attempts, row.last_error) == (EmailStatus.SENT, 3, None)
    with session_scope(engine) as session:
        [state] = Alerts(session).recent()
        assert state.status == "sent" and state.recipients == ((redacted(url), "sent"),)


@pytest.mark.parametrize("kind", ["json", "webhook"])
def test_a_4xx_is_refused_for_good_and_a_429_retried(engine, receiver, kind: str) -> None:
    url = CHANNELS[kind].format(port=receiver.port)
    su35, drones = rule(url), rule(url, name="drones")
    original = story(engine)
    match(engine, su35, original, ["su-35"])
    receiver.status = 429
    limited = deliver_due(engine, {"su35": su35}, MAIL, NOW)
    assert [failed.error for failed in limited.failed] == [f"{redacted(url)}: answered 429 Too Many Requests"]
    receiver.status = 404
    gone = deliver_due(engine, {"su35": su35}, MAIL, NOW + timedelta(minutes=1))
    [refused] = gone.refused
    assert refused.reason == f"{redacted(url)}: answered 404 Not Found" and gone.failed == [] and not gone.ok
    assert any(line == f"refused: {redacted(url)}: {refused.reason}" for line in gone.lines())
    receiver.status = 200
    assert deliver_due(engine, {"su35": su35, "drones": drones}, MAIL, NOW + timedelta(days=1)).sent == []
    assert [request.answered for request in receiver.requests] == [429, 404]  # refused: not sent again
    with session_scope(engine) as session:
        [state] = Alerts(session).recent()
        assert state.status == "sent" and state.recipients == ((redacted(url), "refused"),)


def test_teams_through_a_workflow_over_https_once_its_certificate_is_trusted(engine, tmp_path: Path, monkeypatch) -> None:
    files = tls_files(tmp_path)
    receiver = Receiver(tls=files.server_context()).start()
    receiver.status = 202  # what a Power Automate trigger answers
    try:
        url = f"workflows://127.0.0.1:{receiver.port}/a1b2c3/${{NW_TEAMS_SIG}}"
        teams = rule(url)
        monkeypatch.setenv("NW_TEAMS_SIG", "Sig0Zx81qqSecretValue")  # a workflow signature: letters and digits
        match(engine, teams, story(engine), ["su-35"])
        untrusted = deliver_due(engine, {"su35": teams}, MAIL, NOW)
        assert [failed.error for failed in untrusted.failed] == [
            f"workflows://127.0.0.1:{receiver.port}: TLS certificate not trusted (CERTIFICATE_VERIFY_FAILED)"
        ]
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(files.cert))  # requests (under apprise) trusts it now
        trusted = deliver_due(engine, {"su35": teams}, MAIL, NOW + timedelta(minutes=1))
        assert trusted.ok and len(trusted.sent) == 1, trusted.lines()
    finally:
        receiver.stop()
    [posted] = receiver.requests
    assert posted.path.startswith("/workflows/a1b2c3/triggers/manual/paths/invoke?")
    assert parse_qs(urlsplit(posted.path).query)["sig"] == ["Sig0Zx81qqSecretValue"]
    assert "Sig0Zx81qqSecretValue" not in "\n".join(untrusted.lines() + trusted.lines())
    card = json.dumps(posted.json(), ensure_ascii=False)
    assert "application/vnd.microsoft.card.adaptive" in card and "[newswatch] su35: 1 new article" in card
    assert "Iran takes delivery of" in card and "Tehran Times (outlet)" in card


def test_a_kill_between_claim_and_mark_sends_again_after_the_lease_with_the_same_id(
    engine, receiver, monkeypatch
) -> None:
    url = CHANNELS["webhook"].format(port=receiver.port)
    su35 = rule(url)
    match(engine, su35, story(engine), ["su-35"])

    def killed(self, email_id, at):
        raise SystemExit("killed after sending")

    with monkeypatch.context() as patch:
        patch.setattr(Alerts, "mark_sent", killed)
        with pytest.raises(SystemExit):
            deliver_due(engine, {"su35": su35}, MAIL, NOW)
    assert len(receiver.requests) == 1
    assert deliver_due(engine, {"su35": su35}, MAIL, NOW + timedelta(minutes=5)).sent == []  # leased
    report = deliver_due(engine, {"su35": su35}, MAIL, NOW + timedelta(minutes=10))
    assert len(report.sent) == 1
    first, second = receiver.requests
    assert first.body == second.body and first.json()["id"] == second.json()["id"] == report.sent[0].message_id
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    assert deliver_due(engine, {"su35": su35}, MAIL, NOW + timedelta(hours=3)).sent == []
    assert len(receiver.requests) == 2


def test_a_secret_from_the_environment_reaches_the_receiver_and_nothing_else(
    engine, receiver, monkeypatch, caplog, capsys
) -> None:
    caplog.set_level("DEBUG")  # apprise's and urllib3's debug lines carry the URL: they must not get here
    json_url = f"json://127.0.0.1:{receiver.port}/hook?-token=${{NW_TEST_TOKEN}}"  # apprise: -name is a query parameter
    hook_url = f"webhook+http://newswatch:${{NW_TEST_TOKEN}}@127.0.0.1:{receiver.port}/hook?+X-Token=${{NW_TEST_TOKEN}}"
    su35 = rule(json_url, hook_url)
    match(engine, su35, story(engine), ["su-35"])
    unset = deliver_due(engine, {"su35": su35}, MAIL, NOW)
    assert [failed.error for failed in unset.failed] == [
        f"json://127.0.0.1:{receiver.port}: the environment variable NW_TEST_TOKEN is not set",
        f"webhook+http://127.0.0.1:{receiver.port}: the environment variable NW_TEST_TOKEN is not set",
    ]
    assert receiver.requests == [] and all(row.status == EmailStatus.PENDING for row in outbox(engine))
    monkeypatch.setenv("NW_TEST_TOKEN", SECRET)
    receiver.status = 503
    failing = deliver_due(engine, {"su35": su35}, MAIL, NOW + timedelta(minutes=1))
    receiver.status = 200
    report = deliver_due(engine, {"su35": su35}, MAIL, NOW + timedelta(minutes=3))
    assert report.ok and len(report.sent) == 2, report.lines()
    [from_hook] = [request for request in receiver.delivered if "Idempotency-Key" in request.headers]
    [from_json] = [request for request in receiver.delivered if request is not from_hook]
    assert parse_qs(urlsplit(from_json.path).query) == {"token": [SECRET]}
    assert from_hook.headers["X-Token"] == SECRET and from_hook.path == "/hook"
    assert from_hook.headers["Authorization"] == "Basic " + b64encode(f"newswatch:{SECRET}".encode()).decode()
    with session_scope(engine) as session:
        stored = [
            [getattr(row, column.key) for column in AlertEmail.__table__.columns]
            for row in session.scalars(select(AlertEmail))
        ] + [[getattr(row, column.key) for column in Alert.__table__.columns] for row in session.scalars(select(Alert))]
        listed = repr(Alerts(session).recent())
    assert "${NW_TEST_TOKEN}" in repr(stored)  # the URL as written, to be resolved at each attempt
    shown = (
        repr(stored)
        + listed
        + "\n".join(unset.lines() + failing.lines() + report.lines())
        + repr(report)
        + caplog.text
        + "".join(capsys.readouterr())
    )
    assert SECRET not in shown and quote(SECRET) not in shown
    assert "sent apprise message" in caplog.text and "sent webhook message" in caplog.text  # our own lines do log


def test_an_email_and_a_channel_in_one_rule_each_get_one_message(engine, receiver, tmp_path: Path) -> None:
    mail = MailSettings(from_address="newswatch@example.org", mailbox=tmp_path / "mailbox")
    su35 = rule("mailto:alice@example.org", "alice@example.org", CHANNELS["json"].format(port=receiver.port))
    match(engine, su35, story(engine), ["su-35"])
    report = deliver_due(engine, {"su35": su35}, mail, NOW)
    assert sorted((sent.channel, sent.recipient) for sent in report.sent) == [
        (Channel.APPRISE, f"json://127.0.0.1:{receiver.port}"),
        (Channel.EMAIL, "alice@example.org"),  # mailto: and the bare address are one recipient
    ]
    [delivered] = list((tmp_path / "mailbox" / "new").iterdir())
    assert b"language: ru" in delivered.read_bytes() and len(receiver.requests) == 1


def test_an_outbox_row_from_before_channels_is_an_email(engine, tmp_path: Path) -> None:
    with engine.begin() as connection:  # as 0008 left the table: no channel column to fill in
        connection.execute(
            AlertEmail.__table__.insert().values(
                recipient="alice@example.org",
                rules=["su35"],
                subject="old",
                message_id="<old@example.org>",
                raw=b"Subject: old\r\nTo: alice@example.org\r\n\r\nbody\r\n",
                status="pending",
                created_at=NOW,
                next_attempt_at=NOW,
                attempts=0,
            )
        )
    [row] = outbox(engine)
    assert (row.channel, row.target, row.title) == (Channel.EMAIL, None, None)
    mail = MailSettings(from_address="newswatch@example.org", mailbox=tmp_path / "mailbox")
    report = deliver_due(engine, {}, mail, NOW)
    assert [(sent.recipient, sent.channel) for sent in report.sent] == [("alice@example.org", Channel.EMAIL)]


# --- recipients as the watch file gives them --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "channel", "shown"),
    [
        ("alice@example.org", Channel.EMAIL, "alice@example.org"),
        ("mailto:alice@example.org", Channel.EMAIL, "alice@example.org"),
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#alerts", Channel.APPRISE, "slack://…"),
        ("slack://${SLACK_A}/${SLACK_B}/${SLACK_C}", Channel.APPRISE, "slack://…"),
        ("tgram://123456789:AABBccddEEff_gg-HH/-1001234567890", Channel.APPRISE, "tgram://…"),
        ("workflows://prod-161.westeurope.logic.azure.com:443/abc123/sig456", Channel.APPRISE,
         "workflows://prod-161.westeurope.logic.azure.com:443"),
        ("matrixs://newswatch:${MATRIX_PASSWORD}@matrix.example.org/#alerts", Channel.APPRISE,
         "matrixs://matrix.example.org"),
        ("ntfys://${NTFY_TOKEN}@ntfy.example.org/alerts", Channel.APPRISE, "ntfys://ntfy.example.org"),
        ("jsons://user:pass@hooks.example.org/x?token=abc", Channel.APPRISE, "jsons://hooks.example.org"),
        ("webhook+https://hooks.example.org/a?+Authorization=Bearer%20${T}", Channel.WEBHOOK,
         "webhook+https://hooks.example.org"),
    ],
)
def test_recipients_are_parsed_and_shown_by_scheme_and_host_only(value: str, channel: str, shown: str) -> None:
    recipient = parse_recipient(value)
    assert (recipient.channel, recipient.display) == (channel, shown)
    assert recipient == Recipient(channel, value if channel != Channel.EMAIL else "alice@example.org")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("carrier-pigeon://coop/7", "unknown channel carrier-pigeon:// (an email address, mailto:, webhook+https://"),
        ("slack://onlyone", "slack://…: not a valid Slack URL"),
        ("tgram://not-a-token/123", "tgram://…: not a valid Telegram URL"),
        ("msteams://team/a/b/c", "msteams:// is gone from apprise 2"),
        ("mailto://user:pw@gmail.com", "mailto://gmail.com: email goes through [mail]"),
        ("webhook+ftp://files.example.org/x", "webhook+ftp://files.example.org: a webhook URL is webhook+https://"),
        ("json://${NOT-A-NAME}@x.example.org", "json://x.example.org: '${NOT-A-NAME}' is not an environment variable"),
        ("alice", "not an email address or a channel URL: 'alice'"),
    ],
)
def test_a_recipient_that_cannot_be_used_is_one_clear_line(value: str, problem: str) -> None:
    found = recipient_problem(value)
    assert found is not None and found.startswith(problem) and "\n" not in found
    assert "pw" not in found and "coop/7" not in found  # no password or path of the URL


def test_the_watch_file_names_the_line_of_each_bad_recipient_and_digest_day(tmp_path: Path) -> None:
    path = tmp_path / "watches.toml"
    path.write_text(
        '[[watch]]\nname = "one"\nquery = "su-35"\n'
        'recipients = [\n  "a@example.org",\n  "slack://onlyone",\n  "carrier-pigeon://coop",\n]\n'
        'mode = "weekly"\ndigest_day = "someday"\n\n'
        '[[watch]]\nname = "two"\nquery = "su-35"\nrecipients = ["ntfy://${NTFY_TOKEN}@ntfy.example.org/a"]\n'
        'mode = "weekly"\ndigest_day = "Fri"\ndigest_hour = 17\ntimezone = "Europe/Berlin"\n',
        "utf-8",
    )
    with pytest.raises(WatchConfigError) as caught:
        load_watches(path)
    assert caught.value.problems == [
        f"{path}:4: watch 'one': field 'recipients': slack://…: not a valid Slack URL (see apprise's page for slack://)",
        f"{path}:4: watch 'one': field 'recipients': unknown channel carrier-pigeon:// (an email address, mailto:,"
        " webhook+https:// or an apprise URL such as slack://, workflows:// (Teams), tgram://, matrix://, ntfy://,"
        " json://)",
        f"{path}:10: watch 'one': field 'digest_day': 'someday' is not one of mon, tue, wed, thu, fri, sat, sun",
    ]
    path.write_text(path.read_text("utf-8").replace('digest_day = "someday"', 'digest_day = "sun"')
                    .replace('  "slack://onlyone",\n  "carrier-pigeon://coop",\n', ""), "utf-8")
    config = load_watches(path)
    two = config.rule("two")
    assert (two.mode, two.digest_day, two.digest_hour, two.recipients) == (
        Mode.WEEKLY, "fri", 17, ("ntfy://${NTFY_TOKEN}@ntfy.example.org/a",)
    )


def test_alerts_send_from_the_command_line_shows_channels_redacted(
    engine, db_url: str, receiver, tmp_path: Path, monkeypatch
) -> None:
    from tests.test_crawl_end_to_end import newswatch

    if not db_url.startswith("sqlite"):
        pytest.skip("one process run is enough: the cycle itself is tested on both databases above")
    watches = tmp_path / "watches.toml"
    url = f"webhook+http://127.0.0.1:{receiver.port}/hook?+X-Token=${{NW_CLI_TOKEN}}"
    watches.write_text(
        f'[mail]\nmailbox = "{tmp_path / "mailbox"}"\n\n[[watch]]\nname = "su35"\nquery = "su-35"\n'
        f'recipients = ["{url}"]\n',
        "utf-8",
    )
    match(engine, rule(url), story(engine), ["su-35"], at=datetime.now(UTC) - timedelta(minutes=1))
    monkeypatch.setenv("NW_CLI_TOKEN", SECRET)  # the command's process inherits it
    sent = newswatch("alerts", "send", "--json", "--db", db_url, "--watches", str(watches))
    assert sent.returncode == 0, sent.stderr
    shape = json.loads(sent.stdout)
    assert [(s["recipient"], s["channel"]) for s in shape["sent"]] == [
        (f"webhook+http://127.0.0.1:{receiver.port}", "webhook")
    ]
    assert SECRET not in sent.stdout + sent.stderr and receiver.delivered[0].headers["X-Token"] == SECRET
    listed = newswatch("alerts", "--json", "--db", db_url)
    assert json.loads(listed.stdout)[0]["recipients"] == [[f"webhook+http://127.0.0.1:{receiver.port}", "sent"]]
    watches.write_text(watches.read_text("utf-8").replace("webhook+http", "webhook+gopher"), "utf-8")
    refused = newswatch("alerts", "send", "--db", db_url, "--watches", str(watches))
    assert refused.returncode == 2 and refused.stderr.startswith(f"error: {watches}:7: watch 'su35': field 'recipients'")
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr


def test_a_variable_whose_value_apprise_cannot_use_fails_the_attempt_in_one_redacted_line() -> None:
    from crawler.alerts import channels
    from crawler.alerts.mail import DeliveryError

    teams = parse_recipient("workflows://127.0.0.1:9/a1b2c3/${NW_TEAMS_SIG}")
    with pytest.raises(DeliveryError) as caught:
        channels.send(teams, "title", b"body", message_id="<m@x>", environ={"NW_TEAMS_SIG": "not!a-sig"})
    assert caught.value.reason == (
        "workflows://127.0.0.1:9: not a valid URL for apprise:"
        " Could not load Power Automate / Workflows (for MSTeams) URL: workflows://127.0.0.1:9"
    )
    assert not caught.value.permanent  # fix the variable and the next attempt goes
