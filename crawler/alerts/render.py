"""Every email newswatch sends: multipart/alternative (plain text + HTML) from the jinja2 templates
in templates/ — alert emails (email.txt/.html) and the operator's crawl-health notices
(health.txt/.html). Both go out through the outbox (crawler.alerts.delivery). The same sections
render as a channel message (crawler.alerts.channels): a title and a markdown body (channel.md),
and for a webhook a JSON document carrying the items as data (`webhook_document`).

Each item shows its outlet, date, language, whether it is paywalled, and the outlets reporting
the story, by name.

Everything taken from a page or a run (titles, outlets, snippets, links, reasons) reaches the HTML
through jinja2's autoescaping; links are kept only when they are http(s). Matched terms are
highlighted (crawler.alerts.highlight) with <mark> in the HTML and «guillemets» in the text.

    message = render_email(
        [Section("iran-drones", items=[EmailItem(title, url, outlet, published, text, spans)])],
        recipient="analyst@example.org", sender="newswatch@example.org",
        message_id="<newswatch.1.ab12@example.org>", date=now, domain="example.org",
    )
    notice = render_health_email(HealthNotice("moscow_times", "The Moscow Times", True, reasons, since),
                                 recipient=..., sender=..., message_id=..., date=now, domain=...)
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from crawler.alerts.highlight import Highlighted, Span, excerpt, locate, marked

SNIPPET_WIDTH = 280  # characters of text around the first match


@dataclass(frozen=True, slots=True)
class EmailItem:
    """One matched article in an email."""

    title: str | None
    url: str
    outlet: str
    published: datetime | str | None
    text: str
    spans: Sequence[Span] = ()  # where the rule matched; stale or missing ones fall back to `terms`
    terms: Sequence[str] = ()  # the query terms that matched, looked for when no span fits
    outlets: int = 1  # outlets carrying the story
    reported_by: Sequence[str] = ()  # their names, first to carry it first
    language: str | None = None  # ISO 639-1, as the article was stored
    paywalled: bool = False


@dataclass(frozen=True, slots=True)
class EmailUpdate:
    """A story already sent that more outlets carry now: "now reported by N outlets"."""

    title: str | None
    url: str
    outlet: str
    outlets: int
    reported_by: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class Section:
    rule: str
    items: Sequence[EmailItem]
    updates: Sequence[EmailUpdate] = ()
    query: str | None = None


@dataclass(frozen=True, slots=True)
class HealthNotice:
    """A source's change of crawl health, for its operator: it turned unhealthy, or recovered."""

    source: str
    title: str
    unhealthy: bool
    reasons: Sequence[str]
    since: datetime  # when it entered the state
    last_started: datetime | None = None
    last_status: str | None = None
    new_7d: int = 0
    runs_7d: int = 0
    next_run: datetime | None = None


@dataclass(frozen=True, slots=True)
class _ItemView:
    title: Highlighted
    url: str | None
    link_text: str
    outlet: str
    published: str
    snippet: Highlighted
    outlets: int
    reported_by: Sequence[str]
    language: str | None
    paywalled: bool


@dataclass(slots=True)
class _SectionView:
    rule: str
    query: str | None
    items: list[_ItemView] = field(default_factory=list)
    updates: list[EmailUpdate] = field(default_factory=list)


# --- emails ------------------------------------------------------------------------------------


def subject_for(sections: Sequence[Section], digest: str | None = None) -> str:
    """`[newswatch] iran-drones: 3 new articles`; a digest of several rules names them all."""
    count = sum(len(section.items) for section in sections)
    articles = f"{count} new article{'' if count == 1 else 's'}"
    if len(sections) == 1:
        return f"[newswatch] {sections[0].rule}: {articles}"
    rules = ", ".join(section.rule for section in sections)
    return f"[newswatch] {digest or 'alert'} digest: {articles} ({rules})"


def render_email(
    sections: Sequence[Section],
    *,
    recipient: str,
    sender: str,
    message_id: str,
    date: datetime,
    domain: str,
    digest: str | None = None,
) -> EmailMessage:
    """The email for one recipient: a section per rule. `digest` ("daily", "hourly") names a digest."""
    if not sections:
        raise ValueError("an email needs at least one section")
    subject = subject_for(sections, digest)
    views = [_section_view(section) for section in sections]
    context = {"subject": subject, "sections": views, "digest": digest, "recipient": recipient}
    rules = [section.rule for section in sections]
    list_name = rules[0] if len(rules) == 1 else f"{digest or 'alert'}-digest"
    return _message(
        "email",
        context,
        (subject, sender, recipient, date, message_id),
        {"List-Id": f"newswatch {list_name} <{list_name}.newswatch.{domain}>", "X-Newswatch-Rule": ", ".join(rules)},
    )


def health_subject(notice: HealthNotice) -> str:
    """`[newswatch] source x is unhealthy: why; why` or `[newswatch] source x has recovered`."""
    if notice.unhealthy:
        return f"[newswatch] source {notice.source} is unhealthy: {'; '.join(notice.reasons) or 'unhealthy'}"
    return f"[newswatch] source {notice.source} has recovered"


def render_health_email(
    notice: HealthNotice, *, recipient: str, sender: str, message_id: str, date: datetime, domain: str
) -> EmailMessage:
    """The operator's email about one source's change of crawl health."""
    subject = health_subject(notice)
    return _message(
        "health",
        {"subject": subject, "notice": notice},
        (subject, sender, recipient, date, message_id),
        {"List-Id": f"newswatch health <health.newswatch.{domain}>", "X-Newswatch-Source": notice.source},
    )


def _message(
    template: str,
    context: dict[str, object],
    envelope: tuple[str, str, str, datetime, str],
    headers: dict[str, str],
) -> EmailMessage:
    """`template`.txt and `template`.html rendered with `context`, as one multipart/alternative with
    the (subject, sender, recipient, date, message_id) of `envelope` and the other `headers`."""
    subject, sender, recipient, date, message_id = envelope
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name] = value
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    message.set_content(_templates().get_template(f"{template}.txt").render(context))
    message.add_alternative(_templates().get_template(f"{template}.html").render(context), subtype="html")
    return message


def _section_view(section: Section) -> _SectionView:
    view = _SectionView(section.rule, section.query, updates=[_safe_update(update) for update in section.updates])
    for item in section.items:
        title = item.title or "(untitled)"
        title_ranges = locate(title, "title", item.spans, item.terms) if item.title else []
        text_ranges = locate(item.text, "text", item.spans, item.terms)
        view.items.append(
            _ItemView(
                title=marked(title, title_ranges),
                url=safe_url(item.url),
                link_text=item.url,
                outlet=item.outlet,
                published=format_published(item.published),
                snippet=excerpt(item.text, text_ranges, SNIPPET_WIDTH),
                outlets=item.outlets,
                reported_by=tuple(item.reported_by),
                language=item.language,
                paywalled=item.paywalled,
            )
        )
    return view


def _safe_update(update: EmailUpdate) -> EmailUpdate:
    return EmailUpdate(
        update.title or "(untitled)", safe_url(update.url) or "", update.outlet, update.outlets, update.reported_by
    )


# --- channel messages ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChannelMessage:
    """What a channel gets: a title, a markdown body, and (for a webhook) the JSON document to POST."""

    title: str
    markdown: str


def render_channel(sections: Sequence[Section], digest: str | None = None) -> ChannelMessage:
    """The sections as a channel message: the email's subject as title, a markdown body (page text
    escaped, so a title cannot make a link or a heading; matches in **bold**)."""
    if not sections:
        raise ValueError("a message needs at least one section")
    subject = subject_for(sections, digest)
    views = [_section_view(section) for section in sections]
    body = _templates().get_template("channel.md").render({"subject": subject, "sections": views, "digest": digest})
    return ChannelMessage(subject, body.strip() + "\n")


def webhook_document(
    sections: Sequence[Section], message: ChannelMessage, message_id: str, digest: str | None
) -> bytes:
    """The JSON a webhook+https:// channel posts: apprise's json:// keys (version, title, message, type)
    so one receiver reads both, plus `id` and the items and updates as objects."""
    items, updates = [], []
    for section in sections:
        for item in section.items:
            items.append(
                {
                    "rule": section.rule,
                    "title": item.title,
                    "url": item.url,
                    "outlet": item.outlet,
                    "published": _iso(item.published),
                    "language": item.language,
                    "paywalled": item.paywalled,
                    "matched_terms": list(item.terms),
                    "outlets": item.outlets,
                    "reported_by": list(item.reported_by),
                }
            )
        for update in section.updates:
            updates.append(
                {
                    "rule": section.rule,
                    "title": update.title,
                    "url": update.url,
                    "outlet": update.outlet,
                    "outlets": update.outlets,
                    "reported_by": list(update.reported_by),
                }
            )
    document = {
        "version": "1.0",
        "id": message_id,
        "title": message.title,
        "message": message.markdown,
        "type": "info",
        "digest": digest,
        "rules": [section.rule for section in sections],
        "items": items,
        "updates": updates,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _iso(value: datetime | str | None) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


# Enough to keep page text from making emphasis, links, images, code, headings or tags; parentheses
# only matter after "]", which is escaped.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def markdown_escaped(text: str) -> str:
    """Text from a page, safe in markdown: every character markdown could read as syntax is escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", str(text)))


def markdown_link_target(url: str) -> str:
    """A safe (http/https) URL as a markdown link target: no space or parenthesis can end it early."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s): a page's `javascript:` or `data:` link is never made clickable."""
    if url and re.match(r"^https?://", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def format_published(value: datetime | str | None) -> str:
    """`3 Feb 2025, 08:15 UTC`, or `3 Feb 2025` for a bare date; the raw value if it does not parse."""
    if value is None or value == "":
        return "date unknown"
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return value
        if len(value.strip()) <= 10:
            return f"{parsed.day} {parsed:%b %Y}"
        value = parsed
    if value.tzinfo is None:
        return f"{value.day} {value:%b %Y, %H:%M}"
    return f"{value.day} {value:%b %Y, %H:%M} {value.tzname() or ''}".rstrip()


@cache
def _templates() -> Environment:
    environment = Environment(
        loader=PackageLoader("crawler.alerts", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), disabled_extensions=("txt", "md"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["utc"] = _utc
    environment.filters["md"] = markdown_escaped
    environment.filters["md_url"] = markdown_link_target
    return environment


def _utc(when: datetime | None, missing: str = "") -> str:
    """`2026-11-25 08:00 UTC`; `missing` for None."""
    return f"{when.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if when else missing
