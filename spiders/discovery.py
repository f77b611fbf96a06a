"""Reading listings: feeds (RSS 2.0, Atom, RDF) and sitemaps (urlset, index, Google News).

Pure functions on response bytes; the spider turns what they find into requests. Each finding is
a `Link`: the URL and the hints the listing gave about it (`title`, `published`, `modified`,
`author`, `keywords`, `summary`, `language`), all strings, dates as ISO 8601.
"""

from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from w3lib.html import remove_tags, replace_entities

SUMMARY_CHARS = 1000


class DiscoveryError(ValueError):
    """A listing that cannot be read; the message says why, in a few words."""


@dataclass(slots=True)
class Link:
    url: str
    hints: dict[str, str] = field(default_factory=dict)


def charset_of(content_type: str | bytes | None) -> str | None:
    """The charset declared in a Content-Type header, lower-cased, or None."""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return match[1].lower() if match else None


def iso_date(value: str | None) -> str | None:
    """A W3C/ISO date as ISO 8601: in UTC when it has a time zone, else as given; None if unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        if len(value) == 10:  # a date alone stays a date
            return date.fromisoformat(value).isoformat()
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.isoformat()
    return parsed.astimezone(UTC).isoformat()


def _struct_to_iso(value: Any) -> str | None:
    # feedparser gives struct_time already converted to UTC
    return datetime.fromtimestamp(calendar.timegm(value), UTC).isoformat() if value else None


def _text(html: str | None) -> str:
    return " ".join(replace_entities(remove_tags(html or "")).split())


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> list[Link]:
    """The entries of an RSS/Atom/RDF feed, links made absolute; DiscoveryError if it is no feed."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # A stream, never bytes or str: feedparser would treat a short body as a file name or URL.
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    if not parsed.get("version"):
        start = " ".join(body[:60].decode("utf-8", "replace").split())[:40]
        raise DiscoveryError(f"not an RSS/Atom/RDF feed (starts {start!r})" if start else "empty feed body")
    links = []
    for entry in parsed.entries:
        link = entry.get("link") or next((e.get("href") for e in entry.get("links", []) if e.get("href")), None)
        if not link:
            continue
        # dict.get: FeedParserDict maps a missing `updated` to `published`, with a warning
        updated = _struct_to_iso(dict.get(entry, "updated_parsed")) or dict.get(entry, "updated", "")
        hints = {
            "title": _text(entry.get("title")),
            # RSS 1.0's dc:date and an Atom entry without <published> give only the updated date
            "published": _struct_to_iso(entry.get("published_parsed")) or entry.get("published", "") or updated,
            "modified": updated,
            "author": _text(entry.get("author")),
            "keywords": ", ".join(t["term"] for t in entry.get("tags", []) if t.get("term")),
            "summary": _text(entry.get("summary"))[:SUMMARY_CHARS],
        }
        if hints["modified"] == hints["published"]:
            hints["modified"] = ""
        links.append(Link(urljoin(url, link.strip()), {k: v for k, v in hints.items() if v}))
    return links


class _NewsSitemap(Sitemap):
    """Scrapy's Sitemap, keeping the Google News `<news:news>` fields it flattens away."""

    __slots__ = ()

    def _process_sitemap_element(self, elem: lxml.etree._Element) -> dict[str, Any] | None:
        news = {}
        for child in elem.iter("{*}publication_date", "{*}title", "{*}keywords", "{*}language"):
            name = self._get_tag_name(child)
            if "sitemap-news" in child.tag and child.text:  # not <image:title> and the like
                news[f"news_{name}"] = child.text.strip()
        found = super()._process_sitemap_element(elem)
        if found is not None:
            found.update(news)
        return found


@dataclass(slots=True)
class SitemapListing:
    is_index: bool
    links: list[Link]


def parse_sitemap(body: bytes, url: str, max_size: int = 0) -> SitemapListing:
    """A sitemap's article links, or an index's sitemap links; DiscoveryError if it is neither."""
    if body[:2] == b"\x1f\x8b":  # a .xml.gz served without Content-Encoding
        try:
            body = gunzip(body, max_size=max_size)
        except Exception as exc:  # gzip raises several unrelated types
            raise DiscoveryError(f"broken gzip: {exc}") from exc
    try:
        sitemap = _NewsSitemap(body)
        kind = sitemap.type
        entries = list(sitemap)
    except (lxml.etree.LxmlError, StopIteration) as exc:
        raise DiscoveryError(f"not XML ({exc or 'empty'})") from exc
    if kind not in ("urlset", "sitemapindex"):
        raise DiscoveryError(f"not a sitemap: root element <{kind}>")
    links = []
    for entry in entries:
        hints = {
            "title": entry.get("news_title", ""),
            "published": iso_date(entry.get("news_publication_date")) or entry.get("news_publication_date", ""),
            "modified": iso_date(entry.get("lastmod")) or "",
            "keywords": entry.get("news_keywords", ""),
            "language": entry.get("news_language", ""),
        }
        links.append(Link(urljoin(url, entry["loc"]), {k: v for k, v in hints.items() if v}))
    return SitemapListing(is_index=kind == "sitemapindex", links=links)
