"""The shared spider, through the generated moscow_times spider: feeds, sitemaps, sections, articles, failures.

Responses are built from fixture bytes under tests/fixtures/sites/; each test follows the requests
the spider yields, as the engine would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.config import SourceConfig, load_config, packaged_config_path
from crawler.items import (
    META_DISCOVERED_VIA,
    META_HINTS,
    META_ROLE,
    META_SOURCE,
    ROLE_ARTICLE,
    ROLE_FEED,
    ROLE_SECTION,
    ROLE_SITEMAP,
    Page,
)
from spiders.base import NewsSourceSpider

SITES = Path(__file__).parent / "fixtures" / "sites"
TMT = "https://www.themoscowtimes.com"
FATH = f"{TMT}/2024/09/10/iran-ships-first-fath-360-missiles-to-russia-across-the-caspian-officials-say-a86317"


def make_spider(name: str, source: SourceConfig | None = None) -> NewsSourceSpider:
    source = source or load_config(packaged_config_path()).source(name)
    cls = NewsSourceSpider.for_source(source)
    return cls.from_crawler(get_crawler(cls), source=source)


def respond(
    request: Request,
    fixture: str | None,
    response_cls: type[Response] = XmlResponse,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> list:
    """What the request's callback yields for a response with the fixture's bytes."""
    body = (SITES / fixture).read_bytes() if fixture else b""
    response = response_cls(url=request.url, body=body, request=request, status=status, headers=headers)
    return list(request.callback(response))


def urls(requests: list[Request]) -> list[str]:
    return [request.url for request in requests]


def stat(spider: NewsSourceSpider, key: str) -> int:
    return spider.crawler.stats.get_value(key, 0)


@pytest.fixture
def spider() -> NewsSourceSpider:
    return make_spider("moscow_times")


# -- start -------------------------------------------------------------------------------------


def test_listing_requests_cover_every_feed_sitemap_and_section(spider):
    requests = list(spider.listing_requests())
    source = spider.source
    assert [(r.url, r.meta[META_ROLE]) for r in requests] == [
        *((url, ROLE_FEED) for url in source.feeds),
        *((url, ROLE_SITEMAP) for url in source.sitemaps),
        *((url, ROLE_SECTION) for url in source.sections),
    ]
    assert all(r.meta[META_SOURCE] == "moscow_times" and r.dont_filter for r in requests)


def test_generated_spider_takes_its_domains_from_the_source(spider):
    assert type(spider).__name__ == "MoscowTimesSpider"
    assert spider.name == "moscow_times"
    assert spider.allowed_domains == ["themoscowtimes.com"]


# -- feeds -------------------------------------------------------------------------------------


def test_atom_feed_yields_article_requests_with_hints(spider):
    feed = spider.listing_request(f"{TMT}/rss/news", ROLE_FEED)
    requests = respond(feed, "moscow_times/atom.xml")
    assert urls(requests) == [FATH, f"{TMT}/2024/09/09/kremlin-declines-comment-on-iranian-missile-reports-a86301"]
    first, second = requests
    assert first.meta[META_ROLE] == ROLE_ARTICLE
    assert first.meta[META_SOURCE] == "moscow_times"
    assert first.meta[META_DISCOVERED_VIA] == f"{TMT}/rss/news"
    assert first.meta[META_HINTS] == {
        "title": "Iran Ships First Fath-360 Missiles to Russia Across the Caspian, Officials Say",
        "published": "2024-09-10T08:40:00+00:00",
        "modified": "2024-09-10T09:05:00+00:00",
        "author": "The Moscow Times",
        "summary": "Short-range ballistic missiles crossed the Caspian Sea.",
    }
    # an entry with only <updated>: that is the best publication date the feed gives
    assert second.meta[META_HINTS] == {
        "title": "Kremlin Declines Comment on Iranian Missile Reports",
        "published": "2024-09-09T18:00:00+00:00",
    }


def test_rdf_feed(spider):
    requests = respond(spider.listing_request(f"{TMT}/rss/opinion", ROLE_FEED), "moscow_times/rdf.xml")
    assert urls(requests) == [f"{TMT}/2024/09/08/why-moscow-needs-tehrans-missiles-a86290"]
    assert requests[0].meta[META_HINTS] == {
        "title": "Why Moscow Needs Tehran's Missiles",
        "published": "2024-09-08T07:00:00+00:00",
        "author": "Pavel Luzin",
        "keywords": "Iran",
    }


def test_feed_entries_off_pattern_are_rejected_and_counted(spider):
    respond(spider.listing_request(f"{TMT}/rss/news", ROLE_FEED), "moscow_times/atom.xml")
    assert stat(spider, "newswatch/discovery/rejected") == 1  # the /live/ blog
    assert stat(spider, "newswatch/discovery/articles") == 2


def test_html_served_as_feed_is_one_failure_and_no_crash(spider, caplog):
    feed = spider.listing_request(f"{TMT}/rss/news", ROLE_FEED)
    assert respond(feed, "moscow_times/not-a-feed.html", HtmlResponse) == []
    assert spider.failures == [
        (
            f"{TMT}/rss/news",
            "not_feed",
            "not an RSS/Atom/RDF feed (starts '<!DOCTYPE html> <html lang=\"en-US\"> <hea')",
        )
    ]
    assert stat(spider, "newswatch/failures/not_feed") == 1
    assert stat(spider, "newswatch/discovery/errors") == 1
    [line] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert f"{TMT}/rss/news" in line and "not an RSS/Atom/RDF feed" in line


def test_empty_feed_body_is_a_failure(spider):
    assert respond(spider.listing_request(f"{TMT}/rss/news", ROLE_FEED), None) == []
    assert spider.failures == [(f"{TMT}/rss/news", "not_feed", "empty feed body")]


# -- sitemaps ----------------------------------------------------------------------------------


def test_sitemap_index_recursion_down_to_a_gzipped_sitemap(spider):
    index = spider.listing_request(f"{TMT}/sitemap.xml", ROLE_SITEMAP)
    [yearly] = respond(index, "moscow_times/sitemap-index.xml")  # listed twice, followed once
    assert (yearly.url, yearly.meta[META_ROLE]) == (f"{TMT}/sitemap/2024.xml", ROLE_SITEMAP)
    [monthly] = respond(yearly, "moscow_times/sitemap-2024.xml")
    assert monthly.url == f"{TMT}/sitemap/2024-09.xml.gz"
    articles = respond(monthly, "moscow_times/sitemap-2024-09.xml.gz", Response)
    assert urls(articles) == [FATH, f"{TMT}/2024/09/01/su-35-deliveries-to-iran-delayed-again-a86150"]
    assert articles[0].meta[META_HINTS] == {"modified": "2024-09-10T09:05:00+00:00"}
    assert articles[0].meta[META_DISCOVERED_VIA] == f"{TMT}/sitemap/2024-09.xml.gz"


def test_sitemap_indexes_nested_too_deep_are_a_failure(spider):
    index = spider.listing_request(f"{TMT}/sitemap.xml", ROLE_SITEMAP, sitemap_depth=spider.max_sitemap_depth)
    assert respond(index, "moscow_times/sitemap-2024.xml") == []
    assert spider.failures == [(f"{TMT}/sitemap.xml", "sitemap_depth", "sitemap index nested deeper than 3")]


def test_html_served_as_sitemap_is_one_failure(spider):
    sitemap = spider.listing_request(f"{TMT}/sitemap.xml", ROLE_SITEMAP)
    assert respond(sitemap, "moscow_times/section-news.html", HtmlResponse) == []
    assert spider.failures == [(f"{TMT}/sitemap.xml", "not_sitemap", "not a sitemap: root element <html>")]
    assert stat(spider, "newswatch/discovery/errors") == 1


def test_garbage_served_as_sitemap_is_one_failure(spider):
    sitemap = spider.listing_request(f"{TMT}/sitemap.xml", ROLE_SITEMAP)
    response = Response(url=sitemap.url, body=b"\x00\x01 not xml", request=sitemap)
    assert list(sitemap.callback(response)) == []
    [(url, kind, reason)] = spider.failures
    assert (url, kind) == (f"{TMT}/sitemap.xml", "not_sitemap")
    assert reason.startswith("not XML")


# -- sections ----------------------------------------------------------------------------------


def test_section_page_yields_same_domain_links_matching_the_pattern(spider):
    requests = respond(
        spider.listing_request(f"{TMT}/news", ROLE_SECTION), "moscow_times/section-news.html", HtmlResponse
    )
    # not: navigation, the .ru edition (another domain), the PDF
    assert urls(requests) == [FATH, f"{TMT}/2024/09/10/russian-drone-maker-alabuga-hires-african-students-a86320"]
    assert requests[0].meta[META_HINTS] == {}
    assert requests[0].meta[META_DISCOVERED_VIA] == f"{TMT}/news"


def test_a_section_that_is_no_text_page_is_a_failure(spider):
    section = spider.listing_request(f"{TMT}/news", ROLE_SECTION)
    response = Response(url=section.url, body=b"%PDF-1.7", request=section, headers={"Content-Type": "application/pdf"})
    assert list(section.callback(response)) == []
    assert spider.failures == [(f"{TMT}/news", "not_html", "not an HTML page (application/pdf)")]


def test_section_links_need_a_pattern():
    source = SourceConfig(name="loose", title="Loose", homepage=f"{TMT}/", sections=(f"{TMT}/news",))
    spider = make_spider("loose", source)
    assert (
        respond(spider.listing_request(f"{TMT}/news", ROLE_SECTION), "moscow_times/section-news.html", HtmlResponse)
        == []
    )


# -- one request per article per run -----------------------------------------------------------


def test_an_article_found_by_feed_sitemap_and_section_is_requested_once_with_the_first_hints(spider):
    from_feed = respond(spider.listing_request(f"{TMT}/rss/news", ROLE_FEED), "moscow_times/atom.xml")
    index = spider.listing_request(f"{TMT}/sitemap/2024-09.xml.gz", ROLE_SITEMAP)
    from_sitemap = respond(index, "moscow_times/sitemap-2024-09.xml.gz", Response)
    section = spider.listing_request(f"{TMT}/news", ROLE_SECTION)
    from_section = respond(section, "moscow_times/section-news.html", HtmlResponse)
    assert FATH in urls(from_feed)
    assert FATH not in urls(from_sitemap) + urls(from_section)
    assert len(urls(from_sitemap)) == len(urls(from_section)) == 1


# -- 304 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, url",
    [(ROLE_FEED, f"{TMT}/rss/news"), (ROLE_SITEMAP, f"{TMT}/sitemap.xml"), (ROLE_SECTION, f"{TMT}/news")],
)
def test_not_modified_listing_yields_nothing(spider, role, url):
    assert 304 in spider.handle_httpstatus_list
    assert respond(spider.listing_request(url, role), None, Response, status=304) == []
    assert spider.failures == []
    assert stat(spider, "newswatch/discovery/not_modified") == 1


# -- articles ----------------------------------------------------------------------------------


def test_article_response_becomes_a_page_item(spider):
    [request] = respond(spider.listing_request(f"{TMT}/rss/opinion", ROLE_FEED), "moscow_times/rdf.xml")
    body = "<html><body><p>Text in Cyrillic: Москва</p></body></html>".encode("cp1251")
    headers = {"Content-Type": 'text/html; charset="Windows-1251"'}
    response = HtmlResponse(url=request.url, body=body, request=request, headers=headers)
    [item] = list(request.callback(response))
    assert isinstance(item, Page)
    assert item.url == f"{TMT}/2024/09/08/why-moscow-needs-tehrans-missiles-a86290"
    assert (item.source, item.status, item.body) == ("moscow_times", 200, body)
    assert item.encoding == "windows-1251"
    assert item.discovered_via == f"{TMT}/rss/opinion"
    assert item.hints["title"] == "Why Moscow Needs Tehran's Missiles"
    assert item.fetched_at.tzinfo is not None and item.fetched_at.utcoffset().total_seconds() == 0


def test_article_without_charset_has_no_encoding_and_binary_bodies_pass_untouched(spider):
    request = Request(f"{TMT}/2024/09/10/sanctions-a1", callback=spider.parse_article, meta={META_ROLE: ROLE_ARTICLE})
    response = Response(
        url=request.url, body=b"%PDF-1.7\x00", request=request, headers={"Content-Type": "application/pdf"}
    )
    [item] = list(request.callback(response))
    assert (item.encoding, item.body, item.discovered_via, item.hints) == (None, b"%PDF-1.7\x00", None, {})


# -- errback -----------------------------------------------------------------------------------


def _fail(spider: NewsSourceSpider, request: Request, exception: Exception) -> None:
    failure = Failure(exception)
    failure.request = request
    request.errback(failure)


def test_listing_http_error_is_logged_and_counted(spider, caplog):
    feed = spider.listing_request(f"{TMT}/rss/news", ROLE_FEED)
    _fail(spider, feed, HttpError(Response(feed.url, status=404, request=feed)))
    assert stat(spider, "newswatch/discovery/errors") == 1
    assert spider.failures == []  # listings it could not parse only; HTTP errors go to the run
    assert stat(spider, "newswatch/failures/http_404") == 1
    [line] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert line == f"feed failed: {TMT}/rss/news: HTTP 404"


def test_a_listing_robots_txt_refuses_is_recorded_not_skipped_silently(spider):
    _fail(spider, spider.listing_request(f"{TMT}/rss/news", ROLE_FEED), IgnoreRequest("Forbidden by robots.txt"))
    assert stat(spider, "newswatch/failures/refused:robots") == 1
    assert stat(spider, "newswatch/discovery/errors") == 1


def test_article_download_errors_are_left_to_the_failure_middleware(spider):
    request = Request(FATH, callback=spider.parse_article, errback=spider.on_error, meta={META_ROLE: ROLE_ARTICLE})
    _fail(spider, request, TimeoutError("took too long"))
    assert stat(spider, "newswatch/discovery/errors") == 0
    assert spider.failures == []


# -- how a spider finds its source -------------------------------------------------------------


def test_scrapy_crawl_without_kwargs_loads_the_source_by_name(monkeypatch):
    monkeypatch.delenv("NEWSWATCH_CONFIG", raising=False)
    monkeypatch.chdir(SITES)  # no sources.toml here: the packaged config
    cls = NewsSourceSpider.for_source(load_config(packaged_config_path()).source("moscow_times"))
    spider = cls()
    assert spider.source.name == "moscow_times"
    assert spider.source.feeds


def test_config_path_as_a_spider_argument(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[source]]\nname = "moscow_times"\ntitle = "TMT"\nhomepage = "https://www.themoscowtimes.com/"\n'
        'feeds = ["https://www.themoscowtimes.com/rss/news"]\n',
        "utf-8",
    )
    cls = NewsSourceSpider.for_source(load_config(packaged_config_path()).source("moscow_times"))
    spider = cls(config=str(path))
    assert spider.source.feeds == ("https://www.themoscowtimes.com/rss/news",)
    assert spider.source.sections == ()


def test_for_source_makes_a_class_for_a_source_the_packaged_config_lacks():
    source = SourceConfig(
        name="alpha_times",
        title="Alpha",
        homepage="http://127.0.0.1:8123/alpha/",
        feeds=("http://127.0.0.1:8123/alpha/feed.xml",),
    )
    cls = NewsSourceSpider.for_source(source)
    assert (cls.__name__, cls.name, cls.__module__) == ("AlphaTimesSpider", "alpha_times", "spiders.configured")
    assert NewsSourceSpider.for_source(source) is cls
    spider = make_spider("alpha_times", source)
    assert spider.allowed_domains == ["127.0.0.1"]
    # the domain check looks at the host, not host:port
    assert spider.accept_article("http://127.0.0.1:8123/alpha/a/story", {})
    assert not spider.accept_article("http://127.0.0.2:8123/beta/b/story", {})


def test_for_source_prefers_the_hand_written_spider_and_the_spider_key():
    config = load_config(packaged_config_path())
    assert NewsSourceSpider.for_source(config.source("al_monitor")).__module__ == "spiders.al_monitor"
    reuse = SourceConfig(
        name="fp_archive",
        title="FP",
        homepage="https://foreignpolicy.com/",
        feeds=("https://foreignpolicy.com/feed/",),
        spider="foreign_policy",
    )
    assert NewsSourceSpider.for_source(reuse).__name__ == "ForeignPolicySpider"
    dotted = SourceConfig(
        name="x",
        title="X",
        homepage="https://x.example.com/",
        feeds=("https://x.example.com/f",),
        spider="spiders.al_monitor.AlMonitorSpider",
    )
    assert NewsSourceSpider.for_source(dotted).__name__ == "AlMonitorSpider"
    missing = SourceConfig(
        name="y",
        title="Y",
        homepage="https://y.example.com/",
        feeds=("https://y.example.com/f",),
        spider="no_such_spider",
    )
    with pytest.raises(LookupError, match="no spider named 'no_such_spider'"):
        NewsSourceSpider.for_source(missing)
