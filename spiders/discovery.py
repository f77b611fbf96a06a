"""Reading listings: feeds (RSS 2.0, Atom, RDF, JSON Feed 1 and 1.1) and sitemaps (urlset, index,
Google News, hreflang alternates).

Pure functions on response bytes; the spider turns what they find into requests. Each finding is
a `Link`: the URL and the hints the listing gave about it (`title`, `published`, `modified`,
`author`, `keywords`, `summary`, `language`), all strings, dates as ISO 8601.
"""

from __future__ import annotations

import calendar
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

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


JSON_FEED_TYPES = ("application/feed+json", "application/json")


def is_json_feed(body: bytes, content_type: str | None = None) -> bool:
    """Whether a feed is a JSON Feed (by its declared type or its body), not feedparser's business."""
    declared = (content_type or "").split(";")[0].strip().lower()
    return declared in JSON_FEED_TYPES or body.lstrip()[:1] == b"{"


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> list[Link]:
    """The entries of an RSS/Atom/RDF feed or a JSON Feed, links made absolute; DiscoveryError if it
    is no feed."""
    return read_feed(body, url, content_type)[1]


def read_feed(body: bytes, url: str, content_type: str | None = None) -> tuple[str, list[Link]]:
    """(the feed's format: `RSS`, `Atom`, `RDF` or `JSON Feed`, its entries); DiscoveryError if it is no feed."""
    if is_json_feed(body, content_type):
        return "JSON Feed", parse_json_feed(body, url)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # A stream, never bytes or str: feedparser would treat a short body as a file name or URL.
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    version = parsed.get("version") or ""
    if not version:
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
        links.append(Link(urljoin(url, link.strip()), _kept(hints)))
    kind = "Atom" if version.startswith("atom") else "RDF" if version in ("rss090", "rss10") else "RSS"
    return kind, links


def _kept(hints: dict[str, str]) -> dict[str, str]:
    if hints.get("modified") == hints.get("published"):
        hints["modified"] = ""
    return {key: value for key, value in hints.items() if value}


def _strings(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_json_feed(body: bytes, url: str) -> list[Link]:
    """The items of a JSON Feed (jsonfeed.org, version 1 or 1.1): each item's `url` (else its
    `external_url`, else an `id` that is a URL), with its title, dates, authors, tags, summary and
    language as hints; DiscoveryError if it is no JSON Feed."""
    try:
        feed = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DiscoveryError(f"not JSON ({exc})") from None
    if not isinstance(feed, dict) or not isinstance(feed.get("items"), list):
        raise DiscoveryError("not a JSON Feed (no 'items' list)")
    version = _strings(feed.get("version")).rstrip("/")
    if not version.startswith("https://jsonfeed.org/version/"):
        raise DiscoveryError(f"not a JSON Feed (version {feed.get('version')!r})")
    feed_language = _strings(feed.get("language"))
    links = []
    for item in feed["items"]:
        if not isinstance(item, dict):
            continue
        link = _strings(item.get("url")) or _strings(item.get("external_url"))
        if not link and _strings(item.get("id")).startswith(("http://", "https://")):
            link = _strings(item.get("id"))
        if not link:
            continue
        authors = item.get("authors") if isinstance(item.get("authors"), list) else [item.get("author")]  # 1.1 / 1
        names = [_strings(author.get("name")) for author in authors if isinstance(author, dict)]
        tags = item.get("tags") if isinstance(item.get("tags"), list) else []
        summary = (
            _strings(item.get("summary"))
            or _text(_strings(item.get("content_html")))
            or _strings(item.get("content_text"))
        )
        hints = {
            "title": _text(_strings(item.get("title"))),
            # like an Atom entry without <published>: an item with only a modified date was published then
            "published": iso_date(_strings(item.get("date_published")))
            or iso_date(_strings(item.get("date_modified")))
            or "",
            "modified": iso_date(_strings(item.get("date_modified"))) or "",
            "author": ", ".join(name for name in names if name),
            "keywords": ", ".join(tag.strip() for tag in tags if isinstance(tag, str) and tag.strip()),
            "summary": " ".join(summary.split())[:SUMMARY_CHARS],
            "language": _strings(item.get("language")) or feed_language,
        }
        links.append(Link(urljoin(url, link), _kept(hints)))
    return links


class _NewsSitemap(Sitemap):
    """Scrapy's Sitemap, keeping the Google News `<news:news>` fields it flattens away, the hreflang
    of each `<xhtml:link rel="alternate">` (Scrapy keeps only the href) and which element an entry
    was (`<url>` or `<sitemap>`)."""

    __slots__ = ()

    def _process_sitemap_element(self, elem: lxml.etree._Element) -> dict[str, Any] | None:
        news = {}
        for child in elem.iter("{*}publication_date", "{*}title", "{*}keywords", "{*}language"):
            name = self._get_tag_name(child)
            if "sitemap-news" in child.tag and child.text:  # not <image:title> and the like
                news[f"news_{name}"] = child.text.strip()
        alternates = [
            (link.get("href", "").strip(), (link.get("hreflang") or "").strip())
            for link in elem.iter("{*}link")
            if link.get("href") and (link.get("rel") or "alternate") == "alternate"
        ]
        element = self._get_tag_name(elem)
        found = super()._process_sitemap_element(elem)
        if found is not None:
            found.update(news)
            found["element"] = element
            found["alternates"] = alternates
        return found


# A <url> of a urlset whose location is itself a sitemap (some CMSs list their monthly sitemaps so).
_SITEMAP_LOCATION = re.compile(r"sitemap[^/]*\.xml(\.gz)?$|/sitemap[^/]*/?$", re.IGNORECASE)


@dataclass(slots=True)
class SitemapListing:
    is_index: bool
    links: list[Link]  # an index's sitemaps, or a urlset's articles (hreflang alternates included)
    sitemaps: list[Link] = field(default_factory=list)  # sitemaps listed inside a urlset: to follow as sitemaps
    news: bool = False  # a Google News sitemap

    @property
    def kind(self) -> str:
        """`sitemap index`, `news sitemap` or `sitemap`, as `sources check` and `sources add` show it."""
        return "sitemap index" if self.is_index else "news sitemap" if self.news else "sitemap"


def language_of(hreflang: str) -> str:
    """`ru-RU` -> `ru`; `x-default` (no language) -> ''."""
    code = hreflang.split("-")[0].split("_")[0].lower()
    return "" if code == "x" else code


def parse_sitemap(body: bytes, url: str, max_size: int = 0) -> SitemapListing:
    """A sitemap's article links (with each `xhtml:link` hreflang alternate as an article of its
    language) and the sitemaps it lists, or an index's sitemap links; DiscoveryError if it is neither."""
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
    is_index = kind == "sitemapindex"
    listing = SitemapListing(is_index=is_index, links=[])
    seen: set[str] = set()
    for entry in entries:
        hints = {
            "title": entry.get("news_title", ""),
            "published": iso_date(entry.get("news_publication_date")) or entry.get("news_publication_date", ""),
            "modified": iso_date(entry.get("lastmod")) or "",
            "keywords": entry.get("news_keywords", ""),
            "language": entry.get("news_language", ""),
        }
        listing.news = listing.news or any(key.startswith("news_") for key in entry)
        loc = urljoin(url, entry["loc"])
        hints = {k: v for k, v in hints.items() if v}
        if not is_index and (entry.get("element") == "sitemap" or _SITEMAP_LOCATION.search(urlsplit(loc).path)):
            listing.sitemaps.append(Link(loc, {k: v for k, v in hints.items() if k == "modified"}))
            continue
        if loc in seen:
            continue
        seen.add(loc)
        listing.links.append(Link(loc, hints))
        if is_index:
            continue
        for href, hreflang in entry.get("alternates", ()):
            alternate = urljoin(url, href)
            if alternate in seen:
                continue
            seen.add(alternate)
            extra = {"language": language_of(hreflang)} if language_of(hreflang) else {}
            listing.links.append(Link(alternate, {k: v for k, v in hints.items() if k == "modified"} | extra))
    return listing
