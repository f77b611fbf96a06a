"""Al-Monitor: free /originals/ stories are followed, PRO (member-only) pages and sitemaps are not."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from crawler.items import META_HINTS, META_ROLE, ROLE_FEED, ROLE_SECTION, ROLE_SITEMAP
from tests.test_spider_base import make_spider, respond, stat, urls

AM = "https://www.al-monitor.com"
SPOTLIGHT = f"{AM}/originals/2023/03/iran-russia-military-relations-take-spotlight-following-moscow-fm-meeting"
FATH = f"{AM}/originals/2024/09/iran-ships-fath-360-missiles-russia-us-says"


@pytest.fixture
def spider():
    return make_spider("al_monitor")


def test_spider_is_the_hand_written_one(spider):
    assert type(spider).__name__ == "AlMonitorSpider"
    assert spider.allowed_domains == ["al-monitor.com"]


def test_feed(spider):
    requests = respond(spider.listing_request(f"{AM}/rss", ROLE_FEED), "al_monitor/rss.xml")
    # not: the PRO memo, the Reuters link, the repeated spotlight item; the relative link made absolute,
    # the fragment dropped
    assert urls(requests) == [
        SPOTLIGHT,
        f"{AM}/originals/2023/09/russia-delivers-yak-130-trainers-iran-ahead-su-35-jets",
        f"{AM}/originals/2024/02/irans-shahed-drone-exports-what-alabuga-plant-makes?utm_source=rss&utm_medium=feed",
    ]
    assert requests[0].meta[META_HINTS] == {
        "title": "Iran-Russia military relations take spotlight following Moscow FM meeting",
        "published": "2023-03-29T14:12:00+00:00",
        "author": "Al-Monitor Staff",
        "keywords": "Iran, Russia",
        "summary": "Despite international pressure, the two isolated states have been ramping up military ties.",
    }
    assert stat(spider, "newswatch/discovery/rejected") == 2


def test_sitemap_index_skips_the_member_only_sitemap(spider):
    requests = respond(spider.listing_request(f"{AM}/sitemap.xml", ROLE_SITEMAP), "al_monitor/sitemap.xml")
    assert urls(requests) == [f"{AM}/google-news-sitemap.xml", f"{AM}/sitemap.xml?page=2"]
    assert {r.meta[META_ROLE] for r in requests} == {ROLE_SITEMAP}


def test_news_sitemap_hints(spider):
    sitemap = spider.listing_request(f"{AM}/google-news-sitemap.xml", ROLE_SITEMAP)
    requests = respond(sitemap, "al_monitor/google-news-sitemap.xml")
    assert urls(requests) == [FATH, f"{AM}/originals/2024/09/russia-iran-sign-satellite-deal"]
    # <news:title>, not the <image:title>; dates in UTC, a date alone kept as a date
    assert [r.meta[META_HINTS] for r in requests] == [
        {
            "title": "Iran ships Fath-360 missiles to Russia, US says",
            "published": "2024-09-10T08:40:00+00:00",
            "modified": "2024-09-10T09:05:00+00:00",
            "keywords": "Iran, Russia, missiles",
            "language": "en",
        },
        {"title": "Russia, Iran sign satellite deal", "published": "2024-09-09", "language": "en"},
    ]


def test_section_page(spider):
    section = spider.listing_request(f"{AM}/iran", ROLE_SECTION)
    requests = respond(section, "al_monitor/section-iran.html", HtmlResponse)
    # each story once (teaser image, headline, footer "most read", #comments); no PRO, nav, pager or share links
    assert urls(requests) == [
        FATH,
        f"{AM}/originals/2024/09/irans-air-force-awaits-su-35-russia-delays",
        f"{AM}/originals/2024/09/shahed-production-alabuga-expands",
    ]


@pytest.mark.parametrize(
    "url, accepted",
    [
        (FATH, True),
        (f"{AM}/pro/memos/2024/09/fath-360-transfer-what-it-means", False),
        (f"{AM}/pro/2024/09/fath-360-transfer", False),
        (f"{AM}/originals/2024/09/pro-government-rally-tehran", True),
        ("https://www.al-monitor.net/originals/2024/09/x", False),
    ],
)
def test_accept_article(spider, url, accepted):
    assert spider.accept_article(url, {}) is accepted
