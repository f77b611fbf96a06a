"""Each fixture page against its expectations: body sentences in (once), chrome phrases out, metadata exact."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache

import pytest

from crawler.extraction import Article, ExtractOptions, extract_article
from tests.conftest import page_expectations

CASES = page_expectations()
ARTICLES = [(html, expect) for html, expect in CASES if expect["kind"] == "article"]
# The capture date of the fixtures: a published date after it would be "in the future".
CAPTURE = ExtractOptions(now=datetime(2026, 11, 1, tzinfo=UTC))


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@cache
def extracted(name: str) -> Article:
    html, expect = next((html, expect) for html, expect in CASES if html.stem == name)
    return extract_article(html.read_bytes(), expect["url"], options=CAPTURE)


def _ids(cases):
    return [html.stem for html, _ in cases]


def test_there_are_enough_fixture_pages():
    kinds = {expect["kind"] for _, expect in CASES}
    assert len(ARTICLES) >= 10 and kinds == {"article", "challenge", "consent", "index", "empty"}


@pytest.mark.parametrize(("html", "expect"), CASES, ids=_ids(CASES))
def test_page_kind(html, expect):
    article = extracted(html.stem)
    assert str(article.kind) == expect["kind"], article.reason
    if expect["kind"] != "article":
        assert article.text == "" and article.reason


@pytest.mark.parametrize(("html", "expect"), ARTICLES, ids=_ids(ARTICLES))
def test_every_body_sentence_kept_exactly_once(html, expect):
    text = _spaces(extracted(html.stem).text)
    missing = [sentence for sentence in expect["body"] if text.count(_spaces(sentence)) != 1]
    assert not missing, f"not exactly once: {missing}"


@pytest.mark.parametrize(("html", "expect"), ARTICLES, ids=_ids(ARTICLES))
def test_no_chrome_phrase_left(html, expect):
    text = _spaces(extracted(html.stem).text)
    left = [phrase for phrase in expect["chrome"] if _spaces(phrase) in text]
    assert not left, f"chrome left in text: {left}"


FIELDS = ("title", "description", "authors", "published", "language", "canonical_url", "paywalled")


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(("html", "expect"), ARTICLES, ids=_ids(ARTICLES))
def test_metadata_exact(html, expect, field):
    article = extracted(html.stem)
    expected = expect.get(field, [] if field == "authors" else None)
    assert getattr(article, field) == expected


def test_word_count_and_json_keys():
    article = extracted(ARTICLES[0][0].stem)
    data = article.to_dict()
    for key in ("url", "canonical_url", "title", "description", "authors", "published", "language",
                "text", "paywalled", "word_count", "source", "kind"):
        assert key in data
    assert data["word_count"] == len(article.text.split()) > 100
