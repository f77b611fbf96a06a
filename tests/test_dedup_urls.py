"""canonical_url: one URL per story, whatever tracking, AMP or cosmetic variant a link carries."""

from __future__ import annotations

import pytest

from crawler.dedup import canonical_url

CASES = [
    # (url, declared canonical, expected)
    (
        "https://www.al-monitor.com/originals/2025/02/iran-su35",
        None,
        "https://www.al-monitor.com/originals/2025/02/iran-su35",
    ),
    ("http://www.al-monitor.com/originals/x", None, "https://www.al-monitor.com/originals/x"),
    ("HTTPS://WWW.Al-Monitor.COM/Originals/X", None, "https://www.al-monitor.com/Originals/X"),
    ("https://example.com:443/a", None, "https://example.com/a"),
    ("http://example.com:80/a", None, "https://example.com/a"),
    ("http://127.0.0.1:8123/news/a", None, "http://127.0.0.1:8123/news/a"),
    ("https://example.com/a/", None, "https://example.com/a"),
    ("https://example.com", None, "https://example.com/"),
    ("https://example.com/a#comments", None, "https://example.com/a"),
    ("https://example.com/a?utm_source=rss&utm_medium=feed&utm_campaign=x", None, "https://example.com/a"),
    ("https://example.com/a?fbclid=IwAR0&gclid=abc&mc_cid=1&mc_eid=2&yclid=3&_ga=4", None, "https://example.com/a"),
    ("https://example.com/a?ref=homepage&cmpid=rss&ito=792", None, "https://example.com/a"),
    ("https://example.com/a?UTM_Source=x&at_medium=social", None, "https://example.com/a"),
    ("https://example.com/story?page=2&id=7", None, "https://example.com/story?id=7&page=2"),
    ("https://example.com/story?id=7&utm_source=x#top", None, "https://example.com/story?id=7"),
    ("https://example.com/news/amp/iran-su35", None, "https://example.com/news/iran-su35"),
    ("https://example.com/news/iran-su35/amp/", None, "https://example.com/news/iran-su35"),
    ("https://example.com/news/iran-su35?amp", None, "https://example.com/news/iran-su35"),
    ("https://example.com/news/iran-su35?amp=1&outputType=amp", None, "https://example.com/news/iran-su35"),
    ("https://example.com/news/iran-su35.amp", None, "https://example.com/news/iran-su35"),
    ("https://example.com/news/iran-su35.amp.html", None, "https://example.com/news/iran-su35.html"),
    ("https://amp.theguardian.com/world/2025/iran", None, "https://theguardian.com/world/2025/iran"),
    (
        "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/iran-su35",
        None,
        "https://www.example.com/news/iran-su35",
    ),
    ("https://example.com/a%2fb", None, "https://example.com/a%2Fb"),
    ("https://example.com/a?q=", None, "https://example.com/a?q="),
    # a declared canonical on the same site wins
    (
        "https://www.example.com/x?id=7&utm_source=rss",
        "https://www.example.com/2025/iran-su35",
        "https://www.example.com/2025/iran-su35",
    ),
    (
        "https://amp.example.com/2025/iran-su35",
        "https://www.example.com/2025/iran-su35/",
        "https://www.example.com/2025/iran-su35",
    ),
    ("https://www.example.com/p/123", "/2025/iran-su35", "https://www.example.com/2025/iran-su35"),
    ("https://news.bbc.co.uk/1/x", "https://www.bbc.co.uk/news/x", "https://www.bbc.co.uk/news/x"),
    # …but not one on another site (a syndicated copy naming the original), nor the home page
    (
        "https://yahoo.com/news/iran-su35-1234",
        "https://www.reuters.com/world/iran-su35",
        "https://yahoo.com/news/iran-su35-1234",
    ),
    ("https://www.example.com/2025/iran-su35", "https://www.example.com/", "https://www.example.com/2025/iran-su35"),
    ("https://foo.co.uk/a", "https://bar.co.uk/a", "https://foo.co.uk/a"),
    ("https://www.example.com/a", "   ", "https://www.example.com/a"),
]


@pytest.mark.parametrize(("url", "declared", "expected"), CASES)
def test_canonical_url(url: str, declared: str | None, expected: str) -> None:
    assert canonical_url(url, declared) == expected


@pytest.mark.parametrize(("url", "declared", "expected"), CASES)
def test_canonical_url_is_idempotent(url: str, declared: str | None, expected: str) -> None:
    assert canonical_url(canonical_url(url, declared)) == canonical_url(url, declared)


def test_variants_of_one_story_collapse_to_one_url() -> None:
    variants = [
        "http://www.example.com/news/iran-su35/",
        "https://www.example.com/news/iran-su35?utm_source=twitter#comments",
        "https://www.example.com/news/amp/iran-su35",
        "https://www.example.com/news/iran-su35.amp",
        "https://WWW.EXAMPLE.COM:443/news/iran-su35?fbclid=1",
    ]
    assert {canonical_url(v) for v in variants} == {"https://www.example.com/news/iran-su35"}


def test_a_query_that_names_the_story_is_kept() -> None:
    assert canonical_url("https://example.com/article.php?id=1") != canonical_url(
        "https://example.com/article.php?id=2"
    )
