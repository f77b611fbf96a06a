"""A loopback outlet for the cluster tests: `count` small articles of distinct prose in a sitemap,
robots.txt that disallows /private/, and a count of every path requested (a re-fetch shows)."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

from tests.loopback import LoopbackServer

WORDS = (
    "drone factory shipment sanctions ministry officials engines missiles satellite imagery port components "
    "delivery treaty analysts production air defense fighter jets cooperation war report said according"
).split()


def article(number: int) -> bytes:
    rng = random.Random(number)
    paragraphs = "".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(45)).capitalize() + f" Item {number}-{n}.</p>"
        for n in range(6)
    )
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>Story {number} | Cluster Times</title></head><body>"
        f"<article><h1>Story {number}: officials report a shipment</h1>"
        f"<p class='byline'>By A. Writer, 1 March 2024</p>{paragraphs}</article></body></html>"
    ).encode()


class ClusterSite:
    def __init__(self, count: int, pause: float = 0.0) -> None:
        self.count = count
        self.pause = pause  # seconds each article takes to answer
        self.hits: Counter[str] = Counter()
        self.in_flight = self.most_in_flight = 0  # article requests being answered at once
        self._lock = threading.Lock()
        self.server = LoopbackServer(self.answer)
        self.base = self.server.base

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.hits[path] += 1
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"
        if path == "/sitemap.xml":
            entries = "".join(f"<url><loc>{self.base}/news/story-{n}</loc></url>" for n in range(self.count))
            entries += f"<url><loc>{self.base}/private/story-secret</loc></url>"
            body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
            return 200, {"Content-Type": "application/xml"}, body.encode()
        if path.startswith(("/news/story-", "/private/story-")):
            number = path.rsplit("-", 1)[1]
            with self._lock:
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
            try:
                time.sleep(self.pause)
                return 200, {"Content-Type": "text/html; charset=utf-8"}, article(int(number) if number.isdigit() else 999999)
            finally:
                with self._lock:
                    self.in_flight -= 1
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def articles_fetched(self) -> Counter[str]:
        with self._lock:
            return Counter({path: n for path, n in self.hits.items() if path.startswith("/news/")})

    def sources_toml(self, redis_url: str | None = None, concurrency: int = 16) -> str:
        cluster = f'[cluster]\nredis_url = "{redis_url}"\n\n' if redis_url else ""
        return f"""{cluster}[crawl]
allow_private_networks = true  # the site is on 127.0.0.1
max_articles_per_listing = 100000
download_delay = 0
autothrottle = false
concurrency_per_domain = {concurrency}
retries = 0

[[source]]
name = "cluster_times"
title = "Cluster Times"
homepage = "{self.base}/"
sitemaps = ["{self.base}/sitemap.xml"]
article_pattern = "/(news|private)/story-"
schedule = "every 1h"
"""

    def stop(self) -> None:
        self.server.stop()
