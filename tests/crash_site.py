"""A generated outlet for the durability tests, and the crash harness that kills crawls against it.

`CrashSite(count, delay)` serves, from a real ThreadingHTTPServer on 127.0.0.1:

- `/news/NNNN-slug`: `count` generated articles (distinct news prose, 150+ words each); every
  `MATCH_EVERY`th mentions the watch term (`TERM`, "Shahed"), the others never do. Each article
  response waits `delay` seconds, so a crawl takes long enough for kills to land mid-crawl.
- `/news/updating-story`: an article whose text gains a paragraph naming the term at `site.version = 2`.
- `/feed.xml`: RSS listing every article (ETag; 304 to If-None-Match).
- `/sitemap-index.xml` → `/sitemaps/part-K.xml`: an index that never changes (ETag, Last-Modified:
  304) and child sitemaps; the last child lists the updating story, its <lastmod> following
  `site.version`, so a child changes while the index answers 304.
- `/sitemap-latest.xml`: a plain sitemap of the updating story alone (for tests that need no index).
- `/faults/feed.xml` listing the fault endpoints: `once-503` (503, then the article), `always-503`,
  `gzip-bomb` (a small gzip body inflating past any sane size limit), `loop-a` ⇄ `loop-b` (a
  redirect loop), `chain/0` → … → `chain/CHAIN_HOPS` (more hops than Scrapy's REDIRECT_MAX_TIMES).

The second half is the crash harness the test and `benchmarks/crash_harness.py` share: start
`newswatch crawl` in its own session with a marker in its environment, SIGKILL it (its process group,
or the main process alone) at random moments, find processes it left behind by the marker in
/proc/*/environ, then tally what the database and a real SMTP server hold against the site.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import inspect, text

from storage.db import make_engine
from tests.outlet_site import Served
from tests.smtp_server import Received, SmtpServer

TERM = "Shahed"
MATCH_EVERY = 5  # articles number 0, 5, 10, … mention TERM
RULE = "drone-watch"
RECIPIENT = "desk@example.org"
UPDATING = "news/updating-story"
SITEMAP_PARTS = 3
CHAIN_HOPS = 25  # Scrapy's REDIRECT_MAX_TIMES is 20
BOMB_BYTES = 40 * 1024 * 1024  # inflated size of the gzip bomb: over the default 16 MB page limit
FAULTS = ("once-503", "always-503", "gzip-bomb", "loop-a", "chain/0")
MARKER_ENV = "NEWSWATCH_CRASH_MARKER"
PUBLISHED = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)

# --- the prose -------------------------------------------------------------------------------------

FIRST_NAMES = (
    "Amina", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hassan", "Irina", "Jonas", "Kamala",
    "Leila", "Marek", "Nadia", "Oskar", "Parisa", "Rustam", "Sofia", "Tomas", "Ulla", "Viktor", "Yusuf",
    "Zara", "Anton", "Bahar", "Claude", "Darya", "Emil", "Fatima", "Gideon",
)
LAST_NAMES = (
    "Petrova", "Karimi", "Lindqvist", "Okafor", "Mazur", "Haddad", "Novak", "Sato", "Brennan", "Ferreira",
    "Volkov", "Rahimi", "Dubois", "Kowalski", "Andersen", "Moreau", "Tanaka", "Ivanova", "Nasser", "Keller",
    "Rossi", "Yilmaz", "Horvath", "Costa", "Berg", "Castillo", "Mendes", "Orlov", "Sadeghi", "Weber",
)
ROLES = (
    "the deputy energy minister", "a senior customs official", "the regional governor", "a port spokesman",
    "the central bank's chief economist", "an opposition lawmaker", "the defence ministry's press officer",
    "a veteran shipping broker", "the union's general secretary", "a European diplomat", "the mayor",
    "a retired air force colonel", "the trade commissioner", "an independent analyst", "the health inspector",
    "a grain exporter", "the chief prosecutor", "a satellite imagery specialist", "the railway director",
)
PLACES = (
    "Astrakhan", "Bandar Abbas", "Kazan", "Rotterdam", "Gdansk", "Tabriz", "Novorossiysk", "Odesa", "Baku",
    "Tbilisi", "Yerevan", "Aktau", "Samara", "Isfahan", "Constanta", "Varna", "Izmir", "Mersin", "Bushehr",
    "Murmansk", "Volgograd", "Kharkiv", "Dnipro", "Minsk", "Vilnius", "Riga", "Tallinn", "Helsinki",
    "Trieste", "Piraeus", "Alexandria", "Chabahar", "Mashhad", "Rasht", "Makhachkala", "Turkmenbashi",
    "Kaliningrad", "Sevastopol", "Mariupol", "Zaporizhzhia",
)
ORGS = (
    "the state railway company", "the Caspian Shipping Association", "a Geneva-based trading house",
    "the national statistics office", "the International Energy Agency", "a Dutch insurer",
    "the port authority", "the customs service", "a consortium of Turkish builders", "the weather service",
    "the grain exchange", "a Finnish engineering group", "the electricity grid operator",
    "the anti-corruption bureau", "a humanitarian mission", "the civil aviation regulator",
    "the fisheries agency", "a London risk consultancy", "the national oil company", "the court of appeal",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October")
TOPICS = {
    "energy": ("gas pipeline", "refinery", "power plant", "fuel depot", "oil terminal", "transformer station"),
    "shipping": ("tanker", "container ship", "ferry", "bulk carrier", "tugboat", "dredger"),
    "grain": ("wheat harvest", "barley shipment", "sunflower oil cargo", "maize crop", "grain silo", "flour mill"),
    "rail": ("freight corridor", "rail bridge", "locomotive order", "signal system", "marshalling yard", "depot"),
    "courts": ("bribery trial", "extradition hearing", "tax case", "appeal ruling", "fraud inquiry", "verdict"),
    "weather": ("flood barrier", "drought", "heatwave", "storm surge", "river level", "snowfall"),
    "finance": ("bond sale", "currency band", "interest rate", "credit line", "budget deficit", "bank audit"),
    "health": ("vaccine drive", "hospital wing", "clinic closure", "medicine shortage", "ambulance fleet", "outbreak"),
    "aviation": ("airport runway", "cargo flight", "airspace closure", "aircraft lease", "radar upgrade", "air route"),
    "tech": ("data centre", "chip plant", "fibre cable", "software ban", "satellite launch", "telecom licence"),
}
ADJECTIVES = (
    "delayed", "controversial", "long-awaited", "unexpected", "costly", "disputed", "modest", "sweeping",
    "temporary", "ambitious", "fragile", "overdue", "secretive", "record", "scaled-back", "emergency",
)
VERBS = (
    "postponed", "approved", "questioned", "suspended", "expanded", "inspected", "defended", "criticised",
    "renegotiated", "announced", "halted", "revived", "audited", "blocked", "financed", "cancelled",
)
TEMPLATES = (
    "{person}, {role}, said on {day} that the {adj} {thing} near {place} would be {verb} before {month}.",
    "According to {org}, about {n} workers were affected when the {thing} in {place} was {verb} last week.",
    "Officials in {place} {verb} the plan after {org} warned that the {thing} could cost {n} million dollars.",
    "\"We did not expect this,\" {person} told reporters outside the {thing} in {place}, adding that talks continued.",
    "The {adj} decision leaves {n} families in {place} waiting for news about the {thing}.",
    "Satellite photographs reviewed by {org} showed at least {n} vehicles parked beside the {thing} on {day}.",
    "In {month}, {person} had promised that the {thing} would reopen, a pledge {org} now calls unrealistic.",
    "Residents of {place} queued for hours on {day} as rumours spread that the {thing} had been {verb}.",
    "{org} said its inspectors counted {n} violations at the {thing}, most of them minor.",
    "Critics note that the {thing} was already {verb} twice, first in {month} and again this autumn.",
    "The ministry has not explained why the {adj} {thing} moved from {place} to {place2} without a tender.",
    "{person}, who has followed the {thing} for years, described the latest delay as {adj} but predictable.",
    "Trucks carrying spare parts from {place2} reached the {thing} only on {day}, {n} hours behind schedule.",
    "Local media in {place} reported that {org} had hired {n} extra staff to handle the {thing}.",
    "A spokeswoman for {org} declined to comment on the {thing}, citing a confidentiality agreement.",
    "By {month} the {thing} is expected to handle {n} percent more traffic than it did a year ago.",
    "{role_cap} insisted on {day} that nothing about the {thing} had been hidden from parliament.",
    "The dispute over the {thing} has strained relations between {place} and {place2} for months.",
    "Insurance premiums for the {thing} rose by {n} percent after {org} revised its risk assessment.",
    "Few in {place} believe the {adj} timetable, said {person}, who runs a small business nearby.",
    "{org} first flagged problems with the {thing} in a report published in {month}.",
    "Engineers from {place2} arrived on {day} to inspect the {thing}, {role} confirmed.",
    "The {thing} employs roughly {n} people, making it one of the largest employers around {place}.",
    "Opposition deputies demanded on {day} that the contract for the {thing} be {verb} and rewritten.",
    "Prices in {place} barely moved after the news, traders said, because the {thing} had long been {verb}.",
    "{person} said the {thing} had become a symbol of how slowly decisions are made in {place}.",
    "Neither {org} nor {role} would say how much the {adj} works on the {thing} had cost so far.",
    "Documents seen by this newspaper show that {n} contracts linked to the {thing} were signed in {month}.",
    "Farmers and shopkeepers from {place2} travelled to {place} on {day} to protest against the {adj} plan.",
    "When asked whether the {thing} was safe, {person} shrugged and pointed to the queue of lorries.",
    "The last comparable episode, in {month}, ended with {org} paying {n} thousand euros in compensation.",
    "Budget papers list the {thing} under a heading reserved for {adj} projects, {role} noted.",
    "A court in {place} will hear the first complaint about the {thing} on {day}, lawyers said.",
    "{person} recalled that the {thing} was once the pride of {place}, before years of neglect.",
    "Western buyers have quietly stepped back, {org} said, leaving {n} orders for the {thing} unfilled.",
    "Television pictures from {place} showed police cordoning off the {thing} shortly after noon.",
    "Nobody at {org} answered calls on {day}, and its website carried no statement about the {thing}.",
    "The figures, {person} argued, suggest the {thing} will need another {n} million dollars by {month}.",
)
TERM_TEMPLATES = (
    "Investigators said fragments found on the outskirts of {place} came from a {term} drone launched overnight.",
    "{person} said air defence crews shot down {n} {term} drones approaching {place} on {day}.",
    "A {term} drone struck a warehouse near the {place} offices of {org}, according to local officials.",
    "Analysts at {org} linked the overnight attack on {place} to a new batch of {term} drones.",
)
UPDATE_PARAGRAPH = (
    "Late on Thursday, officials confirmed that debris recovered beside the fuel depot came from a "
    f"{TERM} drone, the first such strike reported in the district this year."
)
WORDS_PER_ARTICLE = 150


@dataclass(frozen=True, slots=True)
class GeneratedArticle:
    number: int
    path: str  # "news/0007-port-authority-halted-tanker" (no leading slash)
    title: str
    author: str
    paragraphs: tuple[str, ...]

    @property
    def matches(self) -> bool:
        return any(TERM in paragraph for paragraph in self.paragraphs)

    @property
    def words(self) -> int:
        return sum(len(paragraph.split()) for paragraph in self.paragraphs)


def _fill(template: str, rng: random.Random, topic: str) -> str:
    place, place2 = rng.sample(PLACES, 2)
    role = rng.choice(ROLES)
    values = {
        "person": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "role": role,
        "role_cap": role[0].upper() + role[1:],
        "place": place,
        "place2": place2,
        "org": rng.choice(ORGS),
        "day": rng.choice(DAYS),
        "month": rng.choice(MONTHS),
        "thing": rng.choice(TOPICS[topic]),
        "adj": rng.choice(ADJECTIVES),
        "verb": rng.choice(VERBS),
        "n": str(rng.randint(3, 950)),
        "term": TERM,
    }
    sentence = template.format(**values)
    return sentence[0].upper() + sentence[1:]


def generate_article(number: int, seed: int = 8, matches: bool | None = None, path: str | None = None) -> GeneratedArticle:
    """Article `number`: a topic, a headline and 150+ words of sentences drawn without replacement from
    many templates with fresh names, places and figures, so no two articles share much of their text."""
    rng = random.Random(f"{seed}:{number}")
    topic = rng.choice(sorted(TOPICS))
    sentences = [_fill(template, rng, topic) for template in rng.sample(TEMPLATES, 14)]
    if matches if matches is not None else number % MATCH_EVERY == 0:
        sentences.insert(rng.randint(1, 4), _fill(rng.choice(TERM_TEMPLATES), rng, topic))
    while sum(len(s.split()) for s in sentences) < WORDS_PER_ARTICLE + 10:
        sentences.append(_fill(rng.choice(TEMPLATES), rng, topic))
    paragraphs, at = [], 0
    while at < len(sentences):
        size = rng.randint(2, 4)
        paragraphs.append(" ".join(sentences[at : at + size]))
        at += size
    thing = rng.choice(TOPICS[topic])
    title = f"{rng.choice(ADJECTIVES).capitalize()} {thing} in {rng.choice(PLACES)} {rng.choice(VERBS)}"
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    return GeneratedArticle(number, path or f"news/{number:04d}-{slug}", title, author, tuple(paragraphs))


def article_html(article: GeneratedArticle, url: str, published: datetime = PUBLISHED) -> bytes:
    """A news page around the article: navigation, byline, date, body, related links, footer."""
    body = "".join(f"<p>{paragraph}</p>\n" for paragraph in article.paragraphs)
    stamp = (published + timedelta(minutes=7 * article.number)).isoformat()
    nav = "".join(f'<li><a href="/section/{topic}/">{topic.title()}</a></li>' for topic in sorted(TOPICS))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{article.title} | The Crash Courier</title>
<link rel="canonical" href="{url}">
<meta property="og:type" content="article"><meta property="og:title" content="{article.title}">
<meta name="author" content="{article.author}">
<meta property="article:published_time" content="{stamp}">
</head><body>
<header><a href="/">The Crash Courier</a><nav><ul>{nav}</ul></nav></header>
<main><article>
<h1>{article.title}</h1>
<p class="byline">By {article.author}</p><time datetime="{stamp}">{stamp[:10]}</time>
{body}</article>
<aside><h2>Most read</h2><ul><li><a href="/news/">Front page</a></li></ul></aside></main>
<footer><p>&copy; 2026 The Crash Courier. All rights reserved.</p></footer>
</body></html>""".encode()


# --- the server ------------------------------------------------------------------------------------

Route = tuple[int, dict[str, str], bytes]
HTML = "text/html; charset=utf-8"
XML = "application/xml"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a killed crawler hangs up mid-request
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@dataclass(repr=False)
class CrashSite:
    count: int = 300
    delay: float = 0.0  # seconds each article response waits
    seed: int = 8
    version: int = 1  # 2: the updating story gains a paragraph naming TERM, its sitemaps a later lastmod
    base: str = ""
    log: list[Served] = field(default_factory=list)
    articles: list[GeneratedArticle] = field(default_factory=list)
    _by_path: dict[str, GeneratedArticle] = field(default_factory=dict)
    _hits: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: _Server | None = None

    def __post_init__(self) -> None:
        self.articles = [generate_article(number, self.seed) for number in range(self.count)]
        self._by_path = {article.path: article for article in self.articles}
        self.updating = generate_article(10_000, self.seed, matches=False, path=UPDATING)
        self.once_503 = generate_article(10_001, self.seed, matches=False, path="faults/once-503")
        self.chain_end = generate_article(10_002, self.seed, matches=False, path=f"faults/chain/{CHAIN_HOPS}")

    def __repr__(self) -> str:
        return f"CrashSite({self.base or 'not started'}, {self.count} articles, version {self.version})"

    # --- what the site holds ----------------------------------------------------------------------
    def url(self, path: str = "") -> str:
        return f"{self.base}/{path}"

    def article_urls(self) -> list[str]:
        return [self.url(article.path) for article in self.articles]

    def matching_urls(self) -> list[str]:
        return [self.url(article.path) for article in self.articles if article.matches]

    def requests_to(self, path: str) -> int:
        """How many requests reached /`path` (any status)."""
        with self._lock:
            return self._hits[path]

    def sources_toml(
        self,
        *,
        feeds: tuple[str, ...] = ("feed.xml",),
        sitemaps: tuple[str, ...] = ("sitemap-index.xml",),
        max_attempts: int = 5,
        timeout: float = 10,
        concurrency: int = 4,
        max_page_bytes: int = 2_000_000,
    ) -> str:
        """One source reading the given listings, with [crawl] settings for tests (no delays, no
        in-crawl retries, every later crawl retrying at once)."""
        listing = lambda paths: "[" + ", ".join(f'"{self.url(p)}"' for p in paths) + "]"  # noqa: E731
        return f"""
[crawl]
allow_private_networks = true  # the test site is on 127.0.0.1
download_delay = 0
autothrottle = false
concurrency_per_domain = {concurrency}
timeout = {timeout}
retries = 0
max_page_bytes = {max_page_bytes}
max_attempts = {max_attempts}
retry_backoff = 0

[[source]]
name = "courier"
title = "The Crash Courier"
homepage = "{self.url()}"
feeds = {listing(feeds)}
sitemaps = {listing(sitemaps)}
article_pattern = "/(news|faults)/"
"""

    # --- listings ---------------------------------------------------------------------------------
    def _rss(self, paths: list[str]) -> bytes:
        items = "".join(
            f"<item><title>{path.rsplit('/', 1)[-1]}</title><link>{self.url(path)}</link>"
            f"<guid>{self.url(path)}</guid><pubDate>{format_datetime(PUBLISHED)}</pubDate></item>"
            for path in paths
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>The Crash Courier</title>'
            f"<link>{self.url()}</link><description>News</description>{items}</channel></rss>"
        ).encode()

    def _urlset(self, entries: list[tuple[str, datetime]]) -> bytes:
        urls = "".join(f"<url><loc>{self.url(path)}</loc><lastmod>{at.isoformat()}</lastmod></url>" for path, at in entries)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        ).encode()

    def _updating_lastmod(self) -> datetime:
        return PUBLISHED + timedelta(days=self.version - 1, hours=3 * (self.version - 1))

    def _sitemap_part(self, part: int) -> bytes:
        entries = [(a.path, PUBLISHED) for a in self.articles if a.number % SITEMAP_PARTS == part]
        if part == SITEMAP_PARTS - 1:
            entries.append((UPDATING, self._updating_lastmod()))
        return self._urlset(entries)

    def _sitemap_index(self) -> bytes:
        children = "".join(
            f"<sitemap><loc>{self.url(f'sitemaps/part-{part}.xml')}</loc></sitemap>" for part in range(SITEMAP_PARTS)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}</sitemapindex>'
        ).encode()

    def _updating_page(self) -> bytes:
        article = self.updating
        if self.version >= 2:
            article = GeneratedArticle(
                article.number, article.path, article.title, article.author, (*article.paragraphs, UPDATE_PARAGRAPH)
            )
        return article_html(article, self.url(article.path))

    @staticmethod
    def _gzip_bomb() -> bytes:
        return _bomb()

    # --- routing ----------------------------------------------------------------------------------
    def route(self, path: str) -> tuple[Route, bool]:
        """(status, headers, body) for /`path`, and whether it is a listing (conditional GET)."""
        html = {"Content-Type": HTML}
        xml = {"Content-Type": XML}
        if path == "robots.txt":
            return (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"), False
        if path == "feed.xml":
            return (200, {"Content-Type": "application/rss+xml"}, self._rss([a.path for a in self.articles])), True
        if path == "sitemap-index.xml":
            return (200, {**xml, "Last-Modified": format_datetime(PUBLISHED, usegmt=True)}, self._sitemap_index()), True
        if match := re.fullmatch(r"sitemaps/part-(\d+)\.xml", path):
            part = int(match[1])
            if part < SITEMAP_PARTS:
                modified = PUBLISHED if part < SITEMAP_PARTS - 1 else self._updating_lastmod()
                headers = {**xml, "Last-Modified": format_datetime(modified, usegmt=True)}
                return (200, headers, self._sitemap_part(part)), True
        if path == "sitemap-latest.xml":
            return (200, xml, self._urlset([(UPDATING, self._updating_lastmod())])), True
        if path == "faults/feed.xml":
            return (200, {"Content-Type": "application/rss+xml"}, self._rss([f"faults/{f}" for f in FAULTS])), True
        if path in self._by_path:
            return (200, html, article_html(self._by_path[path], self.url(path))), False
        if path == UPDATING:
            return (200, html, self._updating_page()), False
        if path == "faults/once-503":
            if self.requests_to(path) <= 1:
                return (503, {**html, "Retry-After": "0"}, b"<h1>Service Unavailable</h1>"), False
            return (200, html, article_html(self.once_503, self.url(path))), False
        if path == "faults/always-503":
            return (503, html, b"<h1>Service Unavailable</h1>"), False
        if path == "faults/gzip-bomb":
            return (200, {**html, "Content-Encoding": "gzip"}, self._gzip_bomb()), False
        if path in ("faults/loop-a", "faults/loop-b"):
            other = "faults/loop-b" if path.endswith("a") else "faults/loop-a"
            return (302, {**html, "Location": self.url(other)}, b""), False
        if match := re.fullmatch(r"faults/chain/(\d+)", path):
            hop = int(match[1])
            if hop < CHAIN_HOPS:
                return (302, {**html, "Location": self.url(f"faults/chain/{hop + 1}")}, b""), False
            if hop == CHAIN_HOPS:
                return (200, html, article_html(self.chain_end, self.url(path))), False
        return (404, html, b"<h1>Not found</h1>"), False

    def start(self) -> CrashSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path = self.path.split("?")[0].lstrip("/")
                with site._lock:
                    site._hits[path] += 1
                (status, headers, body), listing = site.route(path)
                if status == 200 and path.startswith("news/") and site.delay:
                    time.sleep(site.delay)
                if listing:
                    etag = '"' + hashlib.md5(body).hexdigest() + '"'
                    headers = {**headers, "ETag": etag}
                    unchanged = self.headers.get("If-None-Match") == etag or (
                        self.headers.get("If-None-Match") is None
                        and "Last-Modified" in headers
                        and self.headers.get("If-Modified-Since") == headers["Last-Modified"]
                    )
                    if unchanged:
                        status, body = 304, b""
                with site._lock:
                    site.log.append(Served("/" + path, status, len(body)))
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the crawler gave up on it, or was killed

        self._server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


_bomb_cache: list[bytes] = []


def _bomb() -> bytes:
    if not _bomb_cache:
        _bomb_cache.append(gzip.compress(b" " * BOMB_BYTES, compresslevel=9))
    return _bomb_cache[0]


# --- the crash harness -----------------------------------------------------------------------------

NEWSWATCH = (sys.executable, "-c", "from crawler.cli import main; main()")
# Seconds a killed crawl's workers get to notice and exit. A worker (or the forkserver) still starting
# when the crawl dies notices once its start-up reaches its parent watch: on a loaded 2-core CI machine
# that took over 2 s once (4 processes left at 2 s); each is still required to go by itself.
ORPHAN_GRACE = 10.0
CRAWL_TIMEOUT = 240.0  # seconds for a crawl run to completion
_URL = re.compile(r"https?://[^\s<>\"']+")


def watch_file(path: Path, smtp_port: int) -> Path:
    """A watch file with one instant rule on TERM, mailing RECIPIENT through the SMTP server on `smtp_port`."""
    path.write_text(
        f"""
[mail]
from = "newswatch@example.org"
smtp_host = "127.0.0.1"
smtp_port = {smtp_port}
security = "none"
message_id_domain = "newswatch.test"

[[watch]]
name = "{RULE}"
query = '{TERM.lower()}'
recipients = ["{RECIPIENT}"]
""",
        "utf-8",
    )
    return path


def crawl_argv(config: Path, db: str, watches: Path | None = None) -> list[str]:
    argv = [*NEWSWATCH, "crawl", "--config", str(config), "--db", db, "--no-progress"]
    return argv + ["--watches", str(watches)] if watches is not None else argv


def start_crawl(argv: list[str], marker: str, log: BinaryIO) -> subprocess.Popen[bytes]:
    """`newswatch crawl` in a session (and process group) of its own, `marker` in its environment."""
    env = dict(os.environ, **{MARKER_ENV: marker})
    return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def marked_pids(marker: str) -> list[int]:
    """Live processes whose environment carries `marker` (a crawl and every process it started)."""
    needle = f"{MARKER_ENV}={marker}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()  # empty for a zombie
        except OSError:
            continue
        if needle in environ.split(b"\0"):
            found.append(int(entry))
    return sorted(found)


def left_running(marker: str, grace: float = ORPHAN_GRACE) -> list[int]:
    """The processes of a killed crawl still alive after `grace` seconds."""
    deadline = time.monotonic() + grace
    while (pids := marked_pids(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return pids


def end_processes(pids: list[int]) -> None:
    """SIGKILL these processes (each found by our own marker), so they cannot skew later counts."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@dataclass(frozen=True, slots=True)
class Kill:
    mode: str  # "group": the whole process group; "main": the main process alone
    after: float  # seconds after start
    stored_before: int  # site articles in the database just before the kill
    orphans: tuple[int, ...]  # processes of the crawl alive ORPHAN_GRACE seconds later


@dataclass
class Tally:
    """What the database and the mailbox hold against the site, after the crashes and one crawl."""

    db: str
    kills: list[Kill] = field(default_factory=list)
    early_exits: list[int] = field(default_factory=list)  # exit codes of crawls that ended before their kill moment
    articles: int = 0
    stored: int = 0
    duplicated: int = 0  # rows beyond one per site article
    alerts_expected: int = 0
    alert_rows: int = 0  # matching articles with an alerts row
    extra_alert_rows: int = 0  # alerts rows beyond one per matching article, or on non-matching articles
    alerted: int = 0  # matching articles in at least one email received
    repeated: int = 0  # matching articles received twice or more, always under one Message-ID (a crash window)
    repeated_distinct: int = 0  # matching articles received under two or more Message-IDs
    false_alerts: int = 0  # site articles emailed that do not match
    orphans: int = 0
    final_exit: int | None = None
    final_output: str = ""
    left_running_runs: int = 0  # crawl_runs rows still 'running' after the last crawl
    seconds: float = 0.0
    lost_urls: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return self.articles - self.stored

    @property
    def missed(self) -> int:
        return self.alerts_expected - self.alerted

    @property
    def kills_mid_crawl(self) -> int:
        """Kills that landed while some article was still missing from the database."""
        return sum(kill.stored_before < self.articles for kill in self.kills)

    ROW = ("db", "kills", "articles", "stored", "lost", "duplicated", "alerts expected", "alerted", "missed",
           "repeated (same Message-ID)", "repeated (distinct Message-IDs)", "orphans")

    def __repr__(self) -> str:  # what a failing assertion shows
        figures = ", ".join(f"{name}={value}" for name, value in zip(self.ROW, self.row(), strict=True))
        return f"Tally({figures}, final_exit={self.final_exit}, seconds={self.seconds:.0f})"

    def row(self) -> tuple[object, ...]:
        return (self.db, len(self.kills), self.articles, self.stored, self.lost, self.duplicated,
                self.alerts_expected, self.alerted, self.missed, self.repeated, self.repeated_distinct, self.orphans)


def query(db: str, sql: str, **params: object) -> list[tuple]:
    """Rows of one SQL statement on the database at `db`."""
    engine = make_engine(db)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def stored_rows(db: str, site: CrashSite) -> Counter[str]:
    """Rows in `articles` per site article URL (by the URL fetched or the canonical URL)."""
    known = set(site.article_urls())
    counts: Counter[str] = Counter()
    for url, canonical in query(db, "select url, canonical_url from articles"):
        hit = canonical if canonical in known else url if url in known else None
        if hit is not None:
            counts[hit] += 1
    return counts


def alert_rows(db: str, rule: str = RULE) -> Counter[str]:
    """Alerts of `rule` per article URL (the copy that matched)."""
    sql = "select a.canonical_url from alerts join articles a on a.id = alerts.article_id where alerts.rule = :rule"
    return Counter(url for (url,) in query(db, sql, rule=rule))


def emailed(messages: list[Received], site: CrashSite) -> dict[str, list[str]]:
    """For each site URL in these emails' plain-text bodies, the Message-IDs it came under."""
    found: dict[str, list[str]] = {}
    for received in messages:
        message = received.message
        body = message.get_body(("plain",))
        content = body.get_content() if body is not None else ""
        for url in dict.fromkeys(match.rstrip(".,)") for match in _URL.findall(content)):
            if url.startswith(site.base + "/"):
                found.setdefault(url, []).append(str(message["Message-ID"]))
    return found


def crawl_run_statuses(db: str) -> list[str]:
    return [status for (status,) in query(db, "select status from crawl_runs order by id")]


def has_table(db: str, name: str) -> bool:
    engine = make_engine(db)
    try:
        return inspect(engine).has_table(name)
    finally:
        engine.dispose()


def tally(result: Tally, db: str, site: CrashSite, smtp: SmtpServer) -> Tally:
    rows = stored_rows(db, site)
    result.articles = site.count
    result.stored = sum(1 for url in site.article_urls() if rows[url])
    result.lost_urls = [url for url in site.article_urls() if not rows[url]]
    result.duplicated = sum(count - 1 for count in rows.values() if count > 1)
    matching = set(site.matching_urls())
    result.alerts_expected = len(matching)
    alerts = alert_rows(db)
    result.alert_rows = sum(1 for url in matching if alerts[url])
    result.extra_alert_rows = sum(count - (url in matching) for url, count in alerts.items())
    mail = emailed(smtp.messages, site)
    result.alerted = sum(1 for url in matching if url in mail)
    result.repeated = sum(1 for url in matching if len(mail.get(url, ())) > 1 and len(set(mail[url])) == 1)
    result.repeated_distinct = sum(1 for url in matching if len(set(mail.get(url, ()))) > 1)
    result.false_alerts = sum(1 for url in mail if url not in matching and url in set(site.article_urls()))
    result.orphans = sum(len(kill.orphans) for kill in result.kills)
    result.left_running_runs = sum(status == "running" for status in crawl_run_statuses(db))
    return result


def crash_crawls(
    site: CrashSite,
    db: str,
    folder: Path,
    smtp: SmtpServer,
    *,
    kills: int = 12,
    seed: int = 1,
    window: tuple[float, float] = (0.5, 6.0),
    label: str = "",
) -> Tally:
    """Start `newswatch crawl` again and again, SIGKILL each at a random moment within `window`
    seconds (the process group and the main process alone in turn) until `kills` kills have landed,
    then run one crawl to the end and tally. Processes a kill leaves behind are counted, then ended."""
    started = time.monotonic()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "sources.toml"
    # Every killed crawl may count as an attempt of the articles it had in flight: allow them all.
    config.write_text(site.sources_toml(max_attempts=kills + 5), "utf-8")
    argv = crawl_argv(config, db, watch_file(folder / "watches.toml", smtp.port))
    make_engine(db).dispose()  # migrated before the first kill: a kill inside a migration is another test
    result = Tally(db=label or db.split(":", 1)[0])
    run_marker = uuid.uuid4().hex
    tries = 0
    while len(result.kills) < kills and tries < 4 * kills:
        marker = f"{run_marker}-{tries}"
        tries += 1
        # The first kill hits the main process alone, late enough that the worker pool is up.
        moment = rng.uniform(*window) if result.kills else rng.uniform((window[0] + 2 * window[1]) / 3, window[1])
        with (folder / f"crawl-{tries}.log").open("wb") as log:
            process = start_crawl(argv, marker, log)
            try:
                result.early_exits.append(process.wait(timeout=moment))
                end_processes(left_running(marker, grace=0.5))
                continue
            except subprocess.TimeoutExpired:
                pass
            stored_before = sum(1 for count in stored_rows(db, site).values() if count)
            mode = "main" if len(result.kills) % 2 == 0 else "group"
            if mode == "group":
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
            process.wait(timeout=30)
        orphans = left_running(marker)
        end_processes(orphans)
        result.kills.append(Kill(mode, moment, stored_before, tuple(orphans)))
    final_marker = f"{run_marker}-final"
    with (folder / "crawl-final.log").open("wb") as log:
        process = start_crawl(argv, final_marker, log)
        try:
            result.final_exit = process.wait(timeout=CRAWL_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    end_processes(left_running(final_marker, grace=0.5))
    result.final_output = (folder / "crawl-final.log").read_text("utf-8", errors="replace")[-3000:]
    tally(result, db, site, smtp)
    result.seconds = time.monotonic() - started
    return result
