"""`newswatch sources add HOMEPAGE`: feeds and sitemaps found from a loopback homepage and its
robots.txt (trafilatura's discovery, our fetcher), an article_pattern generalised from the article
URLs found, and --write adding the entry to the sources file with its comments kept."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from crawler.app.discover import DiscoveryFailed, discover_source, propose_pattern, suggest_name
from crawler.config import load_config
from tests.listing_site import ARTICLES, ListingSite, source, sources_toml

ADVERTISING = (
    '<html lang="en"><head><title>Loop Times</title>'
    '<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">'
    '<link rel="alternate" type="application/feed+json" title="JSON" href="/feed.json">'
    '<link rel="alternate" type="application/rss+xml" href="/comments/feed/">'  # trafilatura skips comment feeds
    '</head><body><a href="/about/">About</a></body></html>'
)
BARE = (
    '<html lang="ru"><head><meta property="og:site_name" content="Bare News"><title>Home | Bare</title></head>'
    '<body><nav><a href="/">Home</a><a href="/about/">About</a><a href="/contact/">Contact</a>'
    '<a href="/section/">News</a></nav><ul>'
    + "".join(f'<li><a href="/news/{path}">x</a></li>' for path in ARTICLES)
    + '</ul><a href="https://elsewhere.example/news/2026/11/a-b-c">elsewhere</a></body></html>'
)


@pytest.fixture(scope="module")
def advertising():
    site = ListingSite(robots="User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap-index.xml\n", homepage=ADVERTISING)
    yield site
    site.stop()


@pytest.fixture(scope="module")
def bare():
    site = ListingSite(homepage=BARE)  # no robots.txt: 404
    yield site
    site.stop()


def config_for(tmp_path, site, allow_private=True):
    path = tmp_path / "sources.toml"
    path.write_text(
        "# my watch: keep this comment\n" + sources_toml(site.base, source("existing", feeds=("feed.xml",)),
                                                         allow_private=allow_private),
        "utf-8",
    )
    return path


def test_a_homepage_advertising_its_feeds_and_a_robots_sitemap(advertising, tmp_path):
    proposal = discover_source(f"{advertising.base}/", load_config(config_for(tmp_path, advertising)))
    base = advertising.base
    entry = proposal.entry
    assert entry["feeds"] == [f"{base}/feed.xml", f"{base}/feed.json"]
    assert entry["sitemaps"] == [f"{base}/sitemap-index.xml"]
    assert "sections" not in entry
    assert (entry["title"], entry["language"], entry["name"]) == ("Loop Times", "en", "site_127_0_0_1")
    assert entry["article_pattern"] == "^" + re.escape(base) + r"/news/\d{4}/\d{2}/[a-z0-9-]+(\?|$)"
    assert proposal.sample == [f"{base}/news/{path}" for path in ARTICLES]
    assert not re.search(entry["article_pattern"], f"{base}/about/")
    # the index's newest sitemap was read for article URLs; the older one 404s and is said
    assert [(f.url.removeprefix(base), f.kind) for f in proposal.found] == [
        ("/feed.xml", "RSS"), ("/feed.json", "JSON Feed"), ("/sitemap-index.xml", "sitemap index"),
    ]
    assert proposal.rejected == [(f"{base}/sitemap-2026-10.xml", "HTTP 404 Not Found")]
    assert advertising.agents == {"newswatch-test/1 (+https://example.org/bot)"}
    assert "/comments/feed/" not in advertising.requests
    proposal.source()  # the entry makes a valid SourceConfig


def test_a_homepage_with_neither_gives_a_section_and_a_pattern_from_its_links(bare, tmp_path):
    proposal = discover_source(f"{bare.base}/", load_config(config_for(tmp_path, bare)), name="bare_news")
    entry = proposal.entry
    assert entry["sections"] == [f"{bare.base}/"] and "feeds" not in entry and "sitemaps" not in entry
    assert (entry["name"], entry["title"], entry["language"]) == ("bare_news", "Bare News", "ru")
    assert entry["article_pattern"] == "^" + re.escape(bare.base) + r"/news/\d{4}/\d{2}/[a-z0-9-]+(\?|$)"
    assert proposal.sample == [f"{bare.base}/news/{path}" for path in ARTICLES]


def test_the_ssrf_guard_applies_to_discovery(advertising, tmp_path):
    with pytest.raises(DiscoveryFailed, match=r"refused: private address: 127\.0\.0\.1 resolves to 127\.0\.0\.1 \(loopback\); see \[crawl\] allow_private_networks"):
        discover_source(f"{advertising.base}/", load_config(config_for(tmp_path, advertising, allow_private=False)))


def test_robots_txt_that_disallows_the_homepage_stops_discovery(tmp_path):
    site = ListingSite(robots="User-agent: *\nDisallow: /\n", homepage=ADVERTISING)
    try:
        with pytest.raises(DiscoveryFailed, match="robots.txt disallows it"):
            discover_source(f"{site.base}/", load_config(config_for(tmp_path, site)))
        assert "/" not in site.requests
    finally:
        site.stop()


def newswatch(*args):
    command = [sys.executable, "-c", "from crawler.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_write_adds_the_entry_keeping_comments_and_refuses_a_taken_name(bare, tmp_path):
    path = config_for(tmp_path, bare)
    before = path.read_text("utf-8")
    shown = newswatch("sources", "add", f"{bare.base}/", "--config", str(path), "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["written"] is None and path.read_text("utf-8") == before
    assert set(data) == {"entry", "toml", "found", "rejected", "sample", "requests", "written"}
    assert data["toml"].startswith('[[source]]\nname = "site_127_0_0_1"\n')

    written = newswatch("sources", "add", f"{bare.base}/", "--config", str(path), "--write", "--name", "bare_news")
    assert written.returncode == 0, written.stderr
    assert f"Added 'bare_news' to {path}" in written.stdout
    text = path.read_text("utf-8")
    assert text.startswith(before.rstrip("\n"))  # everything that was there, comments included
    assert "# my watch: keep this comment" in text
    config = load_config(path)
    assert [s.name for s in config.sources] == ["existing", "bare_news"]
    assert config.source("bare_news").sections == (f"{bare.base}/",)

    again = newswatch("sources", "add", f"{bare.base}/", "--config", str(path), "--write", "--name", "bare_news")
    assert again.returncode == 2
    assert again.stderr.strip() == f"error: {path}:1: source 'bare_news': field 'name': already in the file: pick --name"
    assert path.read_text("utf-8") == text

    bad = newswatch("sources", "add", f"{bare.base}/", "--config", str(path), "--name", "Bad Name")
    assert (bad.returncode, bad.stderr.strip()) == (2, "error: --name 'Bad Name': must be a snake_case name (a-z, 0-9 and _)")


@pytest.mark.parametrize(
    ("urls", "pattern"),
    [
        (
            ["https://www.kommersant.ru/doc/8123456", "https://www.kommersant.ru/doc/8123401",
             "https://www.kommersant.ru/gallery/812", "https://www.kommersant.ru/about"],
            r"^https://www\.kommersant\.ru/doc/\d+(\?|$)",
        ),
        (
            ["https://ria.ru/20261130/iran-1987654321.html", "https://ria.ru/20261129/su-35-dostavka-1987650000.html"],
            r"^https://ria\.ru/\d+/[a-z0-9-]+\.html(\?|$)",
        ),
        (
            ["https://www.irna.ir/news/85712345/%D8%A7%DB%8C%D8%B1%D8%A7%D9%86", "https://www.irna.ir/news/85712001/%D8%B1"],
            r"^https://www\.irna\.ir/news/\d+/[^/?#]+(\?|$)",
        ),
        (
            ["https://jamestown.org/program/moscow-and-tehrans-drone-detente/",
             "https://jamestown.org/program/russia-terminates-rail-mobile-missile/", "https://jamestown.org/about-us/"],
            r"^https://jamestown\.org/program/[a-z0-9-]+/(\?|$)",
        ),
        (
            ["https://x.example/world/2026/11/30/a-b-c", "https://x.example/business/2026/11/29/d-e-f"],
            r"^https://x\.example/(business|world)/\d{4}/\d{2}/\d{2}/[a-z0-9-]+(\?|$)",
        ),
        (["https://x.example/", "https://x.example/about/", "https://x.example/contact"], None),
    ],
)
def test_patterns_generalised_from_real_url_shapes(urls, pattern):
    assert propose_pattern(urls) == pattern
    if pattern:
        assert re.search(pattern, urls[0]) and re.search(pattern, urls[1])


def test_suggested_names():
    assert suggest_name("https://www.kyivpost.com/") == "kyivpost"
    assert suggest_name("https://www.bbc.co.uk/persian") == "bbc"
    assert suggest_name("https://al-monitor.com/") == "al_monitor"
