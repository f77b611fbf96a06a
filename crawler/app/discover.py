"""`newswatch sources add HOMEPAGE`: find an outlet's feeds and sitemaps, propose its entry.

proposal = discover_source("https://outlet.example/", config)   # fetches politely, proposes
text = add_to_file(path, proposal.entry)                         # the sources file with it, comments kept

Discovery is trafilatura's: `trafilatura.feeds.determine_feed` finds the feeds a homepage
advertises (`<link rel=alternate>` of every feed type, JSON Feed's application/feed+json too, else
feed-looking `<a href>`), `trafilatura.sitemaps.extract_robots_sitemaps` the sitemaps robots.txt
names, `trafilatura.sitemaps.GUESSES` the usual places when it names none. trafilatura's own
downloader is not used: every request goes through `PoliteFetcher` (crawler/app/probe.py), so
robots.txt, our User-Agent and the SSRF guard apply as in a crawl, and a loopback test site is
reached only with `[crawl] allow_private_networks`. What is found is read with the crawl's parsers
(spiders/discovery.py): a feed or sitemap proposed here is one the crawl can read.

The article pattern is generalised from the article URLs found (feeds, sitemaps, else the
homepage's links): the largest group of URLs with one shape (`/news/2026/11/a-slug`) becomes
`^https://host/news/\\d{4}/\\d{2}/[a-z0-9-]+(\\?|$)`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

from crawler.app.probe import PoliteFetcher, ProbeError, newest_first, page_links
from crawler.config import Config, ConfigError, SourceConfig, load_config, registered_domain
from spiders.discovery import DiscoveryError, charset_of, parse_sitemap, read_feed

MAX_FEEDS = 5  # candidate feeds fetched from one homepage
MAX_SITEMAPS = 4  # sitemaps fetched in all (an index and its newest children)
SAMPLE = 10


class DiscoveryFailed(Exception):
    """Nothing usable could be found; the message says why, in one line."""


@dataclass(slots=True)
class Found:
    """One listing that was fetched and read."""

    role: str  # feed, sitemap, section
    url: str
    kind: str
    articles: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Proposal:
    entry: dict[str, Any]  # the [[source]] table, keys in the order the file shows them
    found: list[Found]  # the listings read
    rejected: list[tuple[str, str]]  # (URL, why) of candidates that were no usable listing
    sample: list[str]  # article URLs the entry would crawl first
    requests: int = 0

    def source(self) -> SourceConfig:
        values = {key: tuple(value) if isinstance(value, list) else value for key, value in self.entry.items()}
        return SourceConfig(**values)


def discover_source(
    homepage: str,
    config: Config,
    *,
    name: str | None = None,
    language: str | None = None,
    fetcher: PoliteFetcher | None = None,
) -> Proposal:
    """Fetch the homepage, its advertised feeds, its robots.txt sitemaps, and propose an entry;
    DiscoveryFailed if the homepage cannot be had or nothing lists an article."""
    from trafilatura.feeds import FeedParameters, determine_feed
    from trafilatura.sitemaps import GUESSES, extract_robots_sitemaps

    fetcher = fetcher or PoliteFetcher.for_config(config)
    parts = urlsplit(homepage)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DiscoveryFailed(f"{homepage!r} is not an http(s) URL")
    base = f"{parts.scheme}://{parts.netloc}"
    on_site = _on_site(registered_domain(homepage))
    try:
        page = fetcher.fetch(homepage, on_site)
    except ProbeError as error:
        raise DiscoveryFailed(f"{homepage}: {error}") from None
    html = page.body.decode(charset_of(page.content_type) or "utf-8", "replace")
    found: list[Found] = []
    rejected: list[tuple[str, str]] = []

    params = FeedParameters(base, parts.hostname, homepage)
    for url in [url for url in determine_feed(html, params) if on_site(url)][:MAX_FEEDS]:
        listing = _read_listing(fetcher, url, "feed", on_site, rejected)
        if listing is not None:
            found.append(listing)

    robots = fetcher.robots_text(homepage)
    sitemaps = extract_robots_sitemaps(robots, base) if robots else []
    guessed = not sitemaps
    if guessed:  # trafilatura's usual places, most likely first; stop at the first that reads
        sitemaps = [f"{base}/{guess}" for guess in GUESSES]
    budget = MAX_SITEMAPS
    for url in [url for url in sitemaps if on_site(url)]:
        if budget <= 0:
            break
        budget -= 1
        listing, children = _read_sitemap(fetcher, url, on_site, rejected, guessed)
        if listing is None:
            continue
        for child in children:  # an index's newest sitemaps, for article URLs to learn the pattern from
            if budget <= 0:
                break
            budget -= 1
            sub, _ = _read_sitemap(fetcher, child, on_site, rejected, False)
            if sub is not None:
                listing.articles.extend(sub.articles)
        found.append(listing)
        if guessed:
            break

    title = _title(html) or parts.hostname
    language = language or _language(html)
    candidates = [url for listing in found for url in listing.articles if on_site(url)]
    section = False
    if not candidates:  # no feed, no sitemap: the homepage's own links are the section
        links = page_links(page.body, page.url, page.content_type)
        candidates = [url for url in links if on_site(url)]
        section = True
    pattern = propose_pattern(candidates)
    if pattern is None:
        raise DiscoveryFailed(
            f"{homepage}: no feed, no sitemap and no links that look like articles: add the source by hand"
        )
    if section:
        found.append(Found("section", page.url, "HTML section", candidates))
    regex = re.compile(pattern)
    entry: dict[str, Any] = {
        "name": name or suggest_name(homepage, config),
        "title": title,
        "homepage": homepage,
    }
    if language:
        entry["language"] = language
    for role, key in (("feed", "feeds"), ("sitemap", "sitemaps"), ("section", "sections")):
        urls = [listing.url for listing in found if listing.role == role]
        if urls:
            entry[key] = urls
    entry["article_pattern"] = pattern
    sample = list(dict.fromkeys(url for url in candidates if regex.search(url)))[:SAMPLE]
    return Proposal(entry, found, rejected, sample, fetcher.requests)


def _on_site(domain: str):  # type: ignore[no-untyped-def]
    def on_site(url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return host == domain or host.endswith("." + domain)

    return on_site


def _read_listing(
    fetcher: PoliteFetcher, url: str, role: str, on_site: Any, rejected: list[tuple[str, str]]
) -> Found | None:
    try:
        fetched = fetcher.fetch(url, on_site)
        kind, links = read_feed(fetched.body, fetched.url, fetched.content_type)
    except (ProbeError, DiscoveryError) as error:
        rejected.append((url, str(error)))
        return None
    return Found(role, url, kind, [urldefrag(link.url)[0] for link in links])


def _read_sitemap(
    fetcher: PoliteFetcher, url: str, on_site: Any, rejected: list[tuple[str, str]], guessed: bool
) -> tuple[Found | None, list[str]]:
    """The sitemap at `url` with its articles, and the child sitemaps to read for more (newest first)."""
    try:
        fetched = fetcher.fetch(url, on_site)
        listing = parse_sitemap(fetched.body, fetched.url, max_size=fetcher.max_bytes)
    except (ProbeError, DiscoveryError) as error:
        if not guessed:
            rejected.append((url, str(error)))
        return None, []
    children = listing.links if listing.is_index else listing.sitemaps
    children = newest_first(children)
    articles = [] if listing.is_index else [link.url for link in listing.links]
    return Found("sitemap", url, listing.kind, articles), [link.url for link in children if on_site(link.url)]


def _title(html: str) -> str | None:
    for expression in (
        r"<meta[^>]+property=[\"']og:site_name[\"'][^>]+content=[\"']([^\"']+)",
        r"<title[^>]*>([^<]+)</title>",
    ):
        match = re.search(expression, html, re.IGNORECASE)
        if match and match[1].strip():
            return " ".join(match[1].split())
    return None


def _language(html: str) -> str | None:
    match = re.search(r"<html[^>]+lang=[\"']?([a-zA-Z]{2})\b", html)
    return match[1].lower() if match else None


def suggest_name(homepage: str, config: Config | None = None) -> str:
    """`https://www.kyivpost.com/` -> `kyivpost`; one not taken in `config` (`kyivpost_2`...)."""
    domain = registered_domain(homepage)
    label = domain.split(".")[0] if not re.fullmatch(r"[\d.]+", domain) else f"site_{domain}"
    name = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "outlet"
    if not name[0].isalpha():
        name = f"site_{name}"
    taken = {source.name for source in config.sources} if config else set()
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}_{number}", number + 1
    return candidate


# -- the pattern ---------------------------------------------------------------------------------

_YEAR = re.compile(r"(19|20)\d{2}")
_SHORT_NUMBER = re.compile(r"\d{1,2}")
_NUMBER = re.compile(r"\d+")
_SLUG = re.compile(r"[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+){2,}")  # three words or more
_ID_SLUG = re.compile(r"[A-Za-z0-9-]*\d{5,}[A-Za-z0-9-]*")  # a long number with words around it


def _shape(segment: str) -> tuple[str, str]:
    """(kind, extension) of one path segment: Y (a year), D (1–2 digits), N (a number), S (a slug),
    U (an encoded or non-ASCII slug), W (a word: kept literally)."""
    stem, dot, extension = segment.rpartition(".")
    if dot and extension.lower() in ("html", "htm", "php", "shtml", "aspx") and stem:
        segment, extension = stem, "." + extension.lower()
    else:
        extension = ""
    if _YEAR.fullmatch(segment):
        return "Y", extension
    if _SHORT_NUMBER.fullmatch(segment):
        return "D", extension
    if _NUMBER.fullmatch(segment):
        return "N", extension
    if "%" in segment or not segment.isascii():
        return "U", extension
    if _SLUG.fullmatch(segment) or _ID_SLUG.fullmatch(segment):
        return "S", extension
    return "W", extension


def _article_like(shapes: Sequence[tuple[str, str]], segments: Sequence[str]) -> bool:
    kinds = [kind for kind, _ in shapes]
    if not kinds:
        return False
    last_kind, last_extension = shapes[-1]
    long_number = any(kind == "N" and len(segment) >= 5 for (kind, _), segment in zip(shapes, segments, strict=True))
    return last_kind in ("S", "U") or long_number or ("Y" in kinds and last_kind != "W") or bool(last_extension)


def propose_pattern(urls: Iterable[str]) -> str | None:
    """A regex for the largest group of article-like URLs of one host and path shape, or None."""
    groups: dict[tuple[Any, ...], list[tuple[list[str], bool]]] = defaultdict(list)
    hosts: Counter[str] = Counter()
    for url in dict.fromkeys(urls):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            continue
        segments = [segment for segment in parts.path.split("/") if segment]
        shapes = [_shape(segment) for segment in segments]
        if not _article_like(shapes, segments):
            continue
        key = (parts.scheme, parts.netloc, *shapes)
        groups[key].append((segments, parts.path.endswith("/")))
        hosts[parts.netloc] += 1
    if not groups:
        return None
    key, members = max(groups.items(), key=lambda item: (len(item[1]), len(item[0])))
    scheme, netloc, *shapes = key
    parts = []
    for index, (kind, extension) in enumerate(shapes):
        values = sorted({segments[index] for segments, _ in members})
        parts.append(_segment_pattern(kind, values) + re.escape(extension))
    slashes = {trailing for _, trailing in members}
    end = "/" if slashes == {True} else "/?" if len(slashes) == 2 else ""
    return "^" + re.escape(f"{scheme}://{netloc}") + "/" + "/".join(parts) + end + r"(\?|$)"


def _segment_pattern(kind: str, values: Sequence[str]) -> str:
    stems = [value.rsplit(".", 1)[0] if "." in value else value for value in values]
    if kind == "Y":
        return r"\d{4}"
    if kind == "D":
        return r"\d{2}" if all(len(stem) == 2 for stem in stems) else r"\d{1,2}"
    if kind == "N":
        return r"\d+"
    if kind == "U":
        return r"[^/?#]+"
    if kind == "S":
        if any(char.isupper() for stem in stems for char in stem):
            return r"[A-Za-z0-9_-]+"
        return r"[a-z0-9_-]+" if any("_" in stem for stem in stems) else r"[a-z0-9-]+"
    if len(stems) == 1:
        return re.escape(stems[0])
    if len(stems) <= 6:
        return "(" + "|".join(re.escape(stem) for stem in stems) + ")"
    return r"[a-z0-9-]+"


# -- writing it ----------------------------------------------------------------------------------


def entry_toml(entry: dict[str, Any]) -> str:
    """The entry as a [[source]] table, as the file would show it."""
    import tomlkit

    document = tomlkit.document()
    document.append("source", _array_of_tables(entry))
    return tomlkit.dumps(document)


def _array_of_tables(entry: dict[str, Any]):  # type: ignore[no-untyped-def]
    import tomlkit

    table = tomlkit.table()
    for key, value in entry.items():
        if isinstance(value, list):
            array = tomlkit.array()
            array.extend(value)
            array.multiline(len(value) > 1)
            table[key] = array
        elif key == "article_pattern":
            table[key] = tomlkit.string(value, literal=True)
        else:
            table[key] = value
    tables = tomlkit.aot()
    tables.append(table)
    return tables


def add_to_file(path: Path, entry: dict[str, Any]) -> str:
    """The sources file at `path` with `entry` appended as a [[source]], its comments and layout
    kept; ConfigError if the result would not load (a name already taken, say). Writes nothing."""
    import tomlkit

    text = path.read_text("utf-8") if path.exists() else ""
    document = tomlkit.parse(text)
    names = [table.get("name") for table in document.get("source", [])]
    if entry["name"] in names:
        raise ConfigError.at(path, [(1, f"source {entry['name']!r}: field 'name': already in the file: pick --name")])
    comment = "# added by `newswatch sources add`; check it with `newswatch sources check --source NAME`"
    added = text.rstrip("\n") + ("\n\n" if text.strip() else "") + comment + "\n" + entry_toml(entry)
    return added


def write_checked(path: Path, text: str) -> Config:
    """Write `text` to `path` if it loads as a config (else ConfigError naming `path`, the file untouched)."""
    trial = path.with_name(f".{path.name}.new")
    trial.write_text(text, "utf-8")
    try:
        load_config(trial)
    except ConfigError as error:
        trial.unlink()
        raise ConfigError([problem.replace(str(trial), str(path), 1) for problem in error.problems]) from None
    trial.replace(path)
    return load_config(path)
