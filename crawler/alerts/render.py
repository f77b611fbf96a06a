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
from typing import Any, Protocol, runtime_checkable

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

SNIPPET_WIDTH = 280  # characters of text around the first match
_SPACE = re.compile(r"\s+")


@runtime_checkable
class SpanLike(Protocol):
    """A match position, as crawler.alerts.matcher gives it: [start, end) in the title or the text."""

    field: str
    start: int
    end: int


Span = SpanLike | Sequence[Any]  # or a tuple (field, start, end[, matched text])


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
class Piece:
    text: str
    marked: bool = False


@dataclass(frozen=True, slots=True)
class Highlighted:
    pieces: tuple[Piece, ...]
    cut_before: bool = False
    cut_after: bool = False

    @property
    def plain(self) -> str:
        return "".join(piece.text for piece in self.pieces)

    @property
    def marked_text(self) -> str:
        """For the plain-text part: «marked» terms, … where the text was cut."""
        body = "".join(f"«{piece.text}»" if piece.marked else piece.text for piece in self.pieces)
        return f"{'…' if self.cut_before else ''}{body}{'…' if self.cut_after else ''}"


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


# --- highlighting ------------------------------------------------------------------------------


def term_pattern(term: str) -> re.Pattern[str] | None:
    """A query term as a regex over text: case-insensitive; hyphens and spaces between its parts
    optional (`su-35` finds "Su-35", "SU 35", "Su35"); a trailing * for any word ending."""
    tokens = re.findall(r"\w+\*?", term)
    if not tokens:
        return None
    parts = [re.escape(token.rstrip("*")) + (r"\w*" if token.endswith("*") else "") for token in tokens]
    return re.compile(r"(?<!\w)" + r"[\s\-\u2010-\u2015]{0,3}".join(parts) + r"(?!\w)", re.IGNORECASE)


def locate(value: str, field_name: str, spans: Sequence[Span], terms: Sequence[str]) -> list[tuple[int, int]]:
    """[start, end) ranges in `value` to highlight: the spans of this field that still fit the value
    (a span kept with its matched text is found again if the text moved), else the terms found."""
    found: list[tuple[int, int]] = []
    for span in spans:
        name, start, end, expected = _span_parts(span)
        if name != field_name:
            continue
        if expected is None or value[start:end] == expected:
            if 0 <= start < end <= len(value):
                found.append((start, end))
            continue
        moved = value.lower().find(expected.lower())
        if moved >= 0:
            found.append((moved, moved + len(expected)))
    if not found:
        for term in terms:
            pattern = term_pattern(term)
            if pattern is not None:
                found.extend(match.span() for match in pattern.finditer(value))
    return _merge(found)


def highlight(value: str, ranges: Sequence[tuple[int, int]]) -> Highlighted:
    """The whole value, with the ranges marked."""
    return Highlighted(tuple(_pieces(value, 0, len(value), ranges)))


def snippet(text: str, ranges: Sequence[tuple[int, int]], width: int = SNIPPET_WIDTH) -> Highlighted:
    """About `width` characters of `text` around its first range (its beginning if none), cut at
    word boundaries, with the ranges inside marked and whitespace collapsed."""
    if len(text) <= width:
        start, end = 0, len(text)
    else:
        first = ranges[0][0] if ranges else 0
        start = max(0, first - width // 3)
        end = min(len(text), start + width)
        start = max(0, min(start, end - width))
        if start > 0:
            space = text.find(" ", start, ranges[0][0] if ranges else start + 40)
            start = space + 1 if space >= 0 else start
        if end < len(text):
            space = text.rfind(" ", max(start, end - 40), end)
            end = space if space > start else end
    pieces = _pieces(text, start, end, ranges)
    pieces = [Piece(_SPACE.sub(" ", piece.text), piece.marked) for piece in pieces]
    if pieces:
        pieces[0] = Piece(pieces[0].text.lstrip(), pieces[0].marked)
        pieces[-1] = Piece(pieces[-1].text.rstrip(), pieces[-1].marked)
    return Highlighted(tuple(piece for piece in pieces if piece.text), start > 0, end < len(text))


def _pieces(text: str, start: int, end: int, ranges: Sequence[tuple[int, int]]) -> list[Piece]:
    pieces: list[Piece] = []
    at = start
    for low, high in ranges:
        low, high = max(low, start), min(high, end)
        if low >= high or low < at:
            continue
        if low > at:
            pieces.append(Piece(text[at:low]))
        pieces.append(Piece(text[low:high], True))
        at = high
    if at < end:
        pieces.append(Piece(text[at:end]))
    return pieces


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _span_parts(span: Span) -> tuple[str, int, int, str | None]:
    if isinstance(span, SpanLike):
        return span.field, int(span.start), int(span.end), getattr(span, "text", None)
    parts = list(span)
    return str(parts[0]), int(parts[1]), int(parts[2]), (str(parts[3]) if len(parts) > 3 else None)


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
                title=highlight(title, title_ranges),
                url=safe_url(item.url),
                link_text=item.url,
                outlet=item.outlet,
                published=format_published(item.published),
                snippet=snippet(item.text, text_ranges),
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
