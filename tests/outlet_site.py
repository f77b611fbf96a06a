"""Two fixture outlets served by a real HTTP server on loopback, for end-to-end crawls.

"alpha" lives at http://127.0.0.1:PORT/alpha/ (RSS feed, news sitemap, section page) and "beta" at
http://127.0.0.2:PORT2/beta/ (Atom feed, a feed that is not XML): two hosts, two domains. Articles are
the fixture pages of tests/fixtures/pages. Beta republishes alpha's wire story with small edits.
`site.version = 2` changes one alpha article (and its sitemap lastmod) between crawls. Listings
answer If-None-Match / If-Modified-Since with 304. Alpha also links to the bad cases: a 500, a
page slower than the crawl's timeout, a connection reset, malformed markup, a PDF, a 20 MB page.
"""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.conftest import PAGES

GOOD_ALPHA = {
    "a/moscow-times-fath360": "moscow_times_fath360_missiles",
    "a/tehran-times-su35": "tehran_times_su35_purchase",
    "a/kyiv-alabuga": "kyiv_independent_alabuga_shaheds",
    "a/wire-un-curbs": "wire_reuters_un_curbs_expired",
    "a/defense-news-su35": "defense_news_su35_training",
}
CHANGING = "a/al-monitor-spotlight"  # the article whose text changes in version 2
GOOD_BETA = {
    "b/kommersant-treaty": "kommersant_ru_treaty_cp1251",
    "b/iran-international-su35": "iran_international_fa_su35_delay",
}
SYNDICATED = "b/wire-copy"  # alpha's wire story, republished with small edits
BAD_ALPHA = {
    "a/server-error": "http_500",
    "a/slow": "timeout",
    "a/reset": "connection",
    "a/malformed": "not_article",
    "a/report.pdf": "extraction",
    "a/huge": "too_large",
}
SLOW_SECONDS = 4
HUGE_BYTES = 20 * 1024 * 1024


@dataclass
class Served:
    path: str
    status: int
    size: int


@dataclass
class OutletSite:
    version: int = 1
    log: list[Served] = field(default_factory=list)
    base: str = ""
    beta_base: str = ""
    _servers: list[ThreadingHTTPServer] = field(default_factory=list)

    # --- URLs -------------------------------------------------------------------------------
    def alpha(self, path: str = "") -> str:
        return f"{self.base}/alpha/{path}"

    def beta(self, path: str = "") -> str:
        return f"{self.beta_base}/beta/{path}"

    def sources_toml(self, timeout: float = 2) -> str:
        """A config naming the two outlets, in the format of spiders/sources.toml."""
        return f"""
[crawl]
allow_private_networks = true  # the test site is on 127.0.0.1
download_delay = 0
autothrottle = false
timeout = {timeout}
retries = 0
max_page_bytes = 16_000_000

[[source]]
name = "alpha"
title = "Alpha Times"
homepage = "{self.alpha()}"
feeds = ["{self.alpha('feed.xml')}"]
sitemaps = ["{self.alpha('sitemap.xml')}"]
sections = ["{self.alpha('section/iran/')}"]
article_pattern = "/alpha/a/"

[[source]]
name = "beta"
title = "Beta Daily"
homepage = "{self.beta()}"
feeds = ["{self.beta('atom.xml')}", "{self.beta('broken-feed.xml')}"]
article_pattern = "/beta/b/"
"""

    # --- content ----------------------------------------------------------------------------
    def _article(self, fixture: str) -> bytes:
        return (PAGES / f"{fixture}.html").read_bytes()

    def _changing(self) -> bytes:
        page = self._article("al_monitor_iran_russia_military")
        if self.version == 1:
            return page
        return page.replace(
            b"was in Moscow on Wednesday",
            b"was in Moscow on Wednesday and Thursday, extending his stay by a day,",
        )

    def _syndicated(self) -> bytes:
        page = self._article("wire_reuters_un_curbs_expired")
        return (
            page.replace(b"a senior Russian diplomat said on Friday", b"a senior Russian diplomat told reporters Friday")
            .replace(b"Reuters Daily Briefing", b"Beta Daily morning")
            .replace(b"<title>", b"<title>Beta Daily: ")
        )

    def _rss(self) -> bytes:
        items = [*GOOD_ALPHA, *BAD_ALPHA]
        entries = "".join(
            f"<item><title>{slug}</title><link>{self.alpha(slug)}</link>"
            f"<pubDate>Fri, 03 Nov 2023 09:00:00 GMT</pubDate></item>"
            for slug in items
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Alpha Times</title>'
            f"<link>{self.alpha()}</link>{entries}</channel></rss>"
        ).encode()

    def _sitemap(self) -> bytes:
        lastmod = "2023-11-03T09:00:00+00:00" if self.version == 1 else "2023-11-05T12:00:00+00:00"
        urls = [(CHANGING, lastmod), ("a/moscow-times-fath360", "2023-11-03T09:00:00+00:00")]
        entries = "".join(
            f"<url><loc>{self.alpha(slug)}</loc><lastmod>{modified}</lastmod>"
            f"<news:news><news:publication><news:name>Alpha Times</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>2023-11-03T09:00:00+00:00</news:publication_date>"
            f"<news:title>{slug}</news:title></news:news></url>"
            for slug, modified in urls
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + entries + "</urlset>"
        ).encode()

    def _section(self) -> bytes:
        links = "".join(
            f'<li><a href="/alpha/{slug}">{slug.split("/")[-1].replace("-", " ").title()}</a></li>'
            for slug in ("a/tehran-times-su35", "a/kyiv-alabuga", CHANGING)
        )
        return f"<html><body><nav><a href='/alpha/'>Home</a></nav><ul>{links}</ul></body></html>".encode()

    def _atom(self) -> bytes:
        entries = "".join(
            f"<entry><title>{slug}</title><link href=\"{self.beta(slug)}\"/><id>{self.beta(slug)}</id>"
            f"<updated>2023-11-03T09:00:00Z</updated></entry>"
            for slug in (*GOOD_BETA, SYNDICATED)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Beta Daily</title><updated>2023-11-03T09:00:00Z</updated>{entries}</feed>"
        ).encode()

    def routes(self) -> dict[str, Callable[[], tuple[int, str, bytes]]]:
        html = "text/html; charset=utf-8"
        routes: dict[str, Callable[[], tuple[int, str, bytes]]] = {
            "/robots.txt": lambda: (200, "text/plain", b"User-agent: *\nAllow: /\n"),
            "/alpha/feed.xml": lambda: (200, "application/rss+xml; charset=utf-8", self._rss()),
            "/alpha/sitemap.xml": lambda: (200, "application/xml", self._sitemap()),
            "/alpha/section/iran/": lambda: (200, html, self._section()),
            "/beta/atom.xml": lambda: (200, "application/atom+xml", self._atom()),
            "/beta/broken-feed.xml": lambda: (200, "application/rss+xml", b"<html><body>Gateway error</body></html>"),
            f"/alpha/{CHANGING}": lambda: (200, html, self._changing()),
            f"/beta/{SYNDICATED}": lambda: (200, html, self._syndicated()),
            "/alpha/a/server-error": lambda: (500, html, b"<h1>Internal Server Error</h1>"),
            "/alpha/a/malformed": lambda: (200, html, b"<html><body><div><p>Menu</div></span><a href='/'>Home</a>"),
            "/alpha/a/report.pdf": lambda: (200, "application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 40),
            "/alpha/a/huge": lambda: (200, html, b"<html><body><p>" + b"word " * (HUGE_BYTES // 5) + b"</p></body></html>"),
        }
        for slug, fixture in {**GOOD_ALPHA, **GOOD_BETA}.items():
            prefix = "/alpha/" if slug.startswith("a/") else "/beta/"
            content_type = "text/html; charset=windows-1251" if "cp1251" in fixture else html
            routes[prefix + slug] = lambda fixture=fixture, content_type=content_type: (
                200, content_type, self._article(fixture)
            )
        return routes

    # --- server -----------------------------------------------------------------------------
    def start(self) -> OutletSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path = self.path.split("?")[0]
                if path == "/alpha/a/slow":
                    time.sleep(SLOW_SECONDS)
                if path == "/alpha/a/reset":
                    site.log.append(Served(path, 0, 0))
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                route = site.routes().get(path)
                status, content_type, body = route() if route else (404, "text/html", b"<h1>Not found</h1>")
                etag = '"' + hashlib.md5(body).hexdigest() + '"'
                listing = path.endswith((".xml", "/"))
                if listing and self.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
                site.log.append(Served(path, status, len(body)))
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    if listing:
                        self.send_header("ETag", etag)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the crawler gave up on it (too large, too slow)

        for host in ("127.0.0.1", "127.0.0.2"):
            server = ThreadingHTTPServer((host, 0), Handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
            self._servers.append(server)
        self.base, self.beta_base = (f"http://{s.server_address[0]}:{s.server_address[1]}" for s in self._servers)
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def served(self, since: int = 0) -> list[Served]:
        return self.log[since:]
