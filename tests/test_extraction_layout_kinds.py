"""Kinds of layout and wording seen on real news and analysis pages (Arc, WordPress, live blogs,
think tanks, wires) that once cost story text or a whole article: each test is one kind."""

from __future__ import annotations

import pytest

from crawler.extraction import extract_article

LEAD = [
    "Iran has begun receiving Russian Su-35 fighter jets, according to two Iranian lawmakers, after a wait of nearly "
    "three years that had become a running joke among Iranian aviation enthusiasts online.",
    "The lawmakers told the semi-official Tasnim news agency that the first aircraft had landed at the Hamadan air "
    "base in western Iran, where Russian bombers were briefly based in 2016.",
    "Russia's defence ministry did not comment, and no photos of the aircraft in Iranian markings have been published "
    "so far, which has led some analysts to question the reports.",
]
# Wire paragraphs: one sentence of 20-29 words each.
REST = [
    "Iran ordered the jets in 2023 to replace an ageing fleet of American F-14s and F-4s bought before the 1979 "
    "revolution, officials said.",
    "Analysts say Russia's own needs in Ukraine have slowed deliveries, and that Iran may receive only a few dozen "
    "aircraft over several years.",
    "Israel's defence minister said on Monday that his country was watching the transfers closely and would act to "
    "preserve its air superiority.",
]


def _page(body: str, head: str = "") -> str:
    return (
        f"<html lang='en'><head><title>Iran receives Su-35 jets | Tehran Monitor</title>{head}</head><body><main>"
        f"<article><h1>Iran receives Su-35 jets</h1><div class='article-body'>{body}</div></article></main></body></html>"
    )


def _paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


@pytest.mark.parametrize("container", ["paywall", "read-more-content", "story-credits", "content-offer"])
def test_the_rest_of_the_story_in_a_container_named_like_chrome_stays(container):
    article = extract_article(_page(_paragraphs(LEAD) + f"<div class='{container}'>{_paragraphs(REST)}</div>"))
    assert all(text[:50] in article.text for text in LEAD + REST), container
