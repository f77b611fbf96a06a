"""The watch config: which outlets to crawl and how politely, read from TOML.

`load_config` reports every mistake at once, each as one `FILE:LINE: where: field 'x': what` line
(crawler.configfile reads the file, finds the lines and owns the error type).
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cssselect import GenericTranslator, SelectorError
from lxml import etree

from crawler.configfile import Block, ConfigProblems, Problem, TomlLines, read_toml

CONFIG_ENV = "NEWSWATCH_CONFIG"
LOCAL_CONFIG = Path("sources.toml")
DEFAULT_USER_AGENT = "newswatch/0.1 (+https://github.com/newswatch/newswatch)"

ConfigError = ConfigProblems  # a config that cannot be used: `problems` holds one `FILE:LINE: ...` each


@lru_cache(maxsize=1)
def _domain_extractor() -> Callable[[str], Any]:
    import tldextract  # a Scrapy dependency; imported here to keep `import crawler.config` light

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the bundled list: no network


def registered_domain(url: str) -> str:
    """`www.al-monitor.com` -> `al-monitor.com`; an IP or `localhost` is returned as is."""
    host = urlsplit(url).hostname or ""
    return _domain_extractor()(host).top_domain_under_public_suffix or host


@dataclass(frozen=True, slots=True)
class SourceConfig:
    name: str  # snake_case slug, also the spider's name
    title: str
    homepage: str
    enabled: bool = True
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    article_pattern: str | None = None  # re.search on the URL; required for sections
    sitemap_follow: tuple[str, ...] = ()  # regexes: which sitemaps of an index to follow (default all)
    allowed_domains: tuple[str, ...] = ()  # default: the homepage's registered domain
    # non-public networks (CIDR) its hosts may resolve to, like "10.0.0.0/8" (crawler/netguard.py)
    allowed_networks: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()  # extraction drop selectors (CSS, or XPath starting with "/")
    language: str | None = None
    spider: str | None = None  # a custom spider: its name in spiders/, or a dotted class path
    schedule: str | None = None  # read by the scheduler (a later issue)

    def __post_init__(self) -> None:
        if not self.allowed_domains:
            object.__setattr__(self, "allowed_domains", (registered_domain(self.homepage),))

    @property
    def article_regex(self) -> re.Pattern[str] | None:
        return re.compile(self.article_pattern) if self.article_pattern else None


@dataclass(frozen=True, slots=True)
class CrawlSettings:
    user_agent: str = DEFAULT_USER_AGENT
    concurrency_per_domain: int = 2
    download_delay: float = 1.0  # seconds; AutoThrottle starts here and never goes below it
    autothrottle: bool = True
    max_page_bytes: int = 16 * 1024 * 1024
    max_listing_bytes: int = 8 * 1024 * 1024  # a feed, sitemap or section page larger than this: too_large
    max_redirects: int = 10  # hops of one request (Scrapy's REDIRECT_MAX_TIMES); more: too_many_redirects
    max_articles_per_listing: int = 500  # requested per listing per crawl; the rest wait in the frontier
    max_retry_after: float = 600.0  # seconds: a 429/503 Retry-After is honoured up to this long
    timeout: float = 30.0  # seconds per download
    retries: int = 2  # extra attempts after a failed download (Scrapy's RETRY_TIMES)
    # Across crawls: an article whose fetch failed for a passing reason (5xx, 429, timeout, a crash)
    # stays in the frontier and is tried again by later crawls, this many times in all, then given up.
    max_attempts: int = 5
    retry_backoff: float = 300.0  # seconds before the third attempt; the second is the next crawl's, later ones wait ×4
    # Off: a private, loopback, link-local… address is refused at connect time (crawler/netguard.py).
    allow_private_networks: bool = False

    def scrapy_settings(self) -> dict[str, Any]:
        """These settings as Scrapy setting names, for the crawl runner."""
        return {
            "USER_AGENT": self.user_agent,
            "ROBOTSTXT_OBEY": True,
            "CONCURRENT_REQUESTS_PER_DOMAIN": self.concurrency_per_domain,
            "DOWNLOADER": "crawler.downloader.SlotKeepingDownloader",  # the limit above, held
            "DOWNLOAD_DELAY": self.download_delay,
            "AUTOTHROTTLE_ENABLED": self.autothrottle,
            "AUTOTHROTTLE_START_DELAY": max(self.download_delay, 1.0),
            "DOWNLOAD_MAXSIZE": self.max_page_bytes,
            "DOWNLOAD_WARNSIZE": self.max_page_bytes // 2,
            "REDIRECT_MAX_TIMES": self.max_redirects,
            "NEWSWATCH_MAX_LISTING_BYTES": self.max_listing_bytes,
            "NEWSWATCH_MAX_ARTICLES_PER_LISTING": self.max_articles_per_listing,
            "NEWSWATCH_MAX_RETRY_AFTER": self.max_retry_after,
            "DOWNLOAD_TIMEOUT": self.timeout,
            "RETRY_TIMES": self.retries,
            "NEWSWATCH_MAX_ATTEMPTS": self.max_attempts,
            "NEWSWATCH_RETRY_BACKOFF": self.retry_backoff,
            "NEWSWATCH_ALLOW_PRIVATE_NETWORKS": self.allow_private_networks,
        }


@dataclass(frozen=True, slots=True)
class HealthSettings:
    """When a source is unhealthy (crawler.health), and who hears of it: the `[health]` table."""

    operator: tuple[str, ...] = ()  # emailed once when a source turns unhealthy, once when it recovers
    empty_runs: int = 3  # this many finished runs in a row without a new or updated article
    max_failure_rate: float = 0.5  # extraction failures / pages extracted, above it is unhealthy …
    min_pages: int = 5  # … once the last runs extracted at least this many pages
    blocked_statuses: tuple[int, ...] = (403, 429)
    max_blocked_share: float = 0.2  # a larger share of the last run's responses with those statuses: blocked


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    """Distributed mode (crawler/cluster/): the `[cluster]` table; NEWSWATCH_REDIS_URL overrides redis_url."""

    redis_url: str | None = None  # None: no cluster, crawls run on this machine
    key_prefix: str = "newswatch"  # every Redis key of this watch starts with it


@dataclass(frozen=True, slots=True)
class Config:
    sources: tuple[SourceConfig, ...]
    path: Path | None = None
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    health: HealthSettings = field(default_factory=HealthSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)

    @property
    def enabled_sources(self) -> tuple[SourceConfig, ...]:
        return tuple(source for source in self.sources if source.enabled)

    def source(self, name: str) -> SourceConfig:
        """The source called `name`; KeyError naming the config file if there is none."""
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(f"no source {name!r} in {self.path or 'the config'}")


def packaged_config_path() -> Path:
    return Path(str(resources.files("spiders").joinpath("sources.toml")))


def default_config_path() -> Path:
    """$NEWSWATCH_CONFIG, else ./sources.toml if present, else the shipped watch config."""
    if env := os.environ.get(CONFIG_ENV):
        return Path(env)
    return LOCAL_CONFIG if LOCAL_CONFIG.is_file() else packaged_config_path()


def load_config(path: Path | str | None = None) -> Config:
    """Read and check a config file; raises ConfigError listing every mistake in it."""
    path = Path(path) if path is not None else default_config_path()
    document = read_toml(path)
    problems = list(document.problems)
    config = None
    if document.data is not None:
        config = _Builder(path, document.lines, problems).build(document.data)
    if problems or config is None:
        raise ConfigError.at(path, problems)
    return config


# A checker returns its complaints about a value: (message, the bad list item or None) pairs.
Checker = Callable[[Any], list[tuple[str, Any]]]


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value


def _regex_error(value: Any) -> str | None:
    try:
        re.compile(value)
    except re.error as exc:
        return f"invalid regex: {exc}"
    return None


def _network_error(value: Any) -> str | None:
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        return f"invalid network: {exc}"
    return None


def _selector_error(value: Any) -> str | None:
    # Mirrors crawler.extraction.outlets.compile_selector without importing the extraction stack.
    try:
        if value.startswith(("/", "./", "(")):
            etree.XPath(value)
        else:
            GenericTranslator().css_to_xpath(value)
    except (etree.XPathError, SelectorError) as exc:
        return f"invalid selector: {exc}"
    return None


_SLUG = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]+\.)*[a-z0-9-]+$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")


def _scalar(kind: str, test: Callable[[Any], bool], detail: Callable[[Any], str | None] | None = None) -> Checker:
    def check(value: Any) -> list[tuple[str, Any]]:
        if not test(value):
            return [(f"must be {kind}", None)]
        error = detail(value) if detail else None
        return [(error, None)] if error else []

    return check


def _list_of(kind: str, test: Callable[[Any], bool], detail: Callable[[Any], str | None] | None = None) -> Checker:
    def check(value: Any) -> list[tuple[str, Any]]:
        if not isinstance(value, list):
            return [(f"must be a list of {kind}", None)]
        complaints = []
        for item in value:
            if not test(item):
                complaints.append((f"must be a list of {kind}; got {item!r}", item))
            elif detail and (error := detail(item)):
                complaints.append((f"{error}: {item!r}", item))
        return complaints

    return check


def _is_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_int(minimum: int) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


_URLS = _list_of("http(s) URLs", _is_http_url)
SOURCE_FIELDS: dict[str, Checker] = {
    "name": _scalar("a snake_case name (a-z, 0-9 and _)", lambda v: isinstance(v, str) and bool(_SLUG.match(v))),
    "title": _scalar("a non-empty string", _is_str),
    "homepage": _scalar("an http(s) URL", _is_http_url),
    "enabled": _scalar("true or false", lambda v: isinstance(v, bool)),
    "feeds": _URLS,
    "sitemaps": _URLS,
    "sections": _URLS,
    "article_pattern": _scalar("a regex string", _is_str, _regex_error),
    "sitemap_follow": _list_of("regex strings", _is_str, _regex_error),
    "allowed_domains": _list_of(
        "domain names like 'example.com'", lambda v: isinstance(v, str) and bool(_DOMAIN.match(v))
    ),
    "allowed_networks": _list_of("networks like '10.0.0.0/8' or 'fd00::/8'", _is_str, _network_error),
    "drop": _list_of("CSS or XPath selectors", _is_str, _selector_error),
    "language": _scalar("an ISO 639-1 code like 'en'", lambda v: isinstance(v, str) and bool(_LANGUAGE.match(v))),
    "spider": _scalar(
        "a spider name or a dotted class path",
        lambda v: isinstance(v, str) and bool(_SLUG.match(v) or _DOTTED.match(v)),
    ),
    "schedule": _scalar("a non-empty string", _is_str),
}
REQUIRED_SOURCE_FIELDS = ("name", "title", "homepage")

CRAWL_FIELDS: dict[str, Checker] = {
    "user_agent": _scalar(
        "a string with a contact URL, like 'newswatch/0.1 (+https://example.org/bot)'",
        lambda v: isinstance(v, str) and bool(re.search(r"https?://\S+", v)),
    ),
    "concurrency_per_domain": _scalar("an integer >= 1", _is_int(1)),
    "download_delay": _scalar("a number of seconds >= 0", _is_number),
    "autothrottle": _scalar("true or false", lambda v: isinstance(v, bool)),
    "max_page_bytes": _scalar("an integer >= 1024", _is_int(1024)),
    "max_listing_bytes": _scalar("an integer >= 1024", _is_int(1024)),
    "max_redirects": _scalar("an integer >= 0", _is_int(0)),
    "max_articles_per_listing": _scalar("an integer >= 1", _is_int(1)),
    "max_retry_after": _scalar("a number of seconds >= 0", _is_number),
    "timeout": _scalar("a number of seconds > 0", lambda v: _is_number(v) and v > 0),
    "retries": _scalar("an integer >= 0", _is_int(0)),
    "max_attempts": _scalar("an integer >= 1", _is_int(1)),
    "retry_backoff": _scalar("a number of seconds >= 0", _is_number),
    "allow_private_networks": _scalar("true or false", lambda v: isinstance(v, bool)),
}

CLUSTER_FIELDS: dict[str, Checker] = {
    "redis_url": _scalar(
        "a redis:// or rediss:// URL", lambda v: isinstance(v, str) and v.startswith(("redis://", "rediss://", "unix://"))
    ),
    "key_prefix": _scalar("a non-empty string", _is_str),
}

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")
_SHARE = _scalar("a number from 0 to 1", lambda v: _is_number(v) and v <= 1)
HEALTH_FIELDS: dict[str, Checker] = {
    "operator": _list_of("email addresses", lambda v: isinstance(v, str) and bool(_EMAIL.match(v))),
    "empty_runs": _scalar("an integer >= 1", _is_int(1)),
    "max_failure_rate": _SHARE,
    "min_pages": _scalar("an integer >= 1", _is_int(1)),
    "blocked_statuses": _list_of("HTTP status codes like 403", lambda v: _is_int(100)(v) and v <= 599),
    "max_blocked_share": _SHARE,
}


def _unknown(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f"unknown field {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")


class _Builder:
    def __init__(self, path: Path, locator: TomlLines, problems: list[Problem]):
        self.path = path
        self.locate = locator
        self.problems = problems

    def problem(self, line: int, message: str) -> None:
        self.problems.append((line, message))

    def build(self, data: dict[str, Any]) -> Config | None:
        for key in data:
            if key not in ("crawl", "health", "cluster", "source"):
                close = difflib.get_close_matches(key, ["crawl", "health", "cluster", "source"], n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.problem(self.locate.line(self.locate.top, key), f"unknown table or key {key!r}{hint}")
        crawl = self.crawl(data.get("crawl", {}))
        health = self.health(data.get("health", {}))
        cluster = self.cluster(data.get("cluster", {}))
        raw_sources = data.get("source", [])
        if not isinstance(raw_sources, list):
            line = self.locate.line(self.locate.top, "source")
            self.problem(line, "'source' must be an array of tables: write each outlet as [[source]]")
            return None
        if not raw_sources:
            self.problem(1, "no sources: add at least one [[source]] table")
        sources: list[SourceConfig] = []
        first_line: dict[str, int] = {}
        for index, table in enumerate(raw_sources):
            block = self.locate.block("source", index)
            source = self.source(table, block, index)
            name = table.get("name") if isinstance(table, dict) else None
            if isinstance(name, str) and _SLUG.match(name):
                name_line = self.locate.line(block, "name")
                if name in first_line:
                    self.problem(
                        name_line, f"source {name!r}: field 'name': duplicate; first used on line {first_line[name]}"
                    )
                    continue
                first_line[name] = name_line
            if source is not None:
                sources.append(source)
        if crawl is None or health is None or cluster is None:
            return None
        return Config(sources=tuple(sources), path=self.path, crawl=crawl, health=health, cluster=cluster)

    def check_fields(self, table: dict[str, Any], fields: dict[str, Checker], block: Block, where: str) -> bool:
        ok = True
        for key, value in table.items():
            if key not in fields:
                self.problem(self.locate.line(block, key), f"{where}: {_unknown(key, fields)}")
                ok = False
            else:
                for message, item in fields[key](value):
                    needle = item if isinstance(item, str) else None
                    self.problem(self.locate.line(block, key, needle), f"{where}: field {key!r}: {message}")
                    ok = False
        return ok

    def crawl(self, table: Any) -> CrawlSettings | None:
        block = self.locate.block("crawl")
        if not isinstance(table, dict):
            self.problem(self.locate.line(self.locate.top, "crawl"), "'crawl' must be a table: write [crawl]")
            return None
        if not self.check_fields(table, CRAWL_FIELDS, block, "[crawl]"):
            return None
        seconds = ("download_delay", "timeout", "retry_backoff", "max_retry_after")
        numbers = {key: float(table[key]) for key in seconds if key in table}
        return CrawlSettings(**{**table, **numbers})

    def cluster(self, table: Any) -> ClusterSettings | None:
        if not isinstance(table, dict):
            self.problem(self.locate.line(self.locate.top, "cluster"), "'cluster' must be a table: write [cluster]")
            return None
        if not self.check_fields(table, CLUSTER_FIELDS, self.locate.block("cluster"), "[cluster]"):
            return None
        return ClusterSettings(**table)

    def health(self, table: Any) -> HealthSettings | None:
        block = self.locate.block("health")
        if not isinstance(table, dict):
            self.problem(self.locate.line(self.locate.top, "health"), "'health' must be a table: write [health]")
            return None
        if not self.check_fields(table, HEALTH_FIELDS, block, "[health]"):
            return None
        values = {key: tuple(value) if isinstance(value, list) else value for key, value in table.items()}
        shares = {key: float(table[key]) for key in ("max_failure_rate", "max_blocked_share") if key in table}
        return HealthSettings(**{**values, **shares})

    def source(self, table: Any, block: Block, index: int) -> SourceConfig | None:
        name = table.get("name") if isinstance(table, dict) else None
        where = f"source {name!r}" if isinstance(name, str) and _SLUG.match(name) else f"source #{index + 1}"
        if not isinstance(table, dict):
            self.problem(block.header_line or 1, f"{where}: must be a table")
            return None
        ok = self.check_fields(table, SOURCE_FIELDS, block, where)
        for key in REQUIRED_SOURCE_FIELDS:
            if key not in table and not block.damaged:
                self.problem(block.header_line or 1, f"{where}: field {key!r}: missing (required)")
            ok = ok and key in table
        if not any(table.get(key) for key in ("feeds", "sitemaps", "sections")) and not block.damaged:
            self.problem(block.header_line, f"{where}: field 'feeds': give at least one of feeds, sitemaps, sections")
            ok = False
        if table.get("sections") and "article_pattern" not in table:
            self.problem(
                self.locate.line(block, "sections"),
                f"{where}: field 'article_pattern': required when 'sections' is set (it picks the article links)",
            )
            ok = False
        if not ok:
            return None
        values = {key: tuple(value) if isinstance(value, list) else value for key, value in table.items()}
        return SourceConfig(**values)
