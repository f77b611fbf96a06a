"""Paywall awareness: is the story cut short by a subscription wall, and which part is free?"""

from __future__ import annotations

from lxml import etree
from lxml.cssselect import CSSSelector, SelectorError
from lxml.html import HtmlElement

from crawler.extraction import rules
from crawler.extraction.cleaning import PageNames, guarded_matcher, hidden_elements, is_hidden, normalize_space
from crawler.extraction.metadata import Metadata


def wall_elements(names: PageNames) -> list[HtmlElement]:
    """Elements whose class, id or data-component names a subscription wall."""
    return names.elements_named(rules.PAYWALL_CLASS_ID_PARTS)


# A declared paywalled part holding this many words is served on the page, not behind the wall.
_SERVED_PART_MIN_WORDS = 50


def _declared_parts(tree: HtmlElement, metadata: Metadata) -> list[HtmlElement]:
    parts = []
    for selector in metadata.paywalled_selectors:
        try:
            parts += CSSSelector(selector)(tree)
        except (SelectorError, SyntaxError, ValueError):
            continue
    return [part for part in parts if part.getparent() is not None and part.tag not in ("html", "body")]


def _wall_shown(tree: HtmlElement, whole: str) -> bool:
    """The page (its normalised text, `whole`) says, in words a reader sees, that the story goes on
    behind a subscription. An offer box shipped hidden on every page (display:none) shows nothing."""
    # lower-cased and guarded: one IGNORECASE search of the whole table took ~14 ms on a news page
    pitch = guarded_matcher(rules.PAYWALL_TEXT_PATTERNS)
    if pitch.find(whole.lower()) is None:
        return False
    shown = whole
    for element in hidden_elements(tree):
        if text := normalize_space(element.text_content()):
            shown = shown.replace(text, " ", 1)
    return shown is whole or pitch.find(shown.lower()) is not None


def _shown_walls(walls: list[HtmlElement]) -> list[HtmlElement]:
    return [wall for wall in walls if not any(is_hidden(e) for e in (wall, *wall.iterancestors()))]


def _served_in_full(tree: HtmlElement, metadata: Metadata, whole: str) -> bool:
    """Declared paywalled parts that are on the page in full: text there and no wall in sight."""
    parts = _declared_parts(tree, metadata)
    words = sum(len(part.text_content().split()) for part in parts)
    return bool(parts) and words >= _SERVED_PART_MIN_WORDS and not _wall_shown(tree, whole)


# A page declared not free, naming no paywalled part, that serves this much story and shows no wall is read in full.
_SERVED_STORY_MIN_WORDS = 150
_SERVED_STORY_MIN_PARAGRAPHS = 4
_STORY_PARAGRAPH_MIN_WORDS = 15


def _story_served(tree: HtmlElement, whole: str, walls: list[HtmlElement]) -> bool:
    """The whole story on a page declared not free with no part named: enough story paragraphs, and no
    wall in sight (no notice or pitch in words, no wall element but the one holding the story itself)."""
    counts = [n for p in tree.iter("p") if (n := len(p.text_content().split())) >= _STORY_PARAGRAPH_MIN_WORDS]
    if len(counts) < _SERVED_STORY_MIN_PARAGRAPHS or sum(counts) < _SERVED_STORY_MIN_WORDS:
        return False
    if _wall_shown(tree, whole):
        return False
    # an empty or short wall box (a stripped body, an offer) shows the wall; one holding the story does not
    return all(len(wall.text_content().split()) >= _SERVED_PART_MIN_WORDS for wall in _shown_walls(walls))


def judge_paywall(
    tree: HtmlElement, metadata: Metadata, whole: str | None = None, names: PageNames | None = None
) -> tuple[bool, bool]:
    """Whether a subscription wall cuts the story short; the parts schema.org marks as behind it are
    taken out of `tree`, so the text is the free part only.

    Paywalled: declared in schema.org (and not served in full), a wall in the markup that says so in
    words, or a notice that the rest of the story is for subscribers. A page that declares a part
    paywalled but serves it in full (its text is there and no wall says the story goes on elsewhere)
    keeps it: that text is on the page.

    Returns (paywalled, whether parts were taken out). `whole` (the page's whole text, normalised)
    and `names` are what the caller has read of the tree, if any.
    """
    if whole is None:
        whole = normalize_space(tree.text_content())  # read once, before any part is taken out
    walls = wall_elements(names or PageNames(tree))
    cut = False
    served = bool(metadata.paywalled_selectors) and _served_in_full(tree, metadata, whole)
    paywalled = _is_paywalled(tree, metadata, whole, served, walls)
    if metadata.paywalled_selectors and not served:
        parts = _declared_parts(tree, metadata)
        if _free_part_outside(tree, parts, walls):  # else the declared part holds the teaser: all the page shows
            for element in parts:
                if element.getparent() is not None:
                    element.drop_tree()
                    cut = True
    return paywalled, cut


def _free_part_outside(tree: HtmlElement, parts: list[HtmlElement], walls: list[HtmlElement]) -> bool:
    """A story paragraph outside the parts declared paywalled: the free part the page shows.

    Publishers that declare the whole body paywalled serve the teaser inside it, and taking the part
    out would leave the offer box and the byline as the story."""
    # an offer box, a footer, a cookie dialog or anything hidden is no free part
    banners = [element for element in _WITH_ROLE(tree) if element.get("role") in rules.BANNER_ROLES]
    elsewhere = [*parts, *walls, *tree.iter(*_PAGE_FURNITURE), *banners, *hidden_elements(tree)]
    inside = {element for part in elsewhere for element in part.iter()}
    return any(
        paragraph not in inside and len(paragraph.text_content().split()) >= _STORY_PARAGRAPH_MIN_WORDS
        for paragraph in tree.iter("p")
    )


_PAGE_FURNITURE = ("header", "footer", "nav", "aside")
_WITH_ROLE = etree.XPath("//@role/..")


def _is_paywalled(
    tree: HtmlElement, metadata: Metadata, whole: str, served: bool, walls: list[HtmlElement]
) -> bool:
    if metadata.free_to_read is False or metadata.paywalled_selectors:
        if metadata.paywalled_selectors:
            if not served:
                return True
        elif not _story_served(tree, whole, walls):
            return True
    pitch = guarded_matcher(rules.PAYWALL_TEXT_PATTERNS)
    for element in _shown_walls(walls):
        if pitch.find(normalize_space(element.text_content()).lower()):
            return True
    # "The rest of this article is for subscribers" says so wherever it sits, whatever its class,
    # as a line of its own: a story quoting the notice in a sentence is no wall.
    notice = guarded_matcher(rules.PAYWALL_NOTICE_PATTERNS)
    if notice.find(whole.lower()) is None:
        return False
    return any(
        len(text := normalize_space(element.text_content())) <= _NOTICE_MAX_CHARS and notice.find(text.lower())
        for element in tree.iter(_NOTICE_TAGS)
    )


_NOTICE_MAX_CHARS = 150
_NOTICE_TAGS = ("p", "div", "span", "strong", "em", "b", "section", "aside", "footer", "li", "h2", "h3", "h4", "a")
