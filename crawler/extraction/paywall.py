"""Paywall awareness: is the story cut short by a subscription wall, and which part is free?"""

from __future__ import annotations

from lxml import etree
from lxml.cssselect import CSSSelector, SelectorError
from lxml.html import HtmlElement

from crawler.extraction import rules
from crawler.extraction.cleaning import any_of, class_and_id, class_id_matcher, normalize_space
from crawler.extraction.metadata import Metadata

_MARKED = etree.XPath("//*[@class or @id]")


def wall_elements(tree: HtmlElement) -> list[HtmlElement]:
    """Elements whose class or id names a subscription wall."""
    matcher = class_id_matcher(rules.PAYWALL_CLASS_ID_PARTS)
    return [element for element in _MARKED(tree) if matcher.search(class_and_id(element))]


def is_paywalled(tree: HtmlElement, metadata: Metadata) -> bool:
    """Declared in schema.org, or a wall in the markup that says so in words."""
    if metadata.free_to_read is False or metadata.paywalled_selectors:
        return True
    pitch = any_of(rules.PAYWALL_TEXT_PATTERNS)
    for element in wall_elements(tree):
        text = normalize_space(element.text_content())
        if pitch.search(text):
            return True
    return False


def remove_paywalled_parts(tree: HtmlElement, metadata: Metadata) -> None:
    """Drop the sections schema.org marks as behind the wall, so the text is the free part only."""
    for selector in metadata.paywalled_selectors:
        try:
            matches = CSSSelector(selector)(tree)
        except (SelectorError, SyntaxError, ValueError):
            continue
        for element in matches:
            if element.getparent() is not None and element.tag not in ("html", "body"):
                element.drop_tree()
