"""The shared spider: discovers one outlet's article URLs from its feeds, sitemaps and section pages.

It stays dumb: every article page is yielded raw as a `Page`; extraction, dedup, storage and
matching are stages (crawler/stages/). Which links are worth fetching is the frontier's call
(crawler/middlewares/frontier.py). An outlet with special needs subclasses it and overrides
`normalize_article_url`, `accept_article` or `follow_sitemap` (see al_monitor.py).

Failures: every request that ends without a page reaches `on_error`, which records it once with its
kind (crawler/failures.py) on the crawl run and, for an article, in the frontier. A listing the
spider cannot read (not a feed, not a sitemap, not HTML) is recorded by `report_failure` and kept in
`self.failures`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.http import Request, Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from twisted.python.failure import Failure
from w3lib.url import canonicalize_url

from crawler.config import Config, SourceConfig, load_config
from crawler.extensions.crawl_run import record_failure
from crawler.failures import classify
from crawler.items import (
    META_DISCOVERED_VIA,
    META_FRONTIER_URL,
    META_HINTS,
    META_LISTING_READ,
    META_ROLE,
    META_SITEMAP_CHILDREN,
    META_SOURCE,
    ROLE_ARTICLE,
    ROLE_FEED,
    ROLE_SECTION,
    ROLE_SITEMAP,
    Page,
)
from spiders.discovery import DiscoveryError, Link, charset_of, parse_feed, parse_sitemap

META_SITEMAP_DEPTH = "newswatch_sitemap_depth"
LISTING_ROLES = (ROLE_FEED, ROLE_SITEMAP, ROLE_SECTION)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _port(url: str) -> int | None:
    """The port `url` names (None: its scheme's default, or no valid port)."""
    try:
        return urlsplit(url).port
    except ValueError:
        return None


class NewsSourceSpider(scrapy.Spider):
    """Crawls one source of the watch config; `name` is the source's name."""

    handle_httpstatus_list = [304]  # listings fetched conditionally answer 304 when unchanged
    max_sitemap_depth = 3  # an index of indexes of sitemaps, and no deeper

    def __init__(self, source: SourceConfig | None = None, config: Config | str | None = None, **kwargs: Any):
        if isinstance(config, str):  # `scrapy crawl NAME -a config=FILE`
            config = load_config(Path(config))
        if source is None:  # `scrapy crawl NAME`: find this spider's source in the config
            config = config or load_config(None)
            source = config.source(getattr(self, "name", None) or kwargs.get("name", ""))
        super().__init__(**kwargs)
        self.source = source
        self.config = config
        self.allowed_domains = list(source.allowed_domains)
        self.failures: list[tuple[str, str, str]] = []  # (url, kind, reason), read by the crawl runner
        self._pattern = source.article_regex
        self._follow = [re.compile(pattern) for pattern in source.sitemap_follow]
        self._seen_articles: set[str] = set()
        self._seen_sitemaps: set[str] = set(source.sitemaps)
        # The ports the outlet's configured URLs name: besides its scheme's default, the only ones on site.
        configured = (source.homepage, *source.feeds, *source.sitemaps, *source.sections)
        self._ports = {port for url in configured if (port := _port(url)) is not None}

    @classmethod
    def for_source(cls, source: SourceConfig) -> type[NewsSourceSpider]:
        """The class that crawls `source`: its own spider if it has one, else a generated one."""
        from spiders.configured import spider_class

        return spider_class(source)

    # -- hooks an outlet's spider may override -------------------------------------------------

    def normalize_article_url(self, url: str) -> str | None:
        """The URL to fetch for a discovered link, or None to skip it."""
        return urldefrag(url.strip())[0] or None

    def accept_article(self, url: str, hints: Mapping[str, str]) -> bool:
        """Whether a (normalized) link is one of this outlet's articles; `hints` are the listing's."""
        del hints  # used by outlets whose feeds label what is no article
        return self.on_site(url) and (self._pattern is None or bool(self._pattern.search(url)))

    def on_site(self, url: str) -> bool:
        """Whether `url` is on the outlet: its host is one of the allowed domains (or under one), and
        its port is its scheme's default or one the source's configured URLs name. Another port of
        the outlet's host is another server (an admin console, an internal service): not on site."""
        # Scrapy's url_is_from_any_domain compares host:port, so an outlet on a port never matched.
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not any(host == domain or host.endswith("." + domain) for domain in self.allowed_domains):
            return False
        try:
            port = parts.port
        except ValueError:  # not a port number
            return False
        return port is None or port == _DEFAULT_PORTS.get(parts.scheme) or port in self._ports

    def allows_redirect(self, url: str) -> bool:
        """Whether a redirect hop of this spider's requests may go to `url` (checked before it is
        fetched, by crawler/middlewares/offsite_redirect.py; listings carry dont_filter, which turns Scrapy's
        offsite check off). Refused hops are recorded as `refused:offsite_redirect`."""
        return self.on_site(url)

    def follow_sitemap(self, url: str) -> bool:
        """Whether to follow a sitemap listed in a sitemap index."""
        return not self._follow or any(pattern.search(url) for pattern in self._follow)

    # -- requests ------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for request in self.listing_requests():
            yield request

    def listing_requests(self) -> Iterator[Request]:
        """One request per feed, sitemap and section page of the source."""
        for role, urls in ((ROLE_FEED, self.source.feeds), (ROLE_SITEMAP, self.source.sitemaps)):
            for url in urls:
                yield self.listing_request(url, role)
        for url in self.source.sections:
            yield self.listing_request(url, ROLE_SECTION)

    def listing_request(self, url: str, role: str, sitemap_depth: int = 0) -> Request:
        callbacks = {ROLE_FEED: self.parse_feed, ROLE_SITEMAP: self.parse_sitemap, ROLE_SECTION: self.parse_section}
        meta = {META_SOURCE: self.source.name, META_ROLE: role}
        if sitemap_depth:
            meta[META_SITEMAP_DEPTH] = sitemap_depth
        # dont_filter: listings are fetched on every run, even with a dupefilter that persists
        return Request(url, callback=callbacks[role], errback=self.on_error, meta=meta, dont_filter=True)

    def article_requests(self, links: Iterable[Link], via: str, require_pattern: bool = False) -> Iterator[Request]:
        """Requests for the links that are new articles of this outlet, each once per run."""
        for link in links:
            url = self.article_url(link, require_pattern)
            if url is None:
                self._count("newswatch/discovery/rejected")
                continue
            request = self._article_request(url, via, link.hints)
            if request is not None:
                self._count("newswatch/discovery/articles")
                yield request

    def article_url(self, link: Link, require_pattern: bool = False) -> str | None:
        """The URL to request for a listed link if it is one of this outlet's articles, else None (a
        section page's links are articles only by the source's article_pattern: `require_pattern`)."""
        url = self.normalize_article_url(link.url)
        if url is None or not self.accept_article(url, link.hints) or (require_pattern and self._pattern is None):
            return None
        return url

    def resume_request(self, url: str, via: str | None, hints: Mapping[str, str]) -> Request | None:
        """A request for an article the frontier holds unsettled from an earlier crawl (None if this
        crawl already requested it)."""
        return self._article_request(url, via, hints)

    def _article_request(self, url: str, via: str | None, hints: Mapping[str, str]) -> Request | None:
        key = canonicalize_url(url)
        if key in self._seen_articles:
            return None
        self._seen_articles.add(key)
        meta = {
            META_SOURCE: self.source.name,
            META_ROLE: ROLE_ARTICLE,
            META_DISCOVERED_VIA: via,
            META_HINTS: dict(hints),
            META_FRONTIER_URL: url,
        }
        return Request(url, callback=self.parse_article, errback=self.on_error, meta=meta)

    # -- callbacks -----------------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if self._not_modified(response):
            return
        try:
            links = parse_feed(response.body, response.url, self._content_type(response))
        except DiscoveryError as exc:
            self.report_failure(response.url, "not_feed", str(exc))
            return
        response.meta[META_LISTING_READ] = True
        yield from self.article_requests(links, response.url)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if self._not_modified(response):
            # An unchanged index: its children may have changed all the same. Each asks for itself.
            depth = response.meta.get(META_SITEMAP_DEPTH, 0) + 1
            for url in response.meta.get(META_SITEMAP_CHILDREN) or ():
                if depth <= self.max_sitemap_depth and url not in self._seen_sitemaps and self.follow_sitemap(url):
                    self._seen_sitemaps.add(url)
                    yield self.listing_request(url, ROLE_SITEMAP, depth)
            return
        max_size = self.crawler.settings.getint("DOWNLOAD_MAXSIZE") if hasattr(self, "crawler") else 0
        try:
            listing = parse_sitemap(response.body, response.url, max_size=max_size)
        except DiscoveryError as exc:
            self.report_failure(response.url, "not_sitemap", str(exc))
            return
        response.meta[META_LISTING_READ] = True
        if not listing.is_index:
            yield from self.article_requests(listing.links, response.url)
        # An index's sitemaps, or the sitemaps a urlset lists among its pages: followed as sitemaps.
        children = listing.links if listing.is_index else listing.sitemaps
        if not children:
            return
        depth = response.meta.get(META_SITEMAP_DEPTH, 0) + 1
        if depth > self.max_sitemap_depth:
            self.report_failure(
                response.url, "sitemap_depth", f"sitemap index nested deeper than {self.max_sitemap_depth}"
            )
            return
        for link in children:
            if not listing.is_index and not self.on_site(link.url):
                continue
            if link.url not in self._seen_sitemaps and self.follow_sitemap(link.url):
                self._seen_sitemaps.add(link.url)
                yield self.listing_request(link.url, ROLE_SITEMAP, depth)

    def parse_section(self, response: Response) -> Iterator[Request]:
        if self._not_modified(response):
            return
        if not isinstance(response, TextResponse):
            content_type = self._content_type(response) or "no Content-Type"
            self.report_failure(response.url, "not_html", f"not an HTML page ({content_type})")
            return
        links = [Link(link.url) for link in LinkExtractor().extract_links(response)]
        response.meta[META_LISTING_READ] = True
        yield from self.article_requests(links, response.url, require_pattern=True)

    def parse_article(self, response: Response) -> Iterator[Page]:
        if response.status == 304:
            return
        yield Page(
            url=response.url,
            source=self.source.name,
            body=response.body,
            status=response.status,
            fetched_at=datetime.now(UTC),
            encoding=charset_of(self._content_type(response)),
            requested_url=response.meta.get(META_FRONTIER_URL),
            discovered_via=response.meta.get(META_DISCOVERED_VIA),
            hints=dict(response.meta.get(META_HINTS) or {}),
        )

    def on_error(self, failure: Failure) -> None:
        """Errback of every request: records the failure once, with its kind, and logs it in one line."""
        request = failure.request  # type: ignore[attr-defined]
        kind, reason = classify(failure)
        role = request.meta.get(META_ROLE, ROLE_ARTICLE)
        crawler = getattr(self, "crawler", None)
        if crawler is not None:
            record_failure(crawler, request.url, kind, reason, request=request)
        if role not in LISTING_ROLES:
            self.logger.info("article failed: %s: %s: %s", request.url, kind, reason)
            return
        self.logger.warning("%s failed: %s: %s", role, request.url, reason)
        self._count("newswatch/discovery/errors")

    # -- failures and stats --------------------------------------------------------------------

    def report_failure(self, url: str, kind: str, reason: str) -> None:
        """Record that the listing at `url` could not be read, and why, in one log line.

        `kind` names the failure (`not_feed`, `not_sitemap`, `not_html`, `sitemap_depth`).
        """
        self.failures.append((url, kind, reason))
        self.logger.warning("%s: %s: %s", kind, url, reason)
        self._count("newswatch/discovery/errors")
        crawler = getattr(self, "crawler", None)
        if crawler is not None:
            record_failure(crawler, url, kind, reason)

    def _not_modified(self, response: Response) -> bool:
        if response.status != 304:
            return False
        self.logger.debug("not modified: %s", response.url)
        self._count("newswatch/discovery/not_modified")
        return True

    def _count(self, key: str) -> None:
        crawler = getattr(self, "crawler", None)
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(key)

    @staticmethod
    def _content_type(response: Response) -> str | None:
        value = response.headers.get(b"Content-Type")
        return value.decode("latin-1") if value else None
