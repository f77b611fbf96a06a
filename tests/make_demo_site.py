"""Builds crawler/demo/site: the offline demo of README, a saved snapshot of seven watched outlets.

    python -m tests.make_demo_site        # rewrite crawler/demo/site from the fixture pages

Each outlet's real feed (or news sitemap) URL, from the shipped sources.toml, lists its fixture
article at the outlet's real URL; The Moscow Times also carries a lightly edited copy of the wire
story (Kyiv Independent another), and Tehran Times' feed links to a bot-challenge page, so the demo shows dedup and a recorded
failure. `newswatch crawl --replay crawler/demo/site` crawls it with no network.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

from crawler.config import load_config, packaged_config_path
from crawler.snapshot import INDEX

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "crawler" / "demo" / "site"
PAGES = REPO / "tests" / "fixtures" / "pages"
# source → (listing role, fixture pages it lists)
OUTLETS = {
    "al_monitor": ("feed", ["al_monitor_iran_russia_military"]),
    "foreign_policy": ("feed", ["foreign_policy_iran_doubles_down"]),
    "moscow_times": ("feed", ["moscow_times_fath360_missiles", "wire_reuters_un_curbs_expired"]),
    "tehran_times": ("feed", ["tehran_times_su35_purchase", "challenge_cloudflare_just_a_moment"]),
    "kyiv_independent": ("feed", ["kyiv_independent_alabuga_shaheds", "wire_reuters_un_curbs_expired"]),
    "defense_news": ("sitemap", ["defense_news_su35_training"]),
    "jamestown": ("feed", ["jamestown_edm_cp1252_drone_detente"]),
}
# The same wire story, republished by two outlets with small edits.
WIRE_COPIES = {
    "moscow_times": "https://www.themoscowtimes.com/2023/11/03/russia-not-bound-by-expired-un-missile-curbs-on-iran-a83001",
    "kyiv_independent": "https://kyivindependent.com/russia-says-its-not-bound-by-expired-un-curbs-on-iran-missiles/",
}
CHALLENGE_URL = "https://www.tehrantimes.com/news/491900/Iran-Russia-sign-drone-engine-deal"


def _expectation(fixture: str) -> dict:
    return tomllib.loads((PAGES / f"{fixture}.toml").read_text("utf-8"))


def _article_url(source: str, fixture: str) -> str:
    if fixture == "wire_reuters_un_curbs_expired":
        return WIRE_COPIES[source]
    if fixture.startswith("challenge_"):
        return CHALLENGE_URL
    return _expectation(fixture)["url"].split("?")[0]


def _rss(title: str, urls: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{url.rsplit('/', 1)[-1]}</title><link>{url}</link>"
        f"<pubDate>Fri, 03 Nov 2023 09:00:00 GMT</pubDate></item>"
        for url in urls
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"{items}</channel></rss>"
    ).encode()


def _news_sitemap(urls: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{url}</loc><lastmod>2024-04-12T21:03:47+00:00</lastmod></url>" for url in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</urlset>"
    ).encode()


def _config_entry(source) -> str:
    role, _ = OUTLETS[source.name]
    listing = f'feeds = ["{source.feeds[0]}"]' if role == "feed" else f'sitemaps = ["{source.sitemaps[0]}"]'
    pattern = f"article_pattern = {json.dumps(source.article_pattern)}\n" if source.article_pattern else ""
    return (
        f'[[source]]\nname = "{source.name}"\ntitle = "{source.title}"\nhomepage = "{source.homepage}"\n'
        f"{listing}\n{pattern}"
    )


def build(target: Path = DEMO) -> None:
    config = load_config(packaged_config_path())
    if target.exists():
        shutil.rmtree(target)
    (target / "pages").mkdir(parents=True)
    index, entries = [], ["# The offline demo's outlets: real discovery URLs, served from this snapshot.\n"]
    for name, (role, fixtures) in OUTLETS.items():
        source = config.source(name)
        urls = [_article_url(name, fixture) for fixture in fixtures]
        listing_url = source.feeds[0] if role == "feed" else source.sitemaps[0]
        listing = _rss(source.title, urls) if role == "feed" else _news_sitemap(urls)
        listing_file = f"pages/{name}-{role}.xml"
        (target / listing_file).write_bytes(listing)
        index.append(
            {
                "url": listing_url,
                "file": listing_file,
                "status": 200,
                "headers": {"Content-Type": "application/xml; charset=utf-8", "ETag": f'"{name}-1"'},
            }
        )
        for url, fixture in zip(urls, fixtures, strict=True):
            body = (PAGES / f"{fixture}.html").read_bytes()
            if url == WIRE_COPIES["moscow_times"]:  # each republisher edits the wire story a little
                body = body.replace(
                    b"a senior Russian diplomat said on Friday", b"a senior Russian diplomat told reporters"
                )
            elif url in WIRE_COPIES.values():
                body = body.replace(b"Iran denies sending weapons", b"Tehran has denied sending weapons")
            charset = "windows-1251" if "cp1251" in fixture else "utf-8"
            page_file = f"pages/{name}-{fixture}.html"
            (target / page_file).write_bytes(body)
            headers = {"Content-Type": "text/html" if "cp1252" in fixture else f"text/html; charset={charset}"}
            index.append({"url": url, "file": page_file, "status": 200, "headers": headers})
        entries.append(_config_entry(source))
    (target / INDEX).write_text("".join(json.dumps(entry) + "\n" for entry in index), "utf-8")
    (target / "sources.toml").write_text("\n".join(entries), "utf-8")


if __name__ == "__main__":
    build()
    print(f"wrote {DEMO}")
