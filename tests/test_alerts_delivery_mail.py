"""The SMTP transport (crawler.alerts.mail) against aiosmtpd on 127.0.0.1: STARTTLS, SSL and plain
AUTH, one-line reasons for every failure, some recipients refused, and a password never shown."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from pathlib import Path

import pytest

from crawler.alerts.mail import DeliveryError, Mailer, MailSettings, MailSettingsError, Secret, send
from tests.smtp_server import Accounts, SmtpServer, free_port, smtp_server_fixture, tls_files  # noqa: F401

PASSWORD = "hunter2-Zq8!vX"  # a value no log line would contain by accident


def message(*recipients: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "newswatch@example.org", ", ".join(recipients), "[newswatch] test"
    msg.set_content("Iran takes delivery of Su-35s.")
    return msg


def settings(server: SmtpServer, security: str = "none", **fields) -> MailSettings:
    return MailSettings(
        from_address="newswatch@example.org", host=server.host, port=server.port, security=security, **fields
    )


@pytest.fixture
def tls(tmp_path: Path):
    return tls_files(tmp_path)


def test_starttls_with_login(tls, monkeypatch, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    accounts = Accounts("newswatch", PASSWORD)
    server = SmtpServer(tls_context=tls.server_context(), require_starttls=True, authenticator=accounts).start()
    try:
        monkeypatch.setenv("NW_SMTP_PASSWORD", PASSWORD)
        mail = MailSettings.from_config(
            {
                "from": "newswatch@example.org",
                "smtp_host": server.host,
                "smtp_port": server.port,
                "security": "starttls",
                "username": "newswatch",
                "password_env": "NW_SMTP_PASSWORD",
                "ca_file": str(tls.cert),
            }
        )
        assert send(message("alice@example.org"), mail) == {}
        assert [m.rcpt_tos for m in server.messages] == [("alice@example.org",)]
        assert accounts.attempts == ["newswatch"]
    finally:
        server.stop()
    assert PASSWORD not in caplog.text and PASSWORD not in repr(mail) and PASSWORD not in str(mail)


def test_ssl_with_login(tls) -> None:
    accounts = Accounts("newswatch", PASSWORD)
    server = SmtpServer(ssl_context=tls.server_context(), authenticator=accounts, auth_require_tls=False).start()
    try:
        mail = settings(server, "ssl", username="newswatch", password=Secret(PASSWORD), ca_file=tls.cert)
        send(message("alice@example.org"), mail)
        assert len(server.messages) == 1 and accounts.attempts == ["newswatch"]
    finally:
        server.stop()


def test_an_untrusted_certificate_is_refused(tls) -> None:
    server = SmtpServer(tls_context=tls.server_context()).start()
    try:
        with pytest.raises(DeliveryError, match=r"^TLS with 127\.0\.0\.1:\d+ failed: CERTIFICATE_VERIFY_FAILED"):
            send(message("alice@example.org"), settings(server, "starttls"))
        assert server.messages == []
    finally:
        server.stop()


def test_starttls_required_but_not_offered_is_a_clear_error(smtp_server) -> None:
    with pytest.raises(DeliveryError, match=r"does not offer STARTTLS"):
        send(message("alice@example.org"), settings(smtp_server, "starttls"))


def test_a_wrong_password_is_an_auth_failure_that_never_shows_the_password(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    server = SmtpServer(authenticator=Accounts("newswatch", "the-right-one"), auth_require_tls=False).start()
    try:
        mail = settings(server, username="newswatch", password=Secret(PASSWORD))
        with pytest.raises(DeliveryError) as caught:
            send(message("alice@example.org"), mail)
    finally:
        server.stop()
    reason = caught.value.reason
    assert reason.startswith(f"127.0.0.1:{server.port} refused the login of newswatch: 535")
    assert "\n" not in reason and not caught.value.permanent
    for shown in (reason, str(caught.value), repr(mail), str(mail), caplog.text, mail.describe()):
        assert PASSWORD not in shown
    assert "password=********" in repr(mail) and "Secret('********')" == repr(mail.password)


def test_connection_refused_is_one_line() -> None:
    mail = MailSettings(host="127.0.0.1", port=free_port(), security="none")
    with pytest.raises(DeliveryError, match=r"^cannot connect to 127\.0\.0\.1:\d+: connection refused$"):
        send(message("alice@example.org"), mail)


def test_some_recipients_refused_the_others_get_it(smtp_server) -> None:
    smtp_server.refuse["gone@example.org"] = "550 5.1.1 <gone@example.org>: no such user"
    refused = send(message("alice@example.org", "gone@example.org", "bob@example.org"), settings(smtp_server))
    assert refused == {"gone@example.org": "550 5.1.1 <gone@example.org>: no such user"}
    assert [m.rcpt_tos for m in smtp_server.messages] == [("alice@example.org", "bob@example.org")]


def test_every_recipient_refused_is_a_permanent_error_naming_them(smtp_server) -> None:
    smtp_server.refuse["gone@example.org"] = "550 5.1.1 no such user"
    with Mailer(settings(smtp_server)) as mailer:
        with pytest.raises(DeliveryError) as caught:
            mailer.send(message("gone@example.org"))
        assert caught.value.permanent and caught.value.refused == {"gone@example.org": "550 5.1.1 no such user"}
        assert "refused every recipient: gone@example.org (550 5.1.1 no such user)" in caught.value.reason
        mailer.send(message("alice@example.org"))  # the connection still serves the next message
    assert [m.rcpt_tos for m in smtp_server.messages] == [("alice@example.org",)]


def test_a_password_variable_that_is_not_set_is_a_config_error() -> None:
    with pytest.raises(MailSettingsError, match="NW_UNSET_PASSWORD is not set"):
        MailSettings.from_config({"smtp_host": "smtp.example.org", "password_env": "NW_UNSET_PASSWORD"}, environ={})


def test_settings_defaults_and_bad_values(tmp_path: Path) -> None:
    mail = MailSettings.from_config({"smtp_host": "smtp.example.org", "from": "alerts@news.example.org"})
    assert (mail.smtp_port, mail.security, mail.domain) == (587, "starttls", "news.example.org")
    assert mail.describe() == "smtp://smtp.example.org:587 (starttls)"
    assert MailSettings(host="h", security="ssl").smtp_port == 465
    assert MailSettings(message_id_domain="example.net").domain == "example.net"
    assert MailSettings(mailbox=tmp_path / "box").describe() == f"maildir {tmp_path / 'box'}"
    with pytest.raises(MailSettingsError, match="security 'tls'"):
        MailSettings(security="tls")
