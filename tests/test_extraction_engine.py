"""How we call trafilatura: the same output as its own call, without its per-call setup costs."""

from __future__ import annotations

import trafilatura
import trafilatura.external
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from crawler.extraction.engine import _base_extractor, _extractor, _stoplist, extract_body

# Short enough that trafilatura falls back to jusText, the path whose stopword list we swap.
SHORT_PAGE = """<html><head><title>Brief</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><p>Tehran and Moscow signed a drone deal on Monday, officials said.</p>
<p>The agreement covers Shahed parts.</p></article>
<footer>© 2026 Example News</footer></body></html>"""

LONG_PAGE = (
    "<html><body><article><h1>Su-35 deliveries</h1>"
    + "".join(
        f"<p>Paragraph {n} about the Su-35 jets Russia agreed to deliver to Iran this year.</p>" for n in range(30)
    )
    + "</article><aside><a href='/a'>Most read</a></aside></body></html>"
)


def _shipped(html: str, url: str | None, formatting: bool = False) -> str:
    document = trafilatura.bare_extraction(
        load_html(html), url=url, include_comments=False, favor_recall=True, include_formatting=formatting
    )
    return xmltotxt(document.body, formatting)


def test_the_text_is_what_trafilatura_itself_gives_with_the_same_settings() -> None:
    for html in (SHORT_PAGE, LONG_PAGE):
        for formatting in (False, True):
            ours = extract_body(load_html(html), "https://example.com/a", formatting=formatting)
            assert xmltotxt(ours.body, formatting) == _shipped(html, "https://example.com/a", formatting)
    assert "Shahed parts" in xmltotxt(extract_body(load_html(SHORT_PAGE), None).body, False)


def test_trafilatura_is_left_as_shipped_after_our_call() -> None:
    before = trafilatura.external.JT_STOPLIST
    extract_body(load_html(SHORT_PAGE), None)
    assert trafilatura.external.JT_STOPLIST is before


def test_the_stopwords_are_trafilaturas_own() -> None:
    shipped = trafilatura.external.JT_STOPLIST or trafilatura.external.jt_stoplist_init()
    ours = _stoplist()
    assert set(ours) == set(shipped) and len(ours) == len(shipped) > 10_000
    assert hash(ours) != hash(tuple(shipped))  # else one cache lookup would compare them word by word


def test_each_call_has_its_own_url_and_the_shared_settings_keep_none() -> None:
    first, second = _extractor("https://one.example/a", False), _extractor("https://two.example/b", False)
    assert (first.url, second.url) == ("https://one.example/a", "https://two.example/b")
    assert first.source == "https://one.example/a"
    assert _base_extractor(False).url is None and _base_extractor(True).formatting
    assert first.focus == "recall" and not first.comments
