"""Bounded everything: a gzip bomb, XML billion laughs in a sitemap and a feed, a listing larger than
[crawl] max_listing_bytes, a redirect chain longer than max_redirects, and a listing with more
articles than max_articles_per_listing (the rest wait in the frontier for the next crawl)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from spiders.discovery import DiscoveryError, parse_feed, parse_sitemap
from storage.db import make_engine, session_scope
from storage.models import FrontierUrl
from tests.conftest import PAGES
from tests.loopback import serve

ARTICLE = (PAGES / "moscow_times_fath360_missiles.html").read_bytes()
BOMB = gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)  # 50 MB in ~50 KB
MANY = [f"/a/many-{n}" for n in range(12)]
CAP = 5

_LAUGHS = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
)
LAUGHS = f'<?xml version="1.0"?><!DOCTYPE lolz [{_LAUGHS}]>'


def _rss(paths: list[str], base: str, padding: int = 0) -> bytes:
    items = "".join(f"<item><title>{p}</title><link>{base}{p}</link></item>" for p in paths)
    pad = f"<description>{'x' * padding}</description>" if padding else ""
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{pad}{items}</channel></rss>'.encode()


# -- XML bombs: the listing parsers expand nothing -------------------------------------------------


def test_a_billion_laughs_sitemap_expands_nothing():
    body = (LAUGHS + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/a/'
            "&lol9;</loc></url></urlset>").encode()
    started = time.monotonic()
    try:
        links = parse_sitemap(body, "https://x.example/sitemap.xml").links
    except DiscoveryError:
        links = []
    assert time.monotonic() - started < 5
    assert all(len(link.url) < 1000 for link in links)


def test_a_billion_laughs_feed_expands_nothing():
    body = (LAUGHS + '<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
            "<link>https://x.example/a/1</link><description>&lol9;</description></item></channel></rss>").encode()
    started = time.monotonic()
    try:
        links = parse_feed(body, "https://x.example/feed.xml")
    except DiscoveryError:
        links = []
    assert time.monotonic() - started < 10
    assert all(len(value) < 10_000 for link in links for value in link.hints.values())


def test_a_gzipped_sitemap_bomb_is_refused():
    with pytest.raises(DiscoveryError, match="gzip"):
        parse_sitemap(BOMB, "https://x.example/sitemap.xml.gz", max_size=1024 * 1024)


# -- a crawl against a site full of traps -----------------------------------------------------------


class Trap:
    def __init__(self) -> None:
        self.log: list[str] = []
        self.http = serve(self.answer)
        self.server, self.base = self.http.server, self.http.base

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        self.log.append(path)
        base = self.base
        headers = {"Content-Type": "text/html; charset=utf-8"}
        status, body = 200, ARTICLE
        if path == "/feed.xml":
            body = _rss(["/a/bomb", "/a/hop-0"], base)
            headers["Content-Type"] = "application/rss+xml"
        elif path == "/many.xml":
            body = _rss(MANY, base)
            headers["Content-Type"] = "application/rss+xml"
        elif path == "/big.xml":
            body = _rss(["/a/never"], base, padding=64 * 1024)
            headers["Content-Type"] = "application/rss+xml"
        elif path == "/a/bomb":
            body, headers["Content-Encoding"] = BOMB, "gzip"
        elif path.startswith("/a/hop-"):
            status, body = 302, b""
            headers["Location"] = f"{base}/a/hop-{int(path.rsplit('-', 1)[1]) + 1}"
        elif not path.startswith("/a/many-"):
            status, body = 404, b"no"
        return status, headers, body


def crawl(config: Path, db: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", "crawl", "--config", str(config),
         "--db", db, "--json", "--no-progress"],
        capture_output=True, text=True, timeout=300, cwd=config.parent,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)[0]


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    trap = Trap()
    folder = tmp_path_factory.mktemp("limits")
    config = folder / "sources.toml"
    config.write_text(
        f"""
[crawl]
download_delay = 0
autothrottle = false
timeout = 10
retries = 0
max_page_bytes = 1_000_000
max_listing_bytes = 16_384
max_redirects = 3
max_articles_per_listing = {CAP}
allow_private_networks = true

[[source]]
name = "traps"
title = "Traps"
homepage = "{trap.base}/"
feeds = ["{trap.base}/feed.xml", "{trap.base}/many.xml", "{trap.base}/big.xml"]
article_pattern = "/a/"
""",
        "utf-8",
    )
    db = f"sqlite:///{folder / 'db.sqlite'}"
    first = crawl(config, db)
    first_log = list(trap.log)
    trap.log.clear()
    second = crawl(config, db)
    yield {"first": first, "first_log": first_log, "second": second, "second_log": list(trap.log), "db": db}
    trap.server.shutdown()
    trap.server.server_close()


def failures(run: dict) -> dict[str, str]:
    return {failure["url"].rsplit("/", 1)[-1]: failure["kind"] for failure in run["failures"]}


@pytest.mark.slow
def test_a_gzip_bomb_is_too_large(crawls):
    assert failures(crawls["first"])["bomb"] == "too_large"


@pytest.mark.slow
def test_a_listing_over_max_listing_bytes_is_too_large(crawls):
    assert failures(crawls["first"])["big.xml"] == "too_large"
    assert "/a/never" not in crawls["first_log"]


@pytest.mark.slow
def test_a_redirect_chain_over_max_redirects_is_given_up(crawls):
    assert failures(crawls["first"])["hop-0"] == "too_many_redirects"  # recorded under the URL listed
    hops = [path for path in crawls["first_log"] if path.startswith("/a/hop-")]
    assert len(hops) == 4  # the first request and 3 redirects, no more


@pytest.mark.slow
def test_a_listing_gives_at_most_max_articles_per_crawl_and_the_rest_wait_in_the_frontier(crawls):
    first = [path for path in crawls["first_log"] if path.startswith("/a/many-")]
    assert first == MANY[:CAP] or sorted(first) == sorted(MANY[:CAP])
    second = [path for path in crawls["second_log"] if path.startswith("/a/many-")]
    assert not set(first) & set(second)  # nothing fetched twice
    assert len(second) <= 2 * CAP  # resumed (at most CAP) plus the listing's own (at most CAP)
    engine = make_engine(crawls["db"])
    with session_scope(engine) as session:
        listed = session.scalar(select(func.count()).where(FrontierUrl.url.contains("/a/many-")))
        pending = session.scalar(
            select(func.count()).where(FrontierUrl.url.contains("/a/many-"), FrontierUrl.state == "pending")
        )
    engine.dispose()
    assert listed == len(MANY)
    assert pending == len(MANY) - len(first) - len(second)
