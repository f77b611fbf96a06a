"""Alert channels beyond email, through the same outbox (claim, lease, back-off) as alert emails.

A rule's `recipients` mix three kinds:

    "alice@example.org", "mailto:alice@example.org"    email, through [mail] (crawler.alerts.mail)
    "slack://…", "workflows://…" (Teams), "tgram://…", "matrix://…", "ntfy://…", "json://…", …
                                                       any apprise URL: apprise sends it
    "webhook+https://hooks.example.org/newswatch"      newswatch's own JSON POST, items as data

Why a webhook of our own beside apprise's json://: json:// posts {version, title, message, type}
with the items as markdown text in `message`, and its extra payload keys take strings only, so it
cannot carry the items as data. `webhook+http(s)://` posts the same four keys plus `id` (the
outbox row's Message-ID, also sent as the Idempotency-Key header: a repeat after a crash carries
the same one) and `items`/`updates` as objects (title, url, outlet, published, language,
paywalled, rule, reported_by…). Its URL's `+Name=value` query parameters are sent as headers (as
apprise's json:// does) and `user:password@` as basic auth.

Secrets: write `${NAME}` anywhere in a URL (`ntfy://${NTFY_TOKEN}@ntfy.example.org/alerts`). The
outbox keeps the URL as written; the variable is read when the message is sent, and a variable
that is not set then fails that attempt (retried with back-off, never dropped). Resolved values
never reach the database, a report, a log or an error: a channel is shown as its scheme and host
(`redacted`), apprise's and urllib3's log records are kept out of the logs while sending, and any
resolved value in an error is masked.

Per-send status: apprise's `notify` returns a bool, so each message gets an apprise object of its
own and the log records it writes while sending are captured; the HTTP status they name decides
between refused for good (4xx other than 408 and 429, like an SMTP 5xx) and retry (everything
else: connection refused, timeouts, 5xx, a plugin that failed without saying why).
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from http.client import HTTPException, responses
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import unquote, urlsplit, urlunsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

from crawler.alerts.mail import DeliveryError, one_line_reason
from storage.alert_models import Channel

log = logging.getLogger("newswatch.alerts")

PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$|^[^@\s<>]+@localhost$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_HOSTNAME = re.compile(r"^(?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]+$|^localhost$|^\[[0-9A-Fa-f:.]+\]$")
WEBHOOK = "webhook+"
WEBHOOK_TIMEOUT = 15.0  # seconds for the whole POST
QUIET_LOGGERS = ("apprise", "urllib3")  # they log request URLs (tokens in paths and queries) while sending
MASK = "********"


@dataclass(frozen=True, slots=True)
class Recipient:
    """One entry of a rule's `recipients`: `target` is the address, or the URL as written."""

    channel: str  # storage.alert_models.Channel
    target: str

    @property
    def display(self) -> str:
        """What reports, listings and logs show: the address, or the URL's scheme and host."""
        return self.target if self.channel == Channel.EMAIL else redacted(self.target)


class ChannelError(ValueError):
    """A recipient that is no email address and no channel URL newswatch can send to."""


def parse_recipient(value: str) -> Recipient:
    """The recipient `value` names: an email (plain or mailto:), an apprise URL or a webhook+http(s) URL.
    ChannelError with one line when it is none of them (the URL shown redacted)."""
    value = value.strip()
    scheme_match = _SCHEME.match(value)
    if scheme_match is None:
        address = value[len("mailto:") :] if value.lower().startswith("mailto:") else value
        if _EMAIL.match(address):
            return Recipient(Channel.EMAIL, address)
        raise ChannelError(f"not an email address or a channel URL: {value!r}")
    scheme = scheme_match.group(1).lower()
    for name in PLACEHOLDER.findall(value):
        if not _VARIABLE.match(name):
            raise ChannelError(f"{redacted(value)}: '${{{name}}}' is not an environment variable name")
    if scheme.startswith(WEBHOOK):
        inner = scheme[len(WEBHOOK) :]
        if inner not in ("http", "https"):
            raise ChannelError(f"{redacted(value)}: a webhook URL is webhook+https://HOST/PATH (or webhook+http://)")
        if not urlsplit(PLACEHOLDER.sub("x", value[len(WEBHOOK) :])).hostname:
            raise ChannelError(f"{redacted(value)}: the webhook URL names no host")
        return Recipient(Channel.WEBHOOK, value)
    if scheme in ("mailto", "mailtos"):
        raise ChannelError(f"{redacted(value)}: email goes through [mail]: write the address, or mailto:ADDRESS")
    plugins = _apprise_schemes()
    if scheme == "msteams" and scheme not in plugins:
        raise ChannelError(
            "msteams:// is gone from apprise 2 (Microsoft retired those webhooks): Teams takes"
            " a workflows:// URL (a Power Automate workflow)"
        )
    if scheme not in plugins:
        raise ChannelError(
            f"unknown channel {scheme}:// (an email address, mailto:, webhook+https:// or an apprise URL"
            " such as slack://, workflows:// (Teams), tgram://, matrix://, ntfy://, json://)"
        )
    if not PLACEHOLDER.search(value) and _instantiate(value) is None:
        # With ${VAR}s the URL is checked when it is sent: a token's format is only known then.
        raise ChannelError(f"{redacted(value)}: not a valid {plugins[scheme]} URL (see apprise's page for {scheme}://)")
    return Recipient(Channel.APPRISE, value)


def recipient_problem(value: object) -> str | None:
    """Why `value` cannot be a recipient (one line), or None."""
    if not isinstance(value, str):
        return f"not an email address or a channel URL: {value!r}"
    try:
        parse_recipient(value)
    except ChannelError as error:
        return str(error)
    return None


def redacted(url: str) -> str:
    """A channel URL as its scheme and host (`ntfy://ntfy.example.org`, `json://127.0.0.1:8080`): no
    user, password, path or query. A host that does not look like a host name (Slack's and
    Telegram's URLs put tokens there) or holds a `${VAR}` is left out: `slack://…`."""
    scheme_match = _SCHEME.match(url.strip())
    if scheme_match is None:
        return url if _EMAIL.match(url) else "(not a URL)"
    scheme = scheme_match.group(1).lower()
    rest = url.strip()[scheme_match.end() :]
    netloc = re.split(r"[/?#]", rest, maxsplit=1)[0].rpartition("@")[2]
    host, _, port = netloc.rpartition(":") if not netloc.endswith("]") else (netloc, "", "")
    if not host or not port.isdigit():
        host, port = netloc, ""
    if "${" in host or not _HOSTNAME.match(host):
        return f"{scheme}://…"
    return f"{scheme}://{host.lower()}{':' + port if port else ''}"


def resolve(url: str, environ: Mapping[str, str]) -> tuple[str, list[str]]:
    """`url` with each `${NAME}` replaced by the environment variable's value, and the values used (to
    mask them in errors). DeliveryError (temporary: set it and the next attempt goes) if one is unset."""
    secrets: list[str] = []

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        found = environ.get(name)
        if not found:
            raise DeliveryError(f"{redacted(url)}: the environment variable {name} is not set")
        secrets.append(found)
        return found

    return PLACEHOLDER.sub(value, url), secrets


def send(
    recipient: Recipient,
    title: str,
    body: bytes,
    *,
    message_id: str,
    environ: Mapping[str, str],
    timeout: float = WEBHOOK_TIMEOUT,
) -> None:
    """Send one channel message (its stored title and body); DeliveryError with a one-line reason,
    `permanent` when retrying cannot help, if the channel did not take it."""
    url, secrets = resolve(recipient.target, environ)
    try:
        if recipient.channel == Channel.WEBHOOK:
            _post_webhook(url[len(WEBHOOK) :], recipient.display, body, message_id, timeout)
        else:
            _notify_apprise(url, recipient.display, title, body.decode("utf-8"))
    except DeliveryError as error:
        raise DeliveryError(mask(error.reason, secrets), permanent=error.permanent) from None


def mask(text: str, secrets: list[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 3:  # a one- or two-character value would mask half the message
            text = text.replace(secret, MASK)
    return text


# --- apprise --------------------------------------------------------------------------------------


@cache
def _apprise_schemes() -> dict[str, str]:
    """Every scheme apprise knows, with its service's name."""
    from apprise.apprise import N_MGR

    return {scheme: N_MGR[scheme].service_name for scheme in N_MGR.schemas()}


@cache
def _asset() -> Any:
    import apprise

    return apprise.AppriseAsset(storage_mode="memory")  # no persistent store files under the user's home


def _instantiate(url: str) -> Any:
    import apprise

    with _quiet_logs():
        return apprise.Apprise.instantiate(url, asset=_asset(), suppress_exceptions=True)


def _notify_apprise(url: str, display: str, title: str, body: str) -> None:
    from apprise import NotifyFormat

    with _quiet_logs() as records:
        import apprise

        plugin = apprise.Apprise.instantiate(url, asset=_asset(), suppress_exceptions=True)
        if plugin is None:
            problem = _last_warning(records, display)
            raise DeliveryError(f"{display}: not a valid URL for apprise{': ' + problem if problem else ''}")
        try:
            ok = plugin.notify(body=body, title=title, body_format=NotifyFormat.MARKDOWN)
        except Exception as error:  # a third-party plugin's own bug must fail this attempt, not the cycle
            raise DeliveryError(f"{display}: apprise failed: {type(error).__name__}: {error}") from None
    if ok:
        return
    text = "\n".join(record.getMessage() for record in records)
    codes = re.findall(r"error=(\d{3})\b", text)
    if codes:
        raise _answered(display, int(codes[-1]))
    if re.search(r"connection refused|errno 111", text, re.IGNORECASE):
        raise DeliveryError(f"{display}: connection refused")
    if "CERTIFICATE_VERIFY_FAILED" in text:
        raise DeliveryError(f"{display}: TLS certificate not trusted (CERTIFICATE_VERIFY_FAILED)")
    if re.search(r"timed? ?out", text, re.IGNORECASE):
        raise DeliveryError(f"{display}: timed out")
    problem = _last_warning(records, display)
    raise DeliveryError(f"{display}: not delivered{': ' + problem if problem else ''}")


def _answered(display: str, code: int) -> DeliveryError:
    """A channel's HTTP error status: refused for good on a 4xx other than 408 and 429 (like an SMTP
    5xx), else retried."""
    permanent = 400 <= code < 500 and code not in (408, 429)
    return DeliveryError(f"{display}: answered {code} {responses.get(code, '')}".rstrip(), permanent=permanent)


def _last_warning(records: list[logging.LogRecord], display: str) -> str:
    """apprise's last warning, one line, any URL in it (apprise half-masks tokens) shown as `display`."""
    warnings = [record.getMessage() for record in records if record.levelno >= logging.WARNING]
    if not warnings:
        return ""
    return re.sub(r"\b[A-Za-z][A-Za-z0-9+.-]*://\S+", display, " ".join(warnings[-1].split()))[:300]


class _Collect(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _quiet_logs() -> Iterator[list[logging.LogRecord]]:
    """apprise's and urllib3's log records while sending, kept from the application's logs (apprise's
    debug lines and urllib3's request lines carry the resolved URL). apprise.LogCapture would add a
    handler but leave them propagating to the root logger, so this takes them itself."""
    records: list[logging.LogRecord] = []
    handler = _Collect(records)
    saved = []
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.propagate))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
    try:
        yield records
    finally:
        for logger, level, propagate in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate


# --- webhook+http(s):// -------------------------------------------------------------------------


class _NoRedirects(HTTPRedirectHandler):
    """urllib turns a redirected POST into a GET without its body: a 2xx after that is no delivery."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _post_webhook(url: str, display: str, body: bytes, message_id: str, timeout: float) -> None:
    parts = urlsplit(url)
    # Split by hand: parse_qsl reads the '+' of a `+Header=value` parameter as a space.
    query = [part for part in parts.query.split("&") if part]
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "newswatch",
        "Idempotency-Key": message_id,
    }
    for part in query:
        name, _, value = part.partition("=")
        if name.startswith("+") and len(name) > 1:
            headers[unquote(name[1:])] = unquote(value)
    if parts.username is not None:
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii")
    netloc = parts.netloc.rpartition("@")[2]
    kept = "&".join(part for part in query if not part.startswith("+"))
    request = Request(urlunsplit((parts.scheme, netloc, parts.path or "/", kept, "")), data=body, headers=headers)
    try:
        with build_opener(_NoRedirects).open(request, timeout=timeout) as response:
            response.read()
    except HTTPError as error:
        code = error.code
        if 300 <= code < 400:
            reason = f"{display}: answered {code} (a redirect): give the URL it leads to"
            raise DeliveryError(reason, permanent=True) from None
        raise _answered(display, code) from None
    except URLError as error:
        raise DeliveryError(f"{display}: {one_line_reason(error.reason)}") from None
    except (HTTPException, OSError) as error:
        raise DeliveryError(f"{display}: {one_line_reason(error)}") from None
