"""`newswatch sources check`: one polite live probe per listing, against a loopback outlet.

Each kind of listing gets its verdict: a live feed, a JSON feed, a 404, a redirect loop, a redirect
off the outlet, a sitemap index, a news sitemap, an HTML section, a feed the pattern refuses
entirely, an empty feed, a listing robots.txt disallows, and a loopback site without
allow_private_networks (the SSRF guard)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from crawler.app.probe import BLOCKED, DEAD, EMPTY, NO_MATCH, OK, REFUSED, check_sources
from crawler.config import load_config
from tests.listing_site import ListingSite, source, sources_toml

UA = "newswatch-test/1 (+https://example.org/bot)"


@pytest.fixture(scope="module")
def site():
    site = ListingSite(robots="User-agent: *\nDisallow: /private/\n")
    yield site
    site.stop()


def probe(site, tmp_path, *sources, allow_private=True):
    path = tmp_path / "sources.toml"
    path.write_text(sources_toml(site.base, *sources, allow_private=allow_private), "utf-8")
    return {(c.role, c.url.removeprefix(site.base)): c for c in check_sources(load_config(path))}


def test_every_kind_of_listing_gets_its_verdict(site, tmp_path):
    checks = probe(
        site,
        tmp_path,
        source(
            "loop",
            feeds=("feed.xml", "feed.json", "gone.xml", "loop-a", "offsite.xml", "video.xml", "empty.xml",
                   "private/feed.xml", "old-feed.xml"),
            sitemaps=("sitemap-index.xml", "news-sitemap.xml", "section/"),
            sections=("section/",),
        ),
    )
    feed = checks["feed", "/feed.xml"]
    assert (feed.verdict, feed.status, feed.kind, feed.items, feed.matching) == (OK, 200, "RSS", 3, 2)
    assert feed.newest == "2026-11-30T10:00:00+00:00"
    assert feed.not_matching == [f"{site.base}/about/"]

    assert (checks["feed", "/feed.json"].verdict, checks["feed", "/feed.json"].kind) == (OK, "JSON Feed")
    assert checks["feed", "/feed.json"].matching == 3

    gone = checks["feed", "/gone.xml"]
    assert (gone.verdict, gone.status, gone.reason) == (DEAD, 404, "HTTP 404 Not Found")

    loop = checks["feed", "/loop-a"]
    assert loop.verdict == DEAD and loop.reason.startswith("redirect loop after")

    offsite = checks["feed", "/offsite.xml"]
    assert offsite.verdict == REFUSED and "redirected off the outlet to http://127.0.0.2:9/feed.xml" in offsite.reason

    video = checks["feed", "/video.xml"]
    assert (video.verdict, video.items, video.matching) == (NO_MATCH, 2, 0)
    assert video.not_matching == [f"{site.base}/video/1", f"{site.base}/video/2"]

    assert checks["feed", "/empty.xml"].verdict == EMPTY

    private = checks["feed", "/private/feed.xml"]
    assert (private.verdict, private.reason) == (BLOCKED, "robots.txt disallows it for our User-Agent")
    assert "/private/feed.xml" not in site.requests  # never fetched

    moved = checks["feed", "/old-feed.xml"]
    assert moved.verdict == OK and moved.redirects == [{"status": 301, "url": f"{site.base}/feed.xml"}]
    assert moved.final_url == f"{site.base}/feed.xml"
    assert moved.notes == [f"moved permanently to {site.base}/feed.xml: update the config"]

    index = checks["sitemap", "/sitemap-index.xml"]
    assert (index.verdict, index.kind, index.items, index.sitemaps) == (OK, "sitemap index", 2, 2)
    assert index.newest == "2026-11-30T00:00:00+00:00"
    # its newest sitemap (by lastmod) is probed too, and its articles counted; the older one is not fetched
    assert index.matching == 3 and "/sitemap-2026-10.xml" not in site.requests
    assert index.notes == [f"2 sitemaps listed; the newest, {site.base}/sitemap-2026-11.xml: 3 items, 3 articles"]

    news = checks["sitemap", "/news-sitemap.xml"]
    assert (news.verdict, news.kind, news.items, news.matching) == (OK, "news sitemap", 3, 3)
    assert news.newest == "2026-11-30T12:02:00+00:00"

    # an HTML page configured as a sitemap: what the crawl would record as not_sitemap, and what it is
    wrong = checks["sitemap", "/section/"]
    assert wrong.verdict == "unreadable" and wrong.reason.endswith("; it is an HTML page")

    section = checks["section", "/section/"]
    assert (section.verdict, section.kind, section.matching) == (OK, "HTML section", 3)
    assert section.items == 7  # 3 stories and 4 navigation links, which are no articles

    assert site.agents == {UA}
    assert site.requests.count("/robots.txt") == 1  # once per host


def test_a_pattern_that_matches_nothing_fails_every_listing(site, tmp_path):
    checks = probe(
        site, tmp_path, source("loop", feeds=("feed.xml",), sections=("section/",), pattern=r"/stories/\d+$")
    )
    assert [c.verdict for c in checks.values()] == [NO_MATCH, NO_MATCH]
    assert "article_pattern '/stories/\\\\d+$'" in checks["feed", "/feed.xml"].reason


def test_the_ssrf_guard_applies_unless_private_networks_are_allowed(site, tmp_path):
    checks = probe(site, tmp_path, source("loop", feeds=("feed.xml",)), allow_private=False)
    check = checks["feed", "/feed.xml"]
    assert check.verdict == REFUSED
    assert "127.0.0.1" in check.reason and "loopback" in check.reason and "allow_private_networks" in check.reason


def test_the_command_json_shape_exit_status_and_one_error_line_each(site, tmp_path):
    path = tmp_path / "sources.toml"
    good = source("alpha", feeds=("feed.xml",), sitemaps=("news-sitemap.xml",))
    bad = source("beta", feeds=("gone.xml", "loop-a"))
    path.write_text(sources_toml(site.base, good, bad), "utf-8")
    command = [sys.executable, "-c", "from crawler.cli import main; main()", "sources", "check", "--config", str(path)]

    only_alpha = subprocess.run([*command, "--source", "alpha", "--json"], capture_output=True, text=True, timeout=60)
    assert only_alpha.returncode == 0, only_alpha.stderr
    rows = json.loads(only_alpha.stdout)
    assert [(r["source"], r["role"], r["verdict"]) for r in rows] == [("alpha", "feed", "ok"), ("alpha", "sitemap", "ok")]
    assert set(rows[0]) == {
        "source", "role", "url", "verdict", "reason", "status", "final_url", "redirects", "kind", "items",
        "sitemaps", "newest", "matching", "not_matching", "notes",
    }

    both = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert both.returncode == 1
    assert "2 sources, 4 listings: 2 ok, 2 not" in both.stdout
    lines = both.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0] == f"error: beta: feed {site.base}/gone.xml: dead: HTTP 404 Not Found"
    assert lines[1].startswith(f"error: beta: feed {site.base}/loop-a: dead: redirect loop after ")
    assert "Traceback" not in both.stderr

    unknown = subprocess.run([*command, "--source", "gamma"], capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == f"error: no source 'gamma' in {path}"


def test_a_sitemap_index_is_judged_by_the_newest_sitemap_a_crawl_follows(site, tmp_path):
    stale = probe(site, tmp_path, source("loop", sitemaps=("sitemap-index-stale.xml",)))["sitemap", "/sitemap-index-stale.xml"]
    assert stale.verdict == DEAD
    assert stale.reason == f"its newest sitemap {site.base}/sitemap-2026-12.xml: HTTP 404 Not Found"

    path = tmp_path / "sources.toml"
    entry = source("loop", sitemaps=("sitemap-index-stale.xml",)) + "sitemap_follow = ['-2026-11\\.xml$']\n"
    path.write_text(sources_toml(site.base, entry), "utf-8")
    (followed,) = check_sources(load_config(path))  # the gone one is not followed: the older one decides
    assert (followed.verdict, followed.matching) == (OK, 3)
    assert followed.notes == [f"1 of 2 sitemaps followed; the newest, {site.base}/sitemap-2026-11.xml: 3 items, 3 articles"]

    entry = source("loop", sitemaps=("sitemap-index.xml",)) + 'sitemap_follow = ["/none/"]\n'
    path.write_text(sources_toml(site.base, entry), "utf-8")
    (none,) = check_sources(load_config(path))
    assert none.verdict == NO_MATCH and none.reason == "none of its 2 sitemaps is followed (sitemap_follow ['/none/'])"
