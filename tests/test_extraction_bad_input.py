"""Bad input gives a clear ExtractionError or a clean result, never a traceback."""

from __future__ import annotations

import gzip

import pytest

from crawler.extraction import ExtractionError, extract_article
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
