"""Alert emails: multipart/alternative (plain text + HTML) from the jinja2 templates in templates/.

Everything taken from a page (titles, outlets, snippets, links) reaches the HTML through jinja2's
autoescaping; links are kept only when they are http(s). Matched terms are highlighted with <mark>
in the HTML and «guillemets» in the text.

    message = render_email(
        [Section("iran-drones", items=[EmailItem(title, url, outlet, published, text, spans)])],
        recipient="analyst@example.org", sender="newswatch@example.org",
        message_id="<newswatch.1.ab12@example.org>", date=now, domain="example.org",
    )
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
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


@dataclass(frozen=True, slots=True)
class EmailUpdate:
    """A story already sent that more outlets carry now: "now reported by N outlets"."""

    title: str | None
    url: str
    outlet: str
    outlets: int


@dataclass(frozen=True, slots=True)
class Section:
    rule: str
    items: Sequence[EmailItem]
    updates: Sequence[EmailUpdate] = ()
    query: str | None = None


@dataclass(frozen=True, slots=True)
class _ItemView:
    title: Highlighted
    url: str | None
    link_text: str
    outlet: str
    published: str
    snippet: Highlighted
    outlets: int


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
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    rules = [section.rule for section in sections]
    list_name = rules[0] if len(rules) == 1 else f"{digest or 'alert'}-digest"
    message["List-Id"] = f"newswatch {list_name} <{list_name}.newswatch.{domain}>"
    message["X-Newswatch-Rule"] = ", ".join(rules)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    message.set_content(_templates().get_template("email.txt").render(context))
    message.add_alternative(_templates().get_template("email.html").render(context), subtype="html")
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
            )
        )
    return view


def _safe_update(update: EmailUpdate) -> EmailUpdate:
    return EmailUpdate(update.title or "(untitled)", safe_url(update.url) or "", update.outlet, update.outlets)


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
        autoescape=select_autoescape(enabled_extensions=("html",), disabled_extensions=("txt",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment
