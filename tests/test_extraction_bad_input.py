"""Bad input gives a clear ExtractionError or a clean result, never a traceback."""

from __future__ import annotations

import gzip
import json

import pytest

from crawler.extraction import ExtractionError, PageKind, extract_article
from crawler.extraction.decoding import decode_html, maybe_gunzip

STORY = (
    "<p>Iran delivered a new batch of Shahed drones to Russia this month, officials in Kyiv said on "
    "Tuesday, adding that the shipment crossed the Caspian Sea by ferry.</p>"
    "<p>The drones are assembled at the Alabuga plant in Tatarstan, where production has doubled since "
    "last year according to satellite imagery reviewed by independent analysts.</p>"
)


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>Drones</title></head><body><article>{body}</article></body></html>"


@pytest.mark.parametrize(("data", "kind"), [(b"", "empty"), (b"  \n\t ", "empty"), ("", "empty")])
def test_empty_input_is_an_error(data, kind):
    with pytest.raises(ExtractionError) as error:
        extract_article(data, "https://example.com/a")
    assert error.value.kind == kind and "empty" in str(error.value)


def test_binary_junk_is_an_error():
    junk = bytes(range(256)) * 64  # every byte value, as in an image or archive
    with pytest.raises(ExtractionError) as error:
        extract_article(junk)
    assert error.value.kind == "binary"


def test_png_is_an_error():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + b"\x00\x01\x02\x03" * 500
    with pytest.raises(ExtractionError, match="PNG image") as error:
        extract_article(png)
    assert error.value.kind == "binary"


@pytest.mark.parametrize(("head", "what"), [(b"%PDF-1.7\n", "PDF"), (b"GIF89a", "GIF"), (b"PK\x03\x04", "ZIP")])
def test_documents_that_are_not_pages_are_named(head, what):
    with pytest.raises(ExtractionError, match=what) as error:
        extract_article(head + b"<html><body><p>text text text</p></body></html>")
    assert error.value.kind == "binary"


def test_twenty_megabyte_page_is_refused_with_its_size():
    huge = page("<p>" + "word " * 4_000_000 + "</p>").encode()
    assert len(huge) > 20_000_000
    with pytest.raises(ExtractionError) as error:
        extract_article(huge)
    assert error.value.kind == "too_large" and "MB" in str(error.value)


def test_deeply_nested_markup_gives_a_result_or_a_clear_error():
    nested = "<div>" * 20_000 + STORY + "</div>" * 20_000
    try:
        article = extract_article(page(nested))
    except ExtractionError as error:
        assert error.kind in {"too_deep", "unparseable"}
    else:
        assert article.text == "" or "Alabuga plant" in article.text


def test_unclosed_tags_still_give_the_story():
    broken = "<html><body><article><p>Iran delivered a new batch of Shahed drones to Russia this month, officials said, <b>adding that <p>The drones are assembled at the Alabuga plant in Tatarstan, where production has doubled since last year, analysts said on Friday."
    article = extract_article(broken + " More words follow here to make the story long enough to count as one.")
    assert "Alabuga plant in Tatarstan" in article.text


def test_invalid_utf8_bytes_are_replaced_not_fatal():
    data = page(STORY, '<meta charset="utf-8">').encode().replace(b"Tuesday", b"Tues\xff\xfeday")
    article = extract_article(data)
    assert "Alabuga plant" in article.text


def test_stale_meta_charset_loses_to_valid_utf8():
    data = page(STORY.replace("Kyiv", "Київ"), '<meta charset="windows-1251">').encode("utf-8")
    assert "Київ" in decode_html(data)


def test_declared_charset_wins_when_bytes_are_not_utf8():
    data = page("<p>Россия и Иран подписали договор</p>", '<meta charset="windows-1251">').encode("cp1251")
    assert "Россия и Иран" in decode_html(data)
    assert "Россия и Иран" in decode_html(page("<p>Россия и Иран</p>").encode("cp1251"), declared="cp1251")


def test_latin1_label_is_read_as_windows_1252():
    data = page("<p>\u201cQuoted\u201d caf\u00e9</p>", '<meta charset="ISO-8859-1">').encode("cp1252")
    assert "\u201cQuoted\u201d café" in decode_html(data)


def test_gzip_pages_are_unpacked_and_broken_gzip_is_an_error():
    assert maybe_gunzip(gzip.compress(b"<p>hi</p>")) == b"<p>hi</p>"
    with pytest.raises(ExtractionError, match="gzip"):
        maybe_gunzip(gzip.compress(b"<p>hi</p>")[:12])


def test_text_without_markup_is_an_error():
    with pytest.raises(ExtractionError) as error:
        extract_article("just some words, no markup at all")
    assert error.value.kind == "unparseable"


# --- malformed URLs, canonical URLs, deep JSON-LD ---------------------------------------------
LONG_STORY = STORY * 3


@pytest.mark.parametrize("url", ["http://[::1", "http://[::1/2024/06/21/x", "not-a-url", "ftp://x/a", "http://x:99999/"])
def test_a_malformed_or_non_web_caller_url_is_treated_as_absent(url):
    from trafilatura.utils import load_html

    from crawler.extraction.metadata import extract_metadata

    metadata = extract_metadata(load_html(page(LONG_STORY)), url)
    assert metadata.canonical_url is None and metadata.site_name is None and metadata.published is None


def test_a_valid_caller_url_still_gives_the_canonical_and_the_outlet():  # near miss of the one above
    article = extract_article(page(LONG_STORY), "HTTPS://www.example.com/2024/06/21/story")
    assert article.canonical_url == "HTTPS://www.example.com/2024/06/21/story"
    assert article.source == "example.com" and article.published == "2024-06-21"


@pytest.mark.parametrize("text", ["http://[::1", "http://exa mple.com/a", "http://x:port/", "//example.com/a", "/a",
                                  "javascript:alert(1)", "mailto:a@example.com", "data:text/html,x", "", None])
def test_web_url_refuses_what_is_no_absolute_http_url(text):
    from crawler.extraction.metadata import web_url

    assert web_url(text) is None


@pytest.mark.parametrize("text", ["http://example.com", "https://[::1]:8080/a b", "HTTP://Example.com/a?q=1#f"])
def test_web_url_keeps_absolute_http_urls(text):
    from crawler.extraction.metadata import web_url

    assert web_url(text) == text


@pytest.mark.parametrize("href", ["javascript:alert(1)", "data:text/html,x", "mailto:desk@example.com",
                                  "http://[::1/x", "ftp://example.com/story"])
def test_a_canonical_that_is_no_web_url_falls_back_to_og_url_then_the_page_url(href):
    head = f'<link rel="canonical" href="{href}">'
    assert extract_article(page(LONG_STORY, head), "https://site.test/p").canonical_url == "https://site.test/p"
    og = head + '<meta property="og:url" content="https://site.test/og">'
    assert extract_article(page(LONG_STORY, og), "https://site.test/p").canonical_url == "https://site.test/og"
    assert extract_article(page(LONG_STORY, head)).canonical_url is None


def test_a_relative_canonical_without_a_base_is_not_returned():
    head = '<link rel="canonical" href="story-1.html">'
    assert extract_article(page(LONG_STORY, head)).canonical_url is None
    # near miss: the page's URL resolves it
    assert extract_article(page(LONG_STORY, head), "https://site.test/a/b.html").canonical_url == (
        "https://site.test/a/story-1.html"
    )


def test_a_relative_canonical_resolves_against_base_href():
    head = '<base href="https://example.org/news/"><link rel="canonical" href="story-1.html">'
    assert extract_article(page(LONG_STORY, head)).canonical_url == "https://example.org/news/story-1.html"
    # as in a browser, <base href> wins over the page's own URL, and a relative base resolves against it
    assert extract_article(page(LONG_STORY, head), "https://site.test/a/b.html").canonical_url == (
        "https://example.org/news/story-1.html"
    )
    relative_base = '<base href="/news/"><link rel="canonical" href="story-1.html">'
    assert extract_article(page(LONG_STORY, relative_base), "https://site.test/a/b.html").canonical_url == (
        "https://site.test/news/story-1.html"
    )
    # near miss: an absolute canonical ignores the base; a javascript: base is no base
    absolute = '<base href="https://example.org/news/"><link rel="canonical" href="https://other.test/s">'
    assert extract_article(page(LONG_STORY, absolute)).canonical_url == "https://other.test/s"
    js_base = '<base href="javascript:x"><link rel="canonical" href="/s">'
    assert extract_article(page(LONG_STORY, js_base), "https://site.test/a").canonical_url == "https://site.test/s"


@pytest.mark.parametrize("depth", [500, 5_000, 100_000])
def test_json_ld_nested_too_deep_is_skipped_not_fatal(depth):
    deep = '<script type="application/ld+json">' + "[" * depth + "]" * depth + "</script>"
    good = '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"name": "Jane Roe"}}</script>'
    article = extract_article(page(LONG_STORY, deep + good))
    assert article.is_article and "Shahed drones" in article.text
    assert article.authors == ["Jane Roe"]  # the next, sane blob is still read


def test_json_ld_nested_a_few_levels_is_still_read():  # near miss of the one above
    nested = {"@graph": [{"mainEntity": {"@type": "NewsArticle", "author": [[{"name": "Jane Roe"}]]}}]}
    head = f'<script type="application/ld+json">{json.dumps(nested)}</script>'
    assert extract_article(page(LONG_STORY, head)).authors == ["Jane Roe"]


def test_a_malformed_caller_url_is_no_outlet_and_no_error():
    from crawler.extraction.outlets import outlet_selectors

    assert list(outlet_selectors("http://[::1")) == list(outlet_selectors(None))
    page = "<html><head><title>T</title></head><body><article><h1>T</h1><p>" + "word " * 60 + "</p></article></body></html>"
    assert extract_article(page, "http://[::1").kind is PageKind.ARTICLE


def test_the_size_limit_is_stated_as_the_readme_states_it():
    from crawler.extraction.extractor import ExtractOptions

    with pytest.raises(ExtractionError, match=r"over the 16 MB limit"):
        extract_article(b"<p>" + b"a" * (16 * 1024 * 1024) + b"</p>")
    with pytest.raises(ExtractionError, match=r"page is 2\.0 MB, over the 1 MB limit"):
        extract_article(b"a" * (2 * 1024 * 1024), options=ExtractOptions(max_bytes=1024 * 1024))
