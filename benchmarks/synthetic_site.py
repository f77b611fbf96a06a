"""A generated outlet for crawl benchmarks: N article pages (fixture layouts, fresh random prose), a
sitemap listing them, served from a real HTTP server on 127.0.0.1 with ETags on the sitemap."""

from __future__ import annotations

import hashlib
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import lxml.html

PAGES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pages"
TEMPLATES = (
    "al_monitor_iran_russia_military",
    "foreign_policy_iran_doubles_down",
    "moscow_times_fath360_missiles",
    "tehran_times_su35_purchase",
    "kyiv_independent_alabuga_shaheds",
    "defense_news_su35_training",
)
WORDS = (
    "Iran Russia drones Shahed Geran missiles sanctions Tehran Moscow Kremlin officials said deliveries "
    "factory Alabuga Tatarstan fighter jets Su-35 air defense S-400 ballistic ministry treaty cooperation "
    "analysts report satellite imagery shipment Caspian port components engines production war Ukraine "
    "the a of and to in on for with by that was were has have been will would could under after before"
).split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 28))]
    return " ".join(words).capitalize() + "."


def _site_furniture(rng: random.Random) -> tuple[str, str, str]:
    """What real news pages carry around the story, sized like the devset's pages (median 65 KB):
    a mega-menu, a state blob in an inline script, teaser rails and a link-heavy footer."""
    menu = "".join(
        f'<li><a href="/section/{n}">{rng.choice(WORDS).title()} {rng.choice(WORDS)}</a></li>' for n in range(150)
    )
    state = ",".join(f'"{rng.choice(WORDS)}{n}":"{_sentence(rng)}"' for n in range(220))
    teasers = "".join(
        f'<div class="card"><a href="/news/{n}"><img src="/i/{n}.jpg" alt=""><h3>{_sentence(rng)}</h3></a>'
        f"<p>{_sentence(rng)}</p></div>"
        for n in range(24)
    )
    footer = "".join(f'<a href="/about/{n}">{rng.choice(WORDS).title()}</a> ' for n in range(80))
    return (
        f"<script>window.__STATE__={{{state}}};</script>",
        f'<nav class="mega-menu"><ul>{menu}</ul></nav>',
        f'<section class="more-stories">{teasers}</section><footer class="site-footer">{footer}</footer>',
    )


def article_pages(count: int, seed: int = 7) -> list[bytes]:
    """`count` article pages: fixture layouts (all their chrome) with fresh prose in every paragraph,
    wrapped in the furniture of a real outlet's page."""
    rng = random.Random(seed)
    templates = [lxml.html.fromstring((PAGES / f"{name}.html").read_bytes()) for name in TEMPLATES]
    pages = []
    for number in range(count):
        tree = templates[number % len(templates)]
        for paragraph in tree.xpath("//p"):
            if len(paragraph.text_content()) > 120:
                for child in list(paragraph):
                    paragraph.remove(child)
                paragraph.text = " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))
        headline = tree.find(".//h1")
        if headline is not None:
            headline.text = f"Story {number}: " + _sentence(rng)[:70]
        page = lxml.html.tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>").decode("utf-8")
        script, menu, rails = _site_furniture(rng)
        page = page.replace("</head>", script + "</head>", 1).replace("<body>", "<body>" + menu, 1)
        pages.append(page.replace("</body>", rails + "</body>", 1).encode("utf-8"))
    return pages


class SyntheticSite:
    def __init__(self, count: int) -> None:
        self.pages = article_pages(count)
        self.bytes_served = 0
        self._server: ThreadingHTTPServer | None = None
        self.base = ""

    def sitemap(self) -> bytes:
        entries = "".join(
            f"<url><loc>{self.base}/news/story-{n}</loc><lastmod>2024-01-01T00:00:00+00:00</lastmod></url>"
            for n in range(len(self.pages))
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
        ).encode()

    def sources_toml(self) -> str:
        return f"""
[crawl]
allow_private_networks = true  # the site is on 127.0.0.1
max_articles_per_listing = 100000  # the whole site in one crawl
download_delay = 0
autothrottle = false
concurrency_per_domain = 16
retries = 0

[[source]]
name = "synthetic"
title = "Synthetic Times"
homepage = "{self.base}/"
sitemaps = ["{self.base}/sitemap.xml"]
article_pattern = "/news/story-"
"""

    def start(self) -> SyntheticSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                status, body, etag = 200, b"", None
                if self.path == "/sitemap.xml":
                    body = site.sitemap()
                    etag = '"' + hashlib.md5(body).hexdigest() + '"'
                    if self.headers.get("If-None-Match") == etag:
                        status, body = 304, b""
                elif self.path.startswith("/news/story-"):
                    body = site.pages[int(self.path.rsplit("-", 1)[1])]
                elif self.path == "/robots.txt":
                    body = b"User-agent: *\nAllow: /\n"
                else:
                    status = 404
                site.bytes_served += len(body)
                self.send_response(status)
                self.send_header(
                    "Content-Type", "text/html; charset=utf-8" if b"<html" in body[:200] else "application/xml"
                )
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
