"""Is this page the story, or something in its way? Challenge, consent wall, index, empty page."""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction import rules
from crawler.extraction.article import PageKind, count_words
from crawler.extraction.cleaning import any_of, normalize_space
from crawler.extraction.metadata import ARTICLE_TYPES, INDEX_TYPES, Metadata

# A challenge or consent page says little besides its message.
_BLOCKER_MAX_CHARS = 2500
_CONSENT_MIN_HITS = 2
# A story has at least MIN_ARTICLE_WORDS words in lines of prose (MIN_PROSE_LINE_WORDS words or
# more), or MIN_VERSE_WORDS in all (a poem, a list, a Q&A). Less is a menu, a caption, a stub.
MIN_ARTICLE_WORDS = 15
MIN_PROSE_LINE_WORDS = 10
MIN_VERSE_WORDS = 150
# An index page: many headline links, and a text made mostly of them.
_INDEX_MIN_HEADLINE_LINKS = 8
_HEADLINE_LINK_MIN_WORDS = 4
_INDEX_LINK_TEXT_SHARE = 0.5
# Script and style text sits directly in its element: the parent axis is enough, and cheap.
_VISIBLE_TEXT = etree.XPath("//body//text()[not(parent::script or parent::style or parent::template)]")


def visible_text(tree: HtmlElement) -> str:
    """The page's readable text (a crawler runs no scripts, so <noscript> counts)."""
    return normalize_space(" ".join(_VISIBLE_TEXT(tree)))


def blocking_kind(tree: HtmlElement, title: str | None) -> tuple[PageKind, str] | None:
    """A bot challenge or consent wall standing where the story should be."""
    text = visible_text(tree)
    if len(text) > _BLOCKER_MAX_CHARS:
        return None
    title_text = " ".join(normalize_space(t.text_content()) for t in tree.iter("title"))
    challenge = any_of(rules.CHALLENGE_PATTERNS).search(f"{title_text} {text}")
    if challenge:
        return PageKind.CHALLENGE, f"bot challenge or access block ({challenge.group(0)!r})"
    consent_hits = {match.group(0).lower() for match in any_of(rules.CONSENT_PATTERNS).finditer(text)}
    if len(consent_hits) >= _CONSENT_MIN_HITS:
        return PageKind.CONSENT, f"consent wall ({', '.join(sorted(consent_hits)[:3])})"
    return None


def is_index_page(tree: HtmlElement, metadata: Metadata, text: str) -> bool:
    """A section or front page: many headline links, declared as a collection or made of links."""
    if metadata.page_types & ARTICLE_TYPES:
        return False
    headlines = [
        link_text for link_text in (normalize_space(a.text_content()) for a in tree.iter("a"))
        if len(link_text.split()) >= _HEADLINE_LINK_MIN_WORDS
    ]
    if len(headlines) < _INDEX_MIN_HEADLINE_LINKS:
        return False
    if metadata.page_types & INDEX_TYPES - {"website"}:
        return True
    link_chars = sum(len(headline) for headline in headlines if headline in text)
    return link_chars >= _INDEX_LINK_TEXT_SHARE * max(len(text), 1)


def prose_words(text: str) -> int:
    """Words in lines long enough to be sentences; menus and link lists do not count."""
    counts = (count_words(line) for line in text.splitlines())
    return sum(count for count in counts if count >= MIN_PROSE_LINE_WORDS)


def no_story_reason(text: str) -> str | None:
    """Why an extracted text is no story body, or None when it is one."""
    prose = prose_words(text)
    if prose < MIN_ARTICLE_WORDS and count_words(text) < MIN_VERSE_WORDS:
        return f"no story body ({prose} words of prose)"
    return None
