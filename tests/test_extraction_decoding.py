"""decode_html: which charset labels count, damaged UTF-8, and byte order marks."""

import codecs

import pytest

from crawler.extraction.article import ExtractionError
from crawler.extraction.decoding import decode_html

CAFE = "<p>The caf\u00e9 said \u201cquoted\u201d words.</p>"
RUSSIAN = "<p>Правительство объявило о новых мерах поддержки малого бизнеса в регионах страны.</p>"
ARABIC = "<p>أعلنت الحكومة يوم الاثنين عن خطة جديدة لدعم الشركات الصغيرة في جميع أنحاء البلاد.</p>"


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}<title>t</title></head><body>{body}</body></html>"


NOT_TEXT = ["base64", "hex", "rot13", "zlib", "uu", "bz2", "quopri"]
REFUSED = ["utf-7", "unicode_escape", "raw_unicode_escape", "idna", "punycode", "undefined"]


@pytest.mark.parametrize("label", NOT_TEXT + REFUSED)
def test_a_label_that_is_no_usable_text_encoding_counts_as_no_label(label):
    # The page is then guessed, so it is long enough for the guess to be sure.
    data = page(CAFE * 6, f'<meta charset="{label}">').encode("cp1252")
    assert "caf\u00e9 said \u201cquoted\u201d" in decode_html(data)
    assert "caf\u00e9 said \u201cquoted\u201d" in decode_html(data, declared=label)


def test_a_usable_label_is_still_honoured_over_the_guess():
    # Near miss: koi8-r is a real text encoding, so the meta tag decides even on bytes that also read as cp1251.
    data = page(RUSSIAN, '<meta charset="koi8-r">').encode("koi8-r")
    assert "Правительство объявило" in decode_html(data)
    assert "Правительство объявило" in decode_html(page(RUSSIAN).encode("koi8-r"), declared="koi8-r")


@pytest.mark.parametrize("label", ["gb2312", "GBK"])
def test_gb2312_and_gbk_labels_read_as_gb18030(label):
    text = "中文国語中文国語 \U00020000"  # the last character exists only in GB18030 (four bytes)
    data = page(f"<p>{text}</p>", f'<meta charset="{label}">').encode("gb18030")
    assert text in decode_html(data)


@pytest.mark.parametrize("label", ["iso-8859-1", "latin1", "ascii", "US-ASCII"])
def test_latin1_and_ascii_labels_read_as_windows_1252(label):
    data = page(CAFE, f'<meta charset="{label}">').encode("cp1252")
    assert "caf\u00e9 said \u201cquoted\u201d" in decode_html(data)
    assert "caf\u00e9 said \u201cquoted\u201d" in decode_html(data, declared=label)


@pytest.mark.parametrize("label", ["utf-16", "utf-16le", "UTF-16BE", "utf-32"])
def test_a_meta_tag_cannot_declare_utf16(label):
    data = page(CAFE, f'<meta charset="{label}">').encode("cp1252")
    text = decode_html(data)
    assert "<title>t</title>" in text and "caf\u00e9 said \u201cquoted\u201d" in text


def test_a_server_utf16_label_is_honoured_for_bytes_that_are_no_utf8():
    # Near miss: the server's header is not a meta tag, so there UTF-16 is a real declaration (WHATWG: LE).
    data = "中文国語中文国語".encode("utf-16-le")
    assert decode_html(data, declared="utf-16") == "中文国語中文国語"
    assert decode_html(data, declared="utf-16le") == "中文国語中文国語"


def test_a_server_utf16_label_on_single_byte_bytes_is_ignored():
    data = page(RUSSIAN * 4, '<meta charset="windows-1251">').encode("cp1251")
    assert RUSSIAN in decode_html(data, declared="utf-16")


def test_valid_utf8_still_beats_a_stale_label():
    data = page(CAFE, '<meta charset="windows-1251">').encode("utf-8")
    assert "caf\u00e9 said \u201cquoted\u201d" in decode_html(data, declared="iso-8859-1")


def test_utf8_with_a_few_bad_bytes_stays_utf8():
    body = CAFE * 3 + "<p>Київ — Zürich</p>"
    data = page(body).encode("utf-8").replace(b"words", b"wo\xff\xferds", 1)
    text = decode_html(data)
    assert "caf\u00e9 said \u201cquoted\u201d" in text and "Київ — Zürich" in text
    assert "wo\ufffd\ufffdrds" in text


def test_utf8_with_a_few_bad_bytes_stays_utf8_whatever_the_meta_says():
    data = page(CAFE * 3, '<meta charset="windows-1251">').encode("utf-8") + b"<!-- \xe9 -->"
    assert "caf\u00e9 said \u201cquoted\u201d" in decode_html(data)


def test_a_single_byte_page_with_a_few_letters_is_not_taken_for_utf8():
    # Near miss: bad bytes but no valid UTF-8 sequence at all, so there is no sign of UTF-8.
    data = page(CAFE, '<meta charset="windows-1252">').encode("cp1252")
    assert "caf\u00e9 said \u201cquoted\u201d" in decode_html(data)


@pytest.mark.parametrize(("body", "codec", "label"), [
    (RUSSIAN, "cp1251", "windows-1251"), (ARABIC, "cp1256", "windows-1256"),
])
@pytest.mark.parametrize("with_meta", [True, False])
def test_single_byte_cyrillic_and_arabic_pages_still_decode(body, codec, label, with_meta):
    head = f'<meta charset="{label}">' if with_meta else ""
    data = page(body * 4, head).encode(codec)
    assert body in decode_html(data)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_utf16_or_utf32_bom_decides_before_the_binary_check(codec):
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
           "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[codec]
    data = bom + page(CAFE + "<p>Київ</p>", '<meta charset="windows-1252">').encode(codec)
    text = decode_html(data, declared="iso-8859-1")
    assert "caf\u00e9 said \u201cquoted\u201d" in text and "Київ" in text and "\ufeff" not in text


def test_a_utf8_bom_decides_over_the_labels():
    data = codecs.BOM_UTF8 + page(CAFE, '<meta charset="iso-8859-1">').encode("utf-8")
    assert decode_html(data, declared="windows-1251").startswith("<!doctype html>")
    assert "caf\u00e9 said \u201cquoted\u201d" in decode_html(data, declared="windows-1251")


def test_nul_bytes_without_a_bom_are_still_binary():
    # Near miss: the same UTF-16 bytes without a BOM are too full of NULs to be a page.
    with pytest.raises(ExtractionError, match="binary"):
        decode_html(page(CAFE * 5).encode("utf-16-le"))
