"""Listing formats beside RSS/Atom: JSON Feed 1 and 1.1, sitemap hreflang alternates, sitemaps listed
inside a urlset; and the saved listings of the outlets the shipped watch added (tests/fixtures/listings/)
parse into the article URLs each outlet's pattern accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import TextResponse, XmlResponse

from crawler.config import SourceConfig
from crawler.items import META_HINTS, META_ROLE, ROLE_FEED, ROLE_SITEMAP
from spiders.discovery import DiscoveryError, parse_feed, parse_sitemap, read_feed
from tests.test_spider_base import make_spider

LISTINGS = Path(__file__).parent / "fixtures" / "listings"
CL = "https://caspianledger.example"


def body(name: str) -> bytes:
    return (LISTINGS / name).read_bytes()


def crawl_listing(source: str, url: str, role: str, fixture: str, content_type: str = "application/xml") -> list:
    """What the shipped source's spider requests from the saved listing."""
    spider = make_spider(source)
    request = spider.listing_request(url, role)
    cls = XmlResponse if content_type.endswith("xml") else TextResponse
    response = cls(url=url, body=body(fixture), request=request, headers={"Content-Type": content_type})
    return list(request.callback(response))


# -- JSON Feed ---------------------------------------------------------------------------------


def test_json_feed_1_1_items_with_their_hints():
    kind, links = read_feed(body("json_feed/feed-1.1.json"), f"{CL}/defence/feed.json", "application/feed+json")
    assert kind == "JSON Feed"
    # the item without url or URL id is skipped; a relative url is made absolute; an id that is a URL serves
    assert [link.url for link in links] == [
        f"{CL}/defence/2026/11/su-35-delivery-slips",
        f"{CL}/defence/2026/11/shahed-plant-output",
        f"{CL}/defence/2026/11/caspian-route",
    ]
    assert links[0].hints == {
        "title": "Su-35 delivery to Iran slips & again",
        "published": "2026-11-30T15:02:00+00:00",
        "modified": "2026-11-30T16:15:00+00:00",
        "author": "Leyla Rahimova, Pavel Orlov",
        "keywords": "Iran, Russia, Su-35",
        "summary": "The first jets will not arrive before spring, officials say.",
        "language": "en",  # the feed's
    }
    assert links[1].hints["summary"] == "Plain text only: the plant now makes two a day."
    assert links[1].hints["language"] == "ru"  # the item's own wins
    # only a modified date: published then, as for an Atom entry without <published>
    assert links[2].hints["published"] == "2026-11-28T10:00:00+00:00"
    assert "modified" not in links[2].hints


def test_json_feed_1_author_and_html_summary_and_external_url():
    links = parse_feed(body("json_feed/feed-1.json"), f"{CL}/feed.json")  # found by its body, no Content-Type
    assert [link.url for link in links] == [
        f"{CL}/defence/2026/11/s-400-batteries",  # url wins over external_url
        f"{CL}/defence/2026/11/linked-elsewhere",
    ]
    assert links[0].hints["author"] == "Sam Carter"
    assert links[0].hints["summary"] == "Satellite images show two batteries."
    assert links[0].hints["published"] == "2026-11-27T17:00:00+00:00"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', "no 'items' list"),
        (b'{"items": []}', "version None"),
        (b"{not json", "not JSON"),
        (b"[1, 2]", "no 'items' list"),
    ],
)
def test_what_is_no_json_feed_says_why(text, reason):
    with pytest.raises(DiscoveryError, match=reason):
        parse_feed(text, f"{CL}/feed.json", "application/json")


def test_the_spider_reads_a_json_feed_it_refused_before():
    source = SourceConfig(
        name="caspian_ledger",
        title="Caspian Ledger",
        homepage=f"{CL}/",
        feeds=(f"{CL}/defence/feed.json",),
        article_pattern=r"/defence/\d{4}/\d{2}/[a-z0-9-]+$",
    )
    spider = make_spider("caspian_ledger", source)
    request = spider.listing_request(f"{CL}/defence/feed.json", ROLE_FEED)
    response = TextResponse(
        url=request.url,
        body=body("json_feed/feed-1.1.json"),
        request=request,
        headers={"Content-Type": "application/feed+json"},
    )
    requests = list(request.callback(response))
    assert spider.failures == []
    assert [r.url for r in requests][:2] == [
        f"{CL}/defence/2026/11/su-35-delivery-slips",
        f"{CL}/defence/2026/11/shahed-plant-output",
    ]
    assert requests[0].meta[META_HINTS]["title"] == "Su-35 delivery to Iran slips & again"


# -- sitemaps ----------------------------------------------------------------------------------


def test_hreflang_alternates_are_articles_of_their_language_and_nested_sitemaps_are_sitemaps():
    listing = parse_sitemap(body("iran_international_fa/sitemap-news.xml"), "https://www.iranintl.com/sitemap-news.xml")
    assert not listing.is_index and listing.news
    assert [(link.url, link.hints.get("language")) for link in listing.links] == [
        ("https://www.iranintl.com/202611301204", "fa"),
        ("https://www.iranintl.com/en/202611301207", "en"),  # its alternate, with the entry's lastmod
        ("https://www.iranintl.com/202611300871", None),  # x-default: no language, and no second copy
    ]
    assert listing.links[1].hints["modified"] == "2026-11-30T16:04:00+00:00"
    assert [link.url for link in listing.sitemaps] == [
        "https://www.iranintl.com/sitemaps/sitemap-2026-11.xml",
        "https://www.iranintl.com/sitemaps/sitemap-2026-10.xml",
    ]


def test_the_spider_follows_sitemaps_inside_a_urlset_as_sitemaps_and_keeps_its_languages_article():
    requests = crawl_listing(
        "iran_international_fa",
        "https://www.iranintl.com/sitemap-news.xml",
        ROLE_SITEMAP,
        "iran_international_fa/sitemap-news.xml",
    )
    articles = [r.url for r in requests if r.meta[META_ROLE] != ROLE_SITEMAP]
    sitemaps = [r.url for r in requests if r.meta[META_ROLE] == ROLE_SITEMAP]
    # the English alternate is iran_international's (its pattern): not this Persian source's
    assert articles == ["https://www.iranintl.com/202611301204", "https://www.iranintl.com/202611300871"]
    assert sitemaps == [
        "https://www.iranintl.com/sitemaps/sitemap-2026-11.xml",
        "https://www.iranintl.com/sitemaps/sitemap-2026-10.xml",
    ]
    english = crawl_listing(
        "iran_international",
        "https://www.iranintl.com/sitemap-news.xml",
        ROLE_SITEMAP,
        "iran_international_fa/sitemap-news.xml",
    )
    assert [r.url for r in english if r.meta[META_ROLE] != ROLE_SITEMAP] == ["https://www.iranintl.com/en/202611301207"]


def test_a_sitemap_inside_a_urlset_on_another_site_is_not_followed():
    spider = make_spider("iran_international_fa")
    url = "https://www.iranintl.com/s.xml"
    xml = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://tracker.example/sitemap.xml</loc></sitemap></urlset>"
    )
    request = spider.listing_request(url, ROLE_SITEMAP)
    assert list(request.callback(XmlResponse(url=url, body=xml, request=request))) == []


# -- the new outlets' saved listings -----------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "url", "fixture", "expected"),
    [
        (
            "kommersant",
            "https://www.kommersant.ru/RSS/news.xml",
            "kommersant/rss-news.xml",
            # not the gallery
            ["https://www.kommersant.ru/doc/8123456", "https://www.kommersant.ru/doc/8123401?from=rss"],
        ),
        (
            "bbc_persian",
            "https://feeds.bbci.co.uk/persian/rss.xml",
            "bbc_persian/rss.xml",
            # not the video page
            [
                "https://www.bbc.com/persian/articles/c9d8e7f6a5bo?at_medium=RSS&at_campaign=rss",
                "https://www.bbc.com/persian/articles/c1a2b3c4d5eo?at_medium=RSS&at_campaign=rss",
            ],
        ),
        (
            "isw",
            "https://understandingwar.org/feed/?post_type=post",
            "isw/feed.xml",
            # the apex host's /research/<region>/<slug>/ (the old pattern matched none); not the careers page
            [
                "https://understandingwar.org/research/middle-east/iran-update-november-30-2026/",
                "https://understandingwar.org/research/russia-ukraine/russian-offensive-campaign-assessment-november-30-2026/",
            ],
        ),
        (
            "long_war_journal",
            "https://www.longwarjournal.org/feed",
            "long_war_journal/feed.xml",
            ["https://www.longwarjournal.org/archives/2026/11/irgc-displays-new-shahed-variant-at-tehran-parade.php"],
        ),
    ],
)
def test_saved_feeds_of_the_new_outlets_give_their_articles(source, url, fixture, expected):
    requests = crawl_listing(source, url, ROLE_FEED, fixture, "application/rss+xml")
    assert [r.url for r in requests] == expected
    assert all(r.meta[META_HINTS].get("title") for r in requests)


def test_persian_and_russian_titles_survive_as_hints():
    kommersant = crawl_listing(
        "kommersant", "https://www.kommersant.ru/RSS/news.xml", ROLE_FEED, "kommersant/rss-news.xml"
    )
    assert kommersant[1].meta[META_HINTS]["title"] == "«Шахеды» подешевели вдвое"
    assert kommersant[1].meta[META_HINTS]["summary"] == "Производство в Алабуге вышло на проектную мощность."
    persian = crawl_listing("bbc_persian", "https://feeds.bbci.co.uk/persian/rss.xml", ROLE_FEED, "bbc_persian/rss.xml")
    assert persian[0].meta[META_HINTS]["title"].startswith("تحویل جنگنده‌های سوخو-۳۵")
    assert persian[0].meta[META_HINTS]["published"] == "2026-11-30T17:58:03+00:00"
