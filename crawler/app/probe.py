"""`newswatch sources check`: one polite live probe of every configured listing.

checks = check_sources(config)                 # every enabled source's feeds, sitemaps, sections
checks = check_sources(config, ["isw"])       # one source (enabled or not)

Each listing is fetched once, as a crawl would fetch it: robots.txt obeyed (fetched once per host),
the config's User-Agent, timeout and listing size limit, `download_delay` between two requests to
one host, and connections only to public addresses unless `[crawl] allow_private_networks` (or the
source's `allowed_networks`) says otherwise (crawler/netguard.py, through crawler.fetch). What it
found is read with the crawl's own parsers (spiders/discovery.py) and the source's spider decides
which items are articles (`article_pattern` and the outlet's own rules), so a listing that passes
here yields articles in a crawl.

`PoliteFetcher` is that fetch, shared with `sources add` (crawler/app/discover.py).
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urldefrag, urlsplit

from scrapy.robotstxt import ProtegoRobotParser

from crawler.config import Config, SourceConfig
from crawler.fetch import FetchError, guarded_opener
from crawler.frontier import listed_moment
from crawler.netguard import Policy, parse_networks
from spiders.discovery import DiscoveryError, Link, parse_sitemap, read_feed

ROBOTS_HINT = "see [crawl] allow_private_networks"
EXAMPLES = 3  # item URLs the pattern refuses, shown per listing

# Verdicts: only OK passes.
OK = "ok"
DEAD = "dead"  # an HTTP error, a network error, a timeout, a redirect loop
BLOCKED = "blocked"  # robots.txt disallows it for our User-Agent
REFUSED = "refused"  # a non-public address (SSRF guard) or a redirect off the outlet
UNREADABLE = "unreadable"  # not what it is configured as (a feed that is an HTML page...)
EMPTY = "empty"  # read, but lists nothing
NO_MATCH = "no match"  # lists items, none of which the source takes as an article


class ProbeError(Exception):
    """A listing that could not be fetched: `verdict` (DEAD, BLOCKED, REFUSED) and a one-line message."""

    def __init__(self, verdict: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.verdict = verdict
        self.status = status


@dataclass(slots=True)
class Fetched:
    url: str  # the final URL
    status: int
    body: bytes
    content_type: str | None
    redirects: list[tuple[int, str]]  # (status, target) of each hop


class _RecordingRedirects(urllib.request.HTTPRedirectHandler):
    """urllib's redirect handling, noting each hop (and refusing one off the outlet)."""

    def __init__(self, limit: int, allowed: Callable[[str], bool] | None) -> None:
        self.max_redirections = limit
        self.hops: list[tuple[int, str]] = []
        self.allowed = allowed

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        self.hops.append((code, newurl))
        if self.allowed is not None and not self.allowed(newurl):
            raise ProbeError(REFUSED, f"redirected off the outlet to {newurl} (HTTP {code}); the crawl refuses it")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class PoliteFetcher:
    """One GET per call, as a crawl would: robots.txt first (once per host), our User-Agent, a
    delay between two requests to one host, the SSRF guard, a size limit. Errors are ProbeErrors."""

    def __init__(
        self,
        user_agent: str,
        *,
        timeout: float = 30.0,
        delay: float = 1.0,
        max_bytes: int = 8 * 1024 * 1024,
        max_redirects: int = 10,
        allow_private: bool = False,
        policies: Sequence[Policy] = (),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.delay = delay
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.allow_private = allow_private
        self.policies = tuple(policies)
        self.sleep = sleep
        self._robots: dict[str, ProtegoRobotParser | None] = {}
        self._robots_text: dict[str, str | None] = {}
        self._last: dict[str, float] = {}
        self.requests = 0  # how many requests were sent, robots.txt included

    @classmethod
    def for_config(cls, config: Config, source: SourceConfig | None = None, **overrides: Any) -> PoliteFetcher:
        crawl = config.crawl
        policies = ()
        if source is not None and source.allowed_networks:
            policies = (Policy(domains=source.allowed_domains, networks=parse_networks(source.allowed_networks)),)
        options: dict[str, Any] = {
            "timeout": crawl.timeout,
            "delay": crawl.download_delay,
            "max_bytes": crawl.max_listing_bytes,
            "max_redirects": crawl.max_redirects,
            "allow_private": crawl.allow_private_networks,
            "policies": policies,
        }
        return cls(crawl.user_agent, **{**options, **overrides})

    def allowed_by_robots(self, url: str) -> bool:
        origin = self._origin(url)
        if origin not in self._robots:
            text = self._robots_text[origin] = self._read_robots(f"{origin}/robots.txt")
            # Scrapy's own robots.txt parser (ROBOTSTXT_PARSER's default): the crawl's reading of it
            self._robots[origin] = ProtegoRobotParser(text.encode("utf-8"), None) if text is not None else None
        robots = self._robots[origin]
        return robots is None or robots.allowed(url, self.user_agent)

    def robots_text(self, url: str) -> str | None:
        """The robots.txt of `url`'s host as read (None: there is none, or it could not be had)."""
        self.allowed_by_robots(url)
        return self._robots_text.get(self._origin(url))

    @staticmethod
    def _origin(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    def _read_robots(self, url: str) -> str | None:
        # As Scrapy's RobotsTxtMiddleware: no robots.txt, or one that cannot be had, allows everything.
        try:
            fetched = self._get(url, None)
        except ProbeError as error:
            if error.verdict == REFUSED:
                raise
            return None
        return fetched.body.decode("utf-8", "replace")

    def fetch(self, url: str, on_site: Callable[[str], bool] | None = None) -> Fetched:
        """The listing at `url`, after robots.txt allowed it; redirects off `on_site` are refused."""
        if not self.allowed_by_robots(url):
            raise ProbeError(BLOCKED, "robots.txt disallows it for our User-Agent")
        return self._get(url, on_site)

    def _get(self, url: str, on_site: Callable[[str], bool] | None) -> Fetched:
        host = urlsplit(url).netloc
        wait = self._last.get(host, float("-inf")) + self.delay - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        redirects = _RecordingRedirects(self.max_redirects, on_site)
        opener = guarded_opener(self.allow_private, redirects, policies=self.policies, hint=ROBOTS_HINT)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent, "Accept": "*/*"})
        self.requests += 1
        try:
            with opener.open(request, timeout=self.timeout) as response:
                body = response.read(self.max_bytes + 1)
                if len(body) > self.max_bytes:
                    limit = f"{self.max_bytes} bytes, [crawl] max_listing_bytes"
                    raise ProbeError(DEAD, f"over the listing size limit ({limit})")
                return Fetched(
                    response.geturl(), response.status, body, response.headers.get("Content-Type"), redirects.hops
                )
        except urllib.error.HTTPError as error:
            if 300 <= error.code < 400:
                targets = [target for _, target in redirects.hops]
                what = "redirect loop" if len(set(targets)) < len(targets) or url in targets else "too many redirects"
                last = targets[-1] if targets else url
                raise ProbeError(DEAD, f"{what} after {len(targets)} hops (last {last})", error.code) from None
            raise ProbeError(DEAD, f"HTTP {error.code} {error.reason}", error.code) from None
        except urllib.error.URLError as error:
            # urllib wraps only OSErrors so: the guard's FetchError and a refused redirect's ProbeError
            # come through as themselves, below.
            reason = error.reason
            if isinstance(reason, TimeoutError):
                raise ProbeError(DEAD, f"timed out after {self.timeout:g} s") from None
            if isinstance(reason, socket.gaierror):
                raise ProbeError(DEAD, f"DNS lookup failed: {reason.strerror or reason}") from None
            raise ProbeError(DEAD, f"cannot connect: {reason}") from None
        except ProbeError:
            raise
        except FetchError as error:
            raise ProbeError(REFUSED, str(error)) from None
        except TimeoutError:
            raise ProbeError(DEAD, f"timed out after {self.timeout:g} s") from None
        except OSError as error:
            raise ProbeError(DEAD, f"cannot fetch: {error}") from None
        finally:
            self._last[host] = time.monotonic()


@dataclass(slots=True)
class ListingCheck:
    """What one listing gave, and the verdict."""

    source: str
    role: str  # feed, sitemap, section
    url: str
    verdict: str = OK
    reason: str = ""  # why it is not ok, in one line
    status: int | None = None
    final_url: str | None = None
    redirects: list[dict[str, Any]] = field(default_factory=list)
    kind: str | None = None  # RSS, Atom, RDF, JSON Feed, sitemap, news sitemap, sitemap index, HTML section
    items: int = 0  # entries, or an index's sitemaps
    sitemaps: int = 0  # sitemaps listed (an index's, or inside a urlset); of an index, the newest is probed
    newest: str | None = None  # the newest date any item gives
    matching: int = 0  # items the source takes as articles
    not_matching: list[str] = field(default_factory=list)  # examples of the others
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.verdict == OK

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def listings(source: SourceConfig) -> list[tuple[str, str]]:
    """(role, url) of every listing of `source`, in the order a crawl requests them."""
    return [
        *(("feed", url) for url in source.feeds),
        *(("sitemap", url) for url in source.sitemaps),
        *(("section", url) for url in source.sections),
    ]


def check_sources(
    config: Config,
    names: Iterable[str] | None = None,
    *,
    fetcher: Callable[[SourceConfig], PoliteFetcher] | None = None,
) -> list[ListingCheck]:
    """Probe the listings of the named sources (default: every enabled one); KeyError for a name
    the config does not have."""
    chosen = [config.source(name) for name in names] if names else list(config.enabled_sources)
    checks = []
    fetchers: dict[tuple[str, ...], PoliteFetcher] = {}  # one per network policy: robots.txt read once per host
    for source in chosen:
        key = (*source.allowed_domains, *source.allowed_networks) if source.allowed_networks else ()
        if key not in fetchers:
            fetchers[key] = fetcher(source) if fetcher else PoliteFetcher.for_config(config, source)
        spider = _spider(source)
        for role, url in listings(source):
            checks.append(check_listing(fetchers[key], source, spider, role, url))
    return checks


def _spider(source: SourceConfig) -> Any:
    """The source's spider, to ask which links are its articles (no crawler attached: nothing is crawled)."""
    from spiders.base import NewsSourceSpider
    from spiders.configured import configured_class

    try:
        cls = NewsSourceSpider.for_source(source)
    except (ImportError, AttributeError, LookupError):
        cls = configured_class(source.name)
    return cls(source=source)


def check_listing(fetcher: PoliteFetcher, source: SourceConfig, spider: Any, role: str, url: str) -> ListingCheck:
    check = ListingCheck(source.name, role, url)
    try:
        fetched = fetcher.fetch(url, spider.allows_redirect)
    except ProbeError as error:
        check.verdict, check.reason, check.status = error.verdict, str(error), error.status
        return check
    check.status = fetched.status
    check.final_url = fetched.url
    check.redirects = [{"status": status, "url": target} for status, target in fetched.redirects]
    if any(status in (301, 308) for status, _ in fetched.redirects):
        check.notes.append(f"moved permanently to {fetched.url}: update the config")
    links, sitemaps = _read(check, fetched, role)
    if check.verdict != OK:
        return check
    check.items = len(links) if check.kind != "sitemap index" else len(sitemaps)
    check.sitemaps = len(sitemaps)
    check.newest = _newest(links if links else sitemaps)
    if check.kind == "sitemap index":
        if not sitemaps:
            check.verdict, check.reason = EMPTY, "a sitemap index listing no sitemaps"
        else:
            _check_newest_child(fetcher, source, spider, check, sitemaps)
        return check
    accepted, refused = _articles(spider, role, links)
    check.matching = len(accepted)
    check.not_matching = refused[:EXAMPLES]
    if not links and not sitemaps:
        check.verdict, check.reason = EMPTY, f"{check.kind} lists nothing"
    elif not accepted and links:
        check.verdict = NO_MATCH
        pattern = f"article_pattern {source.article_pattern!r}"
        check.reason = f"none of its {len(links)} items is an article of the source ({pattern})"
    elif sitemaps and not links:
        check.notes.append(f"{len(sitemaps)} sitemaps listed: a crawl follows them, this probe does not")
    return check


def _articles(spider: Any, role: str, links: Sequence[Any]) -> tuple[list[str], list[str]]:
    """(the links the source takes as articles, the others), as a crawl decides: by the spider's own test."""
    accepted, refused = [], []
    for link in links:
        takes = spider.article_url(link, require_pattern=role == "section") is not None
        (accepted if takes else refused).append(link.url)
    return accepted, refused


def _check_newest_child(
    fetcher: PoliteFetcher, source: SourceConfig, spider: Any, check: ListingCheck, sitemaps: Sequence[Any]
) -> None:
    """A sitemap index is only as good as the sitemaps a crawl follows from it: the newest of them
    (by lastmod, else the first listed) is fetched too, and its articles decide the verdict."""
    followed = [link for link in sitemaps if spider.follow_sitemap(link.url)]
    skipped = len(sitemaps) - len(followed)
    if not followed:
        check.verdict = NO_MATCH
        follow = list(source.sitemap_follow)
        check.reason = f"none of its {len(sitemaps)} sitemaps is followed (sitemap_follow {follow!r})"
        return
    newest = newest_first(followed)[0]
    summary = f"{len(followed)} of {len(sitemaps)} sitemaps followed" if skipped else f"{len(sitemaps)} sitemaps listed"
    try:
        fetched = fetcher.fetch(newest.url, spider.allows_redirect)
    except ProbeError as error:
        check.verdict, check.reason = error.verdict, f"its newest sitemap {newest.url}: {error}"
        return
    child = ListingCheck(source.name, "sitemap", newest.url)
    links, nested = _read(child, fetched, "sitemap")
    if child.verdict != OK:
        check.verdict, check.reason = child.verdict, f"its newest sitemap {newest.url}: {child.reason}"
        return
    if child.kind == "sitemap index":
        check.notes.append(f"{summary}; the newest, {newest.url}, is an index of {len(nested)} more (not probed)")
        return
    accepted, refused = _articles(spider, "sitemap", links)
    check.matching = len(accepted)
    check.not_matching = refused[:EXAMPLES]
    check.notes.append(f"{summary}; the newest, {newest.url}: {len(links)} items, {len(accepted)} articles")
    if not links:
        check.verdict, check.reason = EMPTY, f"its newest sitemap {newest.url} lists nothing"
    elif not accepted:
        check.verdict = NO_MATCH
        check.reason = (
            f"none of the {len(links)} items of its newest sitemap {newest.url} is an article of the source "
            f"(article_pattern {source.article_pattern!r})"
        )


def newest_first(sitemaps: Sequence[Link]) -> list[Link]:
    """Listed sitemaps by their lastmod, newest first (the undated last, ties in listed order)."""
    undated = datetime.min.replace(tzinfo=UTC)
    return sorted(sitemaps, key=lambda link: listed_moment(link.hints.get("modified")) or undated, reverse=True)


def _read(check: ListingCheck, fetched: Fetched, role: str) -> tuple[list[Any], list[Any]]:
    """(item links, sitemap links) of the listing as a crawl reads it; sets check.kind, or the verdict."""
    try:
        if role == "feed":
            check.kind, links = read_feed(fetched.body, fetched.url, fetched.content_type)
            return links, []
        if role == "sitemap":
            listing = parse_sitemap(fetched.body, fetched.url, max_size=len(fetched.body) * 50)
            check.kind = listing.kind
            if listing.is_index:
                return [], listing.links
            return listing.links, listing.sitemaps
    except DiscoveryError as error:
        actual = _what_it_is(fetched)
        check.verdict = UNREADABLE
        check.reason = f"not a {role}: {error}" + (f"; it is {actual}" if actual else "")
        return [], []
    if not _looks_like_html(fetched):
        check.verdict, check.reason = UNREADABLE, f"not an HTML page ({fetched.content_type or 'no Content-Type'})"
        return [], []
    check.kind = "HTML section"
    return [Link(url) for url in page_links(fetched.body, fetched.url, fetched.content_type)], []


def page_links(body: bytes, url: str, content_type: str | None) -> list[str]:
    """The links of an HTML page as a crawl's section reading finds them (Scrapy's LinkExtractor),
    fragments dropped, each once, in page order."""
    from scrapy.http import HtmlResponse
    from scrapy.linkextractors import LinkExtractor

    response = HtmlResponse(url=url, body=body, headers={"Content-Type": content_type or "text/html"})
    return list(dict.fromkeys(urldefrag(link.url)[0] for link in LinkExtractor().extract_links(response)))


def _looks_like_html(fetched: Fetched) -> bool:
    declared = (fetched.content_type or "").split(";")[0].strip().lower()
    if declared in ("text/html", "application/xhtml+xml"):
        return True
    return not declared and b"<html" in fetched.body[:2048].lower()


def _what_it_is(fetched: Fetched) -> str | None:
    """What a listing that is not what it was configured as is instead, for the message."""
    try:
        return f"a {read_feed(fetched.body, fetched.url, fetched.content_type)[0]} feed"
    except DiscoveryError:
        pass
    try:
        return "a sitemap index" if parse_sitemap(fetched.body, fetched.url).is_index else "a sitemap"
    except DiscoveryError:
        pass
    return "an HTML page" if _looks_like_html(fetched) else None


def _newest(links: Sequence[Any]) -> str | None:
    newest: datetime | None = None
    for link in links:
        for key in ("published", "modified"):
            moment = listed_moment(link.hints.get(key))
            if moment is not None and (newest is None or moment > newest):
                newest = moment
    return newest.isoformat() if newest else None
