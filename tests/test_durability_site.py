"""The generated outlet of the durability tests (tests/crash_site.py) is what they take it for:
distinct 150-word articles, one in five naming the term, listings that answer 304, and faults that
behave as named. Plain HTTP requests, no crawler."""

from __future__ import annotations

import gzip
import http.client
import itertools
import re
import time
from collections.abc import Iterator

import pytest
from scrapy.settings import default_settings

from crawler import settings as project_settings
from crawler.dedup.fingerprints import shingles
from crawler.extraction import extract_article
from tests.crash_site import (
    BOMB_BYTES,
    CHAIN_HOPS,
    MATCH_EVERY,
    TERM,
    UPDATE_PARAGRAPH,
    UPDATING,
    WORDS_PER_ARTICLE,
    CrashSite,
    article_html,
)

UNRELATED_SIMILARITY = 0.35  # storage/articles.py: unrelated texts stay below it, copies measure 0.85+


@pytest.fixture
def site() -> Iterator[CrashSite]:
    started = CrashSite(count=20).start()
    yield started
    started.stop()


def get(site: CrashSite, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """One GET, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", int(site.base.rsplit(":", 1)[1]), timeout=10)
    try:
        connection.request("GET", "/" + path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_every_article_has_at_least_150_words() -> None:
    assert min(article.words for article in CrashSite(count=300).articles) >= WORDS_PER_ARTICLE


def test_no_two_articles_are_near_duplicates() -> None:
    texts = [set(shingles(" ".join(article.paragraphs))) for article in CrashSite(count=300).articles]
    closest = max(len(a & b) / len(a | b) for a, b in itertools.combinations(texts, 2))
    assert closest < UNRELATED_SIMILARITY


def test_every_article_has_a_title_and_path_of_its_own() -> None:
    articles = CrashSite(count=300).articles
    assert len({a.title for a in articles}) > 250 and len({a.path for a in articles}) == 300


def test_one_article_in_five_names_the_term_and_no_other_does() -> None:
    articles = CrashSite(count=300).articles
    assert sum(article.matches for article in articles) == 300 // MATCH_EVERY
    others = " ".join(p for article in articles if not article.matches for p in article.paragraphs)
    assert TERM.lower() not in others.lower()


def test_a_generated_page_extracts_as_the_article() -> None:
    article = CrashSite(count=1).articles[0]
    url = f"http://127.0.0.1:1/{article.path}"
    extracted = extract_article(article_html(article, url), url)
    assert extracted.is_article and extracted.canonical_url == url
    assert article.paragraphs[0] in extracted.text and article.paragraphs[-1] in extracted.text


def test_the_feed_lists_every_article_and_answers_304_to_its_etag(site: CrashSite) -> None:
    status, headers, body = get(site, "feed.xml")
    assert status == 200 and set(re.findall(r"<link>([^<]+/news/[^<]+)</link>", body.decode())) == set(site.article_urls())
    assert get(site, "feed.xml", **{"If-None-Match": headers["ETag"]})[0] == 304


def test_the_index_answers_304_while_its_changed_child_does_not(site: CrashSite) -> None:
    _, index, _ = get(site, "sitemap-index.xml")
    _, child, before = get(site, "sitemaps/part-2.xml")
    site.version = 2
    assert get(site, "sitemap-index.xml", **{"If-None-Match": index["ETag"]})[0] == 304
    assert get(site, "sitemap-index.xml", **{"If-Modified-Since": index["Last-Modified"]})[0] == 304
    status, headers, after = get(site, "sitemaps/part-2.xml", **{"If-None-Match": child["ETag"]})
    assert status == 200 and headers["Last-Modified"] != child["Last-Modified"] and after != before


def test_the_updating_story_names_the_term_from_version_2(site: CrashSite) -> None:
    assert TERM.encode() not in get(site, UPDATING)[2]
    site.version = 2
    assert UPDATE_PARAGRAPH.encode() in get(site, UPDATING)[2]


def test_once_503_answers_503_then_the_article(site: CrashSite) -> None:
    assert [get(site, "faults/once-503")[0] for _ in range(3)] == [503, 200, 200]


def test_always_503_answers_503_every_time(site: CrashSite) -> None:
    assert {get(site, "faults/always-503")[0] for _ in range(3)} == {503}


def test_the_gzip_bomb_is_small_and_inflates_past_the_default_page_limit(site: CrashSite) -> None:
    status, headers, body = get(site, "faults/gzip-bomb")
    assert status == 200 and headers["Content-Encoding"] == "gzip" and len(body) < 100_000
    assert len(gzip.decompress(body)) == BOMB_BYTES > project_settings.DOWNLOAD_MAXSIZE


def test_the_redirect_loop_comes_back_to_its_start(site: CrashSite) -> None:
    first = get(site, "faults/loop-a")
    second = get(site, first[1]["Location"].split("/", 3)[3])
    assert (first[0], second[0], second[1]["Location"]) == (302, 302, site.url("faults/loop-a"))


def test_the_redirect_chain_is_longer_than_scrapy_follows(site: CrashSite) -> None:
    path, hops = "faults/chain/0", 0
    while (response := get(site, path))[0] == 302 and hops <= CHAIN_HOPS:
        path, hops = response[1]["Location"].split("/", 3)[3], hops + 1
    assert response[0] == 200 and hops == CHAIN_HOPS > default_settings.REDIRECT_MAX_TIMES


def test_articles_wait_the_configured_delay() -> None:
    slow = CrashSite(count=1, delay=0.3).start()
    try:
        started = time.monotonic()
        assert get(slow, slow.articles[0].path)[0] == 200
        assert time.monotonic() - started >= 0.3
    finally:
        slow.stop()
