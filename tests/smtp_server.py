"""A real SMTP server on 127.0.0.1 for the alert tests (aiosmtpd), collecting what it receives.

    from tests.smtp_server import smtp_server_fixture  # noqa: F401  (pytest collects it)

    def test_x(smtp_server):
        smtp_server.refuse["gone@example.org"] = "550 5.1.1 <gone@example.org>: no such user"
        ...
        [received] = smtp_server.messages

aiosmtpd's `Controller(port=0)` cannot connect to itself (STACK-NOTES), so a free port is picked
first. `tls_files()` makes a throwaway CA-less self-signed certificate for 127.0.0.1 (cryptography,
which Scrapy already installs) for the STARTTLS and SSL tests.
"""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass(frozen=True, slots=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=default_policy)  # type: ignore[return-value]


@dataclass
class Inbox:
    """The aiosmtpd handler: refuses the addresses in `refuse` at RCPT, keeps every message taken."""

    messages: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 Message accepted for delivery"


class Accounts:
    """An aiosmtpd authenticator accepting one login, recording every attempt's user name."""

    def __init__(self, username: str, password: str) -> None:
        self.username, self.password = username, password
        self.attempts: list[str] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        self.attempts.append(user)
        if user == self.username and password == self.password:
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)  # handled=False: the server answers 535 itself


class SmtpServer:
    """aiosmtpd on 127.0.0.1:`port`; `start()` and `stop()` may be called again (the down-then-up test)."""

    def __init__(self, port: int | None = None, **smtp_options: Any) -> None:
        self.host = HOST
        self.port = port or free_port()
        self.inbox = Inbox()
        self.smtp_options = smtp_options
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[Received]:
        return self.inbox.messages

    @property
    def refuse(self) -> dict[str, str]:
        return self.inbox.refuse

    def start(self) -> SmtpServer:
        self._controller = Controller(self.inbox, hostname=self.host, port=self.port, **self.smtp_options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture(name="smtp_server")
def smtp_server_fixture() -> Iterator[SmtpServer]:
    """A plain SMTP server (no TLS, no AUTH) on a free loopback port."""
    server = SmtpServer().start()
    yield server
    server.stop()


@dataclass(frozen=True, slots=True)
class TlsFiles:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def tls_files(folder: Path) -> TlsFiles:
    """A self-signed certificate for IP 127.0.0.1, valid for a day; it is its own CA (trust `cert`)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "newswatch test SMTP")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    files = TlsFiles(folder / "smtp-cert.pem", folder / "smtp-key.pem")
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return files
