"""Pages past what the parser and trafilatura can take fail with a reason, never as an empty page or a hang."""

from __future__ import annotations

import pytest

from crawler.extraction import ExtractionError, PageKind, extract_article
from crawler.extraction.extractor import MAX_PAGE_ELEMENTS

STORY = "".join(
    f"<p>Paragraph {n}: Iranian officials said on Tuesday that talks with Moscow over the Su-35 jets had entered a "
    "final stage, according to state media.</p>"
    for n in range(6)
)


def _page(body: str) -> str:
    return f"<html><head><title>Deep</title></head><body><article><h1>Deep</h1>{body}</article></body></html>"


def test_markup_nested_past_the_parsers_limit_is_an_error_not_an_empty_page():
    deep = "<div>" * 300 + "<p>inside</p>" + "</div>" * 300
    with pytest.raises(ExtractionError, match="nested more than 256 levels"):
        extract_article(_page(deep + STORY))


def test_markup_nested_within_the_limit_is_extracted():
    # near-miss: deep, but not past the parser's limit
    nested = "<div>" * 100 + STORY + "</div>" * 100
    article = extract_article(_page(nested))
    assert article.kind is PageKind.ARTICLE and "Paragraph 5" in article.text


def test_a_single_text_run_over_the_parsers_limit_is_an_error():
    with pytest.raises(ExtractionError, match="single text run"):
        extract_article(_page(STORY + "<p>" + "a" * 11_000_000 + "</p>"))


def test_a_page_of_too_many_elements_fails_fast_with_the_count():
    tiny = "".join(f"<p>w{n}</p>" for n in range(MAX_PAGE_ELEMENTS + 10))
    with pytest.raises(ExtractionError, match=r"elements, over the 60,000 limit"):
        extract_article(_page(STORY + tiny))


def test_a_long_page_of_thousands_of_paragraphs_is_extracted_whole():
    # near-miss: big but under the limit; the block rules' searches stay within their budget
    paragraphs = "".join(
        f"<p>Paragraph {n}: the convoy carried drone parts across the Caspian to Astrakhan, officials said.</p>"
        for n in range(3000)
    )
    article = extract_article(_page(paragraphs))
    assert "Paragraph 0:" in article.text and "Paragraph 2999:" in article.text
