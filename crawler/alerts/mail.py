"""Sending alert emails: SMTP (STARTTLS, SSL or plain, with login), or a local Maildir when no SMTP
host is configured, so a fresh install shows its alerts offline.

    settings = MailSettings.from_config(config.mail)       # the [mail] table of the watch file
    with Mailer(settings) as mailer:
        refused = mailer.send(message)                    # {address: reason} of refused recipients

Every failure is a `DeliveryError` with a one-line reason. The password is read from the
environment variable the config names, and is never printed: `MailSettings` masks it.
"""

from __future__ import annotations

import logging
import mailbox
import os
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import getaddresses, parseaddr
from pathlib import Path
from types import TracebackType
from typing import Any

# The [mail] table's keys: these take text, smtp_port and timeout take numbers.
TEXT_KEYS = ("from", "smtp_host", "security", "username", "password_env", "mailbox", "message_id_domain", "ca_file")
MAIL_KEYS = frozenset({*TEXT_KEYS, "smtp_port", "timeout"})

log = logging.getLogger("newswatch.mail")

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_FROM = "newswatch@localhost"


class MailSettingsError(ValueError):
    """A [mail] table that cannot be used (unknown security, a password variable that is not set…)."""


class DeliveryError(Exception):
    """An email could not be delivered. `reason` is one line; `permanent` when retrying cannot help
    (every recipient refused with a 5xx code); `refused` maps refused addresses to the server's answer."""

    def __init__(self, reason: str, *, permanent: bool = False, refused: Mapping[str, str] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.refused = dict(refused or {})


class Secret:
    """A password: usable with `reveal()`, shown as ******** everywhere else."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return "********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> Any:
        raise TypeError("a Secret is not pickled")


def default_mailbox() -> Path:
    """`$XDG_DATA_HOME/newswatch/mailbox` (~/.local/share/newswatch/mailbox): a Maildir."""
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "newswatch" / "mailbox"


@dataclass(frozen=True, slots=True)
class MailSettings:
    from_address: str = DEFAULT_FROM
    host: str | None = None  # no host: alerts go to the Maildir at `mailbox`
    port: int | None = None  # default by security: 587, 465, 25
    security: str = "starttls"  # starttls | ssl | none
    username: str | None = None
    password: Secret | None = field(default=None, repr=False)
    password_env: str | None = None  # the environment variable the password was read from
    message_id_domain: str | None = None  # default: the From address's domain
    mailbox: Path | None = None  # default: default_mailbox()
    ca_file: Path | None = None  # trust this CA (a private mail server's) besides the system's
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise MailSettingsError(f"security {self.security!r}: use one of {', '.join(SECURITY)}")
        if not parseaddr(self.from_address)[1]:
            raise MailSettingsError(f"from {self.from_address!r} is not an email address")

    @classmethod
    def from_config(cls, mail: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> MailSettings:
        """From the watch file's [mail] table: from, smtp_host, smtp_port, security, username,
        password_env, mailbox, message_id_domain (and ca_file, timeout)."""
        environ = os.environ if environ is None else environ
        if not isinstance(mail, Mapping):
            raise MailSettingsError(f"[mail] must be a table, not {mail!r}")
        for key in TEXT_KEYS:
            if mail.get(key) is not None and not isinstance(mail[key], str):
                raise MailSettingsError(f"{key} must be a string, not {mail[key]!r}")
        port = mail.get("smtp_port")
        if port and (isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536):
            raise MailSettingsError(f"smtp_port must be a port number from 1 to 65535, not {port!r}")
        timeout = mail.get("timeout", 30.0)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout < float("inf"):
            raise MailSettingsError(f"timeout must be a number of seconds above 0, not {timeout!r}")
        password_env = mail.get("password_env") or None
        password = None
        if password_env:
            value = environ.get(password_env)
            if not value:
                raise MailSettingsError(f"password_env: the environment variable {password_env} is not set")
            password = Secret(value)
        mailbox_path = mail.get("mailbox")
        ca_file = mail.get("ca_file")
        return cls(
            from_address=mail.get("from") or DEFAULT_FROM,
            host=mail.get("smtp_host") or None,
            port=port or None,
            security=mail.get("security") or "starttls",
            username=mail.get("username") or None,
            password=password,
            password_env=password_env,
            message_id_domain=mail.get("message_id_domain") or None,
            mailbox=Path(mailbox_path).expanduser() if mailbox_path else None,
            ca_file=Path(ca_file).expanduser() if ca_file else None,
            timeout=float(timeout),
        )

    @property
    def smtp_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def maildir(self) -> Path:
        return self.mailbox or default_mailbox()

    @property
    def domain(self) -> str:
        """The right-hand side of Message-IDs and List-Ids."""
        if self.message_id_domain:
            return self.message_id_domain
        address = parseaddr(self.from_address)[1]
        return address.rpartition("@")[2] or "localhost"

    def describe(self) -> str:
        """Where mail goes, for logs and reports; never the password."""
        if not self.host:
            return f"maildir {self.maildir}"
        from sqlalchemy.engine import URL  # the one URL renderer: storage.db.redacted

        from storage.db import redacted

        password = "set" if self.password is not None else None  # shown as *** whatever it is
        url = URL.create("smtp", username=self.username, password=password, host=self.host, port=self.smtp_port)
        return f"{redacted(url)} ({self.security})"

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={'********' if name == 'password' and value is not None else repr(value)}"
            for name, value in ((name, getattr(self, name)) for name in self.__dataclass_fields__)
        )
        return f"MailSettings({shown})"

    __str__ = __repr__


def recipients_of(message: EmailMessage) -> list[str]:
    """The addresses in To, Cc and Bcc."""
    fields = [str(value) for name in ("To", "Cc", "Bcc") for value in message.get_all(name, [])]
    return [address for _, address in getaddresses(fields) if address]


class Mailer:
    """One connection to the mail system, for a batch of emails. Use as a context manager."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._maildir: mailbox.Maildir | None = None

    def __enter__(self) -> Mailer:
        self.open()
        return self

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.close()

    def open(self) -> None:
        if self.settings.host:
            self._smtp = self._connect()
        else:
            path = self.settings.maildir
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._maildir = mailbox.Maildir(path, create=True)
            except OSError as error:
                raise DeliveryError(f"cannot open the Maildir {path}: {error.strerror or error}") from None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None
        self._maildir = None

    def send(self, message: EmailMessage | bytes, recipients: Sequence[str] | None = None) -> dict[str, str]:
        """Deliver one message (bytes: with CRLF line ends) to `recipients` (default: its To, Cc and Bcc).
        Returns the refused recipients, {address: "550 reason"}, when the server took it for the others.
        Raises DeliveryError when nobody got it."""
        if isinstance(message, EmailMessage):
            raw = message.as_bytes(policy=SMTP_POLICY)
            recipients = list(recipients) if recipients is not None else recipients_of(message)
        else:
            raw = message
            if recipients is None:
                raise ValueError("raw message bytes need their recipients")
        if not recipients:
            raise DeliveryError("the message has no recipients", permanent=True)
        if self._smtp is None and self._maildir is None:
            self.open()
        if self._maildir is not None:
            return self._to_maildir(raw)
        return self._to_smtp(raw, list(recipients))

    def _to_maildir(self, raw: bytes) -> dict[str, str]:
        assert self._maildir is not None
        try:
            self._maildir.add(raw.replace(b"\r\n", b"\n"))  # a Maildir file has Unix line ends
        except OSError as error:
            raise DeliveryError(
                f"cannot write to the Maildir {self.settings.maildir}: {error.strerror or error}"
            ) from None
        return {}

    def _to_smtp(self, raw: bytes, recipients: list[str]) -> dict[str, str]:
        if self._smtp is None:  # the last send lost the connection: one new try
            self._smtp = self._connect()
        smtp = self._smtp
        where = self._where()
        try:
            refused = smtp.sendmail(parseaddr(self.settings.from_address)[1], recipients, raw)
        except smtplib.SMTPRecipientsRefused as error:
            answers = {address: _answer(code, text) for address, (code, text) in error.recipients.items()}
            permanent = all(code >= 500 for code, _ in error.recipients.values())
            listed = "; ".join(f"{address} ({answer})" for address, answer in answers.items())
            self._reset()
            raise DeliveryError(
                f"{where} refused every recipient: {listed}", permanent=permanent, refused=answers
            ) from None
        except smtplib.SMTPSenderRefused as error:
            self._reset()
            raise DeliveryError(
                f"{where} refused the sender {error.sender}: {_answer(error.smtp_code, error.smtp_error)}"
            ) from None
        except smtplib.SMTPDataError as error:
            self._reset()
            raise DeliveryError(f"{where} refused the message: {_answer(error.smtp_code, error.smtp_error)}") from None
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            raise DeliveryError(f"{where}: connection lost while sending: {one_line_reason(error)}") from None
        answers = {address: _answer(code, text) for address, (code, text) in refused.items()}
        if answers:
            log.warning("%s refused %s", where, "; ".join(f"{a} ({r})" for a, r in answers.items()))
        return answers

    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.smtp_port}"

    def _tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.settings.ca_file:
            context.load_verify_locations(cafile=str(self.settings.ca_file))
        return context

    def _connect(self) -> smtplib.SMTP:
        settings, where = self.settings, self._where()
        smtp: smtplib.SMTP | None = None
        try:
            if settings.security == "ssl":
                smtp = smtplib.SMTP_SSL(
                    settings.host or "", settings.smtp_port, timeout=settings.timeout, context=self._tls_context()
                )
            else:
                smtp = smtplib.SMTP(settings.host or "", settings.smtp_port, timeout=settings.timeout)
            smtp.set_debuglevel(0)  # debug output would show the AUTH exchange
            smtp.ehlo()
            if settings.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise DeliveryError(f'{where} does not offer STARTTLS (set security = "none" to send in clear)')
                smtp.starttls(context=self._tls_context())
                smtp.ehlo()
            if settings.username:
                if settings.password is None:
                    raise DeliveryError(f"username {settings.username} is set but no password (password_env)")
                smtp.login(settings.username, settings.password.reveal())
        except DeliveryError:
            _close(smtp)
            raise
        except smtplib.SMTPAuthenticationError as error:
            _close(smtp)
            answer = _answer(error.smtp_code, error.smtp_error)
            raise DeliveryError(f"{where} refused the login of {settings.username}: {answer}") from None
        except smtplib.SMTPNotSupportedError:
            _close(smtp)
            raise DeliveryError(f"{where} offers no AUTH: cannot log in as {settings.username}") from None
        except ssl.SSLError as error:
            _close(smtp)
            raise DeliveryError(f"TLS with {where} failed: {error.reason or error}") from None
        except (smtplib.SMTPException, OSError) as error:
            _close(smtp)
            raise DeliveryError(f"cannot connect to {where}: {one_line_reason(error)}") from None
        log.debug("connected to %s", settings.describe())
        return smtp

    def _reset(self) -> None:
        """After a refused transaction: RSET, so the connection serves the next message."""
        if self._smtp is None:
            return
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        _close(self._smtp)
        self._smtp = None


def send(message: EmailMessage, settings: MailSettings) -> dict[str, str]:
    """Deliver one message on a connection of its own; the refused recipients, if the others got it."""
    with Mailer(settings) as mailer:
        return mailer.send(message)


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.close()
        except OSError:
            pass


def _answer(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(text.split())}"


def one_line_reason(error: BaseException | str) -> str:
    """Why a connection failed, in a few lower-case words (URLError.reason may be a plain string)."""
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return f"unknown host ({error.strerror})"
    if isinstance(error, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return " ".join(str(error).split()) or type(error).__name__
