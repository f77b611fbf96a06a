"""The page's class, id and data-component values, read once and shared by the chrome and paywall
rules (PageNames): which elements a table of name parts names."""

from __future__ import annotations

from lxml.html import fromstring

from crawler.extraction import rules
from crawler.extraction.cleaning import PageNames
from crawler.extraction.metadata import Metadata
from crawler.extraction.paywall import judge_paywall, wall_elements

STORY = " ".join(["Iran received the first Su-35 jets at Hamadan, two lawmakers told Tasnim on Monday."] * 3)


def _tree(body: str):
    return fromstring(f"<html><head><title>t</title></head><body>{body}</body></html>")


def test_elements_come_in_page_order_each_once():
    tree = _tree(
        '<div id="newsletter-box" class="newsletter">a</div><p class="story">b</p>'
        '<aside class="RelatedStories">c</aside><div class="newsletter">d</div>'
    )
    named = PageNames(tree).elements_named(("newsletter", "related"))
    assert [element.text for element in named] == ["a", "c", "d"]  # the first named twice, listed once


def test_a_taxonomy_class_names_nothing_when_asked():
    tree = _tree('<article class="post tag-newsletter category-related"><p>story</p></article>')
    names = PageNames(tree)
    assert names.elements_named(("newsletter",), taxonomy=False) == []
    assert [element.tag for element in names.elements_named(("newsletter",))] == ["article"]


def test_no_named_element_on_a_page_without_names():
    assert PageNames(_tree("<p>plain</p>")).elements_named(rules.PAYWALL_CLASS_ID_PARTS) == []


def test_a_wall_named_by_a_react_component_is_a_wall():
    tree = _tree(f'<p>{STORY}</p><div data-component="PaywallBanner">Subscribe to continue reading.</div>')
    assert [element.get("data-component") for element in wall_elements(PageNames(tree))] == ["PaywallBanner"]
    paywalled, cut = judge_paywall(tree, Metadata())
    assert paywalled and not cut


def test_a_page_naming_no_wall_is_free():
    tree = _tree(f'<p class="lead">{STORY}</p><div class="share">Share</div>')
    assert judge_paywall(tree, Metadata()) == (False, False)


def test_classed_containing_finds_class_substrings_in_page_order_as_contains_would():
    tree = _tree(
        '<div class="post-date">1</div><span id="date">not a class</span><meta class="dateModified">'
        '<p class="entry-dateline">2</p><div class="Date">3</div><div class="post-date">4</div>'
    )
    names = PageNames(tree)
    found = names.classed_containing(("date", "dateline"), frozenset({"meta"}))
    assert [element.text for element in found] == ["1", "2", "4"]  # as written: "Date" is another substring
    assert [element.text for element in names.classed_containing(("Date",))] == ["3"]
