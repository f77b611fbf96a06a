"""Foreign Policy: stories only (no podcasts, events, FP Live), and the canonical page for AMP links."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from crawler.items import META_HINTS, ROLE_FEED, ROLE_SECTION, ROLE_SITEMAP
from spiders.foreign_policy import without_amp
from tests.test_spider_base import make_spider, respond, urls

FP = "https://foreignpolicy.com"
DOUBLES_DOWN = f"{FP}/2023/01/06/iran-russia-drones-arms-deals-ukraine-war-sanctions/"
SU35 = f"{FP}/2023/01/03/russia-su-35-fighter-jets-iran-deal/"
S400 = f"{FP}/2023/01/02/iran-s-300-s-400-air-defense-russia/"


@pytest.fixture
def spider():
    return make_spider("foreign_policy")


def test_feed(spider):
    requests = respond(spider.listing_request(f"{FP}/feed/", ROLE_FEED), "foreign_policy/feed.xml")
    # not: the podcast episode (by its category), the FP Live page; the AMP item fetched as its canonical
    # page, and the canonical item after it is the same story
    assert urls(requests) == [DOUBLES_DOWN, SU35]
    assert requests[0].meta[META_HINTS] == {
        "title": "Iran Doubles Down on Russia",
        "published": "2023-01-06T20:55:23+00:00",
        "author": "Jack Detsch",
        "keywords": "Analysis, Iran, Russia",
        "summary": "Tehran is betting that Moscow\u2019s war needs will pay off in fighter jets.",
    }
    assert requests[1].meta[META_HINTS]["title"] == "Russia\u2019s Su-35s Are Heading to Iran"


def test_news_sitemap(spider):
    requests = respond(
        spider.listing_request(f"{FP}/news-sitemap.xml", ROLE_SITEMAP), "foreign_policy/news-sitemap.xml"
    )
    assert urls(requests) == [DOUBLES_DOWN, S400]
    assert requests[0].meta[META_HINTS] == {
        "title": "Iran Doubles Down on Russia",
        "published": "2023-01-06T20:55:23+00:00",
        "language": "en",
    }


def test_section_page(spider):
    section = spider.listing_request(f"{FP}/category/latest/", ROLE_SECTION)
    requests = respond(section, "foreign_policy/section-latest.html", HtmlResponse)
    # links relative to <base href>; not: podcasts, events, nav, author and pager links
    assert urls(requests) == [
        DOUBLES_DOWN,
        S400,
        f"{FP}/2022/12/30/shahed-136-geran-2-drones-russia-production/?utm_source=homepage",
    ]


@pytest.mark.parametrize(
    "url, canonical",
    [
        (f"{SU35}amp/", SU35),
        (f"{SU35}amp", SU35),
        (f"{SU35}?amp=1", SU35),
        (f"{SU35}?amp", SU35),
        (f"{SU35}?utm_source=x&amp=1", f"{SU35}?utm_source=x"),
        (f"{FP}/2023/01/03/ramp/", f"{FP}/2023/01/03/ramp/"),
    ],
)
def test_without_amp(url, canonical):
    assert without_amp(url) == canonical


@pytest.mark.parametrize(
    "url, hints, accepted",
    [
        (DOUBLES_DOWN, {}, True),
        (f"{FP}/podcasts/fp-live/2023/01/05/shahed-drones-ukraine/", {}, False),
        (f"{FP}/live/iran-russia-drone-war/", {}, False),
        (f"{FP}/events/2023/01/12/iran-russia-axis-briefing/", {}, False),
        (f"{FP}/2023/01/05/fp-live-shahed-drones-ukraine-podcast/", {"keywords": "Podcasts"}, False),
        (f"{FP}/2023/01/05/livestock-sanctions/", {"keywords": "Analysis, Iran"}, True),
    ],
)
def test_accept_article(spider, url, hints, accepted):
    assert spider.accept_article(url, hints) is accepted
