"""Is this page the story, or something in its way? Challenge, consent wall, index, empty page."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction import rules
from crawler.extraction.article import PageKind, count_words
from crawler.extraction.cleaning import (
    HEADLINE_LINK_MIN_WORDS,
    SENTENCE_ENDS,
    any_of,
    comparison_key,
    guarded_matcher,
    lowercase_matcher,
    normalize_space,
)
from crawler.extraction.metadata import ARTICLE_TYPES, PAGE_COLLECTION_TYPES, Metadata, url_path

# A challenge or consent page says little besides its message.
_BLOCKER_MAX_CHARS = 2500
# A consent wall listing its partners runs longer, with many kinds of consent phrase.
_LONG_WALL_MAX_CHARS = 5000
_LONG_WALL_MIN_HITS = 4
_PARTNER_LIST_WORDS = ("partner", "vendor", "legitimate interest", "партнер", "partenaire", "anbieter")
_CONSENT_MIN_HITS = 2
# Beside its banners, an article has at least this much prose (more when its <title> is a challenge's).
_BLOCKER_STORY_WORDS = 50
_BLOCKER_DECLARED_STORY_WORDS = 25
_STORY_PARAGRAPH_WORDS = 20  # a paragraph this long, in a story under its headline, is no banner's text
_BLOCKER_TITLED_STORY_WORDS = 150
# Under the headline, a <p> sentence this long counts as story too: a brief's paragraphs are short.
_SHORT_SENTENCE_WORDS = 5
_FURNITURE_TAGS = frozenset({"footer", "nav", "aside", "form", "header"})
# A <title> is a challenge's when the challenge phrase makes up this share of it (before any " | Site").
_CHALLENGE_TITLE_SHARE = 0.5
_BANNER_MAX_LEVELS = 6
_BANNER_MAX_CHARS = 3000
_STORY_TAGS = frozenset({"html", "body", "main", "article"})
_NOT_TEXT_TAGS = frozenset({"script", "style", "template"})
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dd",
        "dt",
        "td",
        "th",
        "tr",
        "table",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "nav",
        "form",
        "figure",
        "figcaption",
        "noscript",
        "body",
        "center",
        "address",
        "fieldset",
        "details",
        "summary",
        "dialog",
    }
)
# A story has at least MIN_ARTICLE_WORDS words in lines of prose (MIN_PROSE_LINE_WORDS words or
# more, or MIN_SHORT_SENTENCES_WORDS in short sentences), or MIN_VERSE_WORDS in all (a poem, a list,
# a Q&A). Less is a menu, a caption, a stub.
MIN_ARTICLE_WORDS = 15
MIN_PROSE_LINE_WORDS = 10
MIN_VERSE_WORDS = 150
MIN_SHORT_SENTENCES_WORDS = 40
# An error page titled so holds less prose than this (a story about a 404 page holds more).
_NOT_FOUND_MAX_PROSE_WORDS = 200
# An index page: many headline links, and a text made mostly of them.
_INDEX_MIN_HEADLINE_LINKS = 8
_INDEX_LINK_TEXT_SHARE = 0.5
# A teaser card: a headline link's container up to this many levels up and this long.
_CARD_MAX_LEVELS = 4
_TEASER_CARD_MAX_CHARS = 500
_CARD_LINE_MIN_CHARS = 20
_CARD_LEAD_MAX_CHARS = 40
_BLURB_MIN_CHARS = 40  # a card holds a blurb: this much text beside its headline
# A listing's address: a tag, topic, category or author page, a search, a later page of one
# ("/archives/slug" is a WordPress post's permalink).
_LISTING_PATH = re.compile(
    r"(?:^|/)(?:tags?|topics?|categor(?:y|ies)|authors?|writers?|columnists?|sections?|labels?|search)(?:/[^/]+){0,2}/?$"
    r"|/page/\d+/?$",
    re.IGNORECASE,
)
_LISTING_MAX_PROSE_WORDS = 300
# An author's, tag's or label's own page (the listing's word, then at most its one name): there, three
# cards with blurbs make a listing. ("/topics/iran/russia-deal" may be a story's address.)
_TAG_PATH = re.compile(
    r"(?:^|/)(?:tags?|topics?|categor(?:y|ies)|authors?|labels?|writers?|columnists?)(?:/[^/]+)?/?$", re.IGNORECASE
)
_TAG_PAGE_MIN_CARDS = 3
# A site search's address: its last path segment names a search, and a query asks for something.
_SEARCH_SEGMENT = re.compile(r"^(?:search|suche|recherche|buscar|busca|poisk|arama|ara|جستجو|بحث)$", re.IGNORECASE)


def _is_search_address(url: str | None) -> bool:
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return False
    segments = [segment for segment in unquote(parts.path).split("/") if segment]
    return bool(parts.query) and bool(segments) and _SEARCH_SEGMENT.match(segments[-1]) is not None
# A story's address: a date in its path, a slug of four or more words, a long numeric id, a page file.
_ARTICLE_PATH = re.compile(
    r"/(?:19|20)\d\d[/-]\d\d?(?:[/-]|$)|/(?:19|20)\d{6}|[^/]*\w[-_]\w+[-_]\w+[-_]\w+|\d{5,}|\.s?html?$|\.php$",
    re.IGNORECASE,
)
_INDEX_MIN_CARDS = 2  # one card of its kind is a short blog post on its own page
# A section's address: one or two plain words under an optional language prefix ("/defence/",
# "/news/world", "/ru/politika/"), no date, slug or id. There a handful of cards is a section page
# when the text is those cards; a page with its own headline of a story's length is no section.
_SECTION_PATH = re.compile(r"(?:/[a-z]{2}(?:-[a-z]{2})?)?(?:/[^\W\d_]+(?:[-_][^\W\d_]+)?){1,2}/?", re.IGNORECASE)
_SECTION_PAGE_MIN_CARDS = 4
_SECTION_INTRO_MAX_WORDS = 60
_LIST_MARK = re.compile(r"^(?:[-*•]|\d{1,3}[.)])\s+")  # how the text writes a list item
# Script and style text sits directly in its element: the parent axis is enough, and cheap.
_VISIBLE_TEXT = etree.XPath(
    "//body//text()[not(parent::script or parent::style or parent::template)]", smart_strings=False
)


_NOT_VISIBLE_TEXT = etree.XPath(
    "//head//text() | //body//script//text() | //body//style//text() | //body//template//text()", smart_strings=False
)
# Each text node's normalised length is counted apart: joining them may merge this many spaces.
_LENGTH_SLACK = 200


def _normalized_length(texts: list[str]) -> int:
    return sum(len(normalize_space(text)) + 1 for text in texts)


def surely_longer_than(tree: HtmlElement, chars: int, whole: str | None = None) -> bool:
    """True when the page's visible text is certainly longer than `chars`, told without building it
    (`whole`: the page's whole text, normalised, when it is at hand)."""
    if whole is None:
        whole = normalize_space(tree.text_content())
    return len(whole) - _normalized_length(_NOT_VISIBLE_TEXT(tree)) > chars + _LENGTH_SLACK


def visible_text(tree: HtmlElement) -> str:
    """The page's readable text (a crawler runs no scripts, so <noscript> counts)."""
    return normalize_space(" ".join(_VISIBLE_TEXT(tree)))


def blocking_kind(
    tree: HtmlElement,
    title: str | None,
    declared_article: bool = False,
    typed_article: bool = False,
    whole: str | None = None,
) -> tuple[PageKind, str] | None:
    """A bot challenge or consent wall standing where the story should be.

    A banner phrase alone decides nothing: an article with a cookie bar, a consent dialog or a
    "protected by reCAPTCHA" note is an article. The page is a blocker only when what is left once
    the banners are set aside holds no story. A page declaring an article in its structured data
    (`declared_article`, JSON-LD) is the outlet's own page, never a challenge served in its place (a
    consent wall still can be one). On a page typed as an article (`typed_article`: og:type too),
    less story beside a banner is enough: a brief of three sentences is one. `whole` is the page's
    whole text, normalised, when the caller has read it.
    """
    if surely_longer_than(tree, _LONG_WALL_MAX_CHARS, whole):
        return None
    text = visible_text(tree).lower()  # matched case-sensitively: far faster than IGNORECASE
    if len(text) > _LONG_WALL_MAX_CHARS:
        return None
    # A page this long is a blocker only as a consent wall made long by its list of partners and
    # purposes (a TCF dialog): many kinds of consent phrase. A page with a cookie bar names no
    # partners, and is not walked.
    long_page = len(text) > _BLOCKER_MAX_CHARS
    if long_page and not any(word in text for word in _PARTNER_LIST_WORDS):
        return None
    challenges = guarded_matcher(rules.CHALLENGE_PATTERNS)
    challenge_in_title = challenge = None
    if not declared_article and not long_page:
        title_text = _title_text(tree)
        challenge_in_title = _titled_as(challenges, title_text)
        # a headline naming a block ("… request blocked by Kremlin"): only the rest of the page tells
        headline = title_text.split(" | ")[0].strip()
        challenge = challenge_in_title or challenges.find(text.replace(headline, " ") if len(headline) > 20 else text)
    consent = lowercase_matcher(rules.CONSENT_PATTERNS)
    # Most pages hold no consent phrase at all: one guarded search says so before the full scan.
    if challenge or guarded_matcher(rules.CONSENT_PATTERNS).find(text) is not None:
        consent_hits = {match.group(0) for match in consent.finditer(text)}
    else:
        consent_hits = set()
    if not challenge and len(consent_hits) < (_LONG_WALL_MIN_HITS if long_page else _CONSENT_MIN_HITS):
        return None
    # A page titled as a challenge needs more story beside it to count as an article, and a page
    # typed as one less.
    if challenge_in_title:
        story_words = _BLOCKER_TITLED_STORY_WORDS
    elif declared_article or typed_article or _headline_of_the_title(tree, consent, challenges):
        story_words = _BLOCKER_DECLARED_STORY_WORDS
    else:
        story_words = _BLOCKER_STORY_WORDS
    if prose_beside_banners(tree, enough=story_words) >= story_words:
        return None
    if challenge:
        return PageKind.CHALLENGE, f"bot challenge or access block ({challenge.group(0)!r})"
    return PageKind.CONSENT, f"consent wall ({', '.join(sorted(consent_hits)[:3])})"


_HEADLINE_MIN_WORDS = 4  # a site's name ("The City Courier") is no headline


def first_heading_text(tree: HtmlElement) -> str:
    """The text of the page's first <h1>, normalised ("" if none): its headline, or its masthead."""
    h1 = next(tree.iter("h1"), None)
    return normalize_space(h1.text_content()) if h1 is not None else ""


def _headline_of_the_title(tree: HtmlElement, consent, challenges) -> bool:
    """The page's <h1> is the headline its <title> names, and no banner's heading ("Before you
    continue"): the page is a story's, typed or not, and a brief under the headline is its story."""
    headline = first_heading_text(tree).lower()
    if len(headline.split()) < _HEADLINE_MIN_WORDS or consent.search(headline) or challenges.find(headline):
        return False
    return comparison_key(headline) in comparison_key(_title_text(tree))


def _title_text(tree: HtmlElement) -> str:
    return " ".join(normalize_space(t.text_content()) for t in tree.iter("title")).lower()


def _titled_as(patterns, title_text: str):
    """The phrase of a <title> that is mostly that phrase ("Just a moment...", "Access denied | Site",
    "Page not found – Outlet"); a headline that only mentions one ("… request blocked by Kremlin") is none."""
    match = patterns.find(title_text)
    headline = re.split(r" [|–—-] ", title_text)[0].strip()
    if match is None or len(match.group(0)) < _CHALLENGE_TITLE_SHARE * len(headline):
        return None
    return match


def prose_beside_banners(tree: HtmlElement, enough: int | None = None) -> int:
    """Words of prose on the page outside challenge and consent banners.

    Text is grouped by its nearest block element; a block holding a banner phrase is set aside,
    and so is the banner box around it (a cookie bar, a consent dialog). What is left counts as
    prose in blocks of MIN_PROSE_LINE_WORDS words or more, or in short sentences under the headline.
    """
    prose_like = frozenset(rules.CONSENT_PROSE_PATTERNS)
    banner = any_of((*rules.CHALLENGE_PATTERNS, *(p for p in rules.CONSENT_PATTERNS if p not in prose_like)))
    banner_in_prose = any_of(rules.CONSENT_PROSE_PATTERNS)
    body = next(tree.iter("body"), tree)
    words: dict[HtmlElement, int] = {}
    set_aside: set[HtmlElement] = set()
    story_lines: set[HtmlElement] = set()  # blocks under the headline
    headline_seen = False
    for element in body.iter():
        headline_seen = headline_seen or element.tag == "h1"
        readable = isinstance(element.tag, str) and element.tag not in _NOT_TEXT_TAGS
        parent = element.getparent()
        for string, owner in ((element.text if readable else None, element), (element.tail, parent)):
            if not string or not string.strip() or owner is None:
                continue
            block = _block_of(owner)
            if banner.search(string):
                box = _banner_box(owner)
                if not box and headline_seen and _story_paragraph(block):
                    # under a headline, a paragraph of a story about captchas or cookies, in no banner
                    words[block] = words.get(block, 0) + count_words(string)
                    continue
                set_aside.add(block)
                set_aside.update(box)
            elif banner_in_prose.search(string) and (box := _banner_box(owner)):
                set_aside.add(block)
                set_aside.update(box)
            words[block] = words.get(block, 0) + count_words(string)
            if headline_seen:
                story_lines.add(block)
    if set_aside:
        boxes = [box for box in set_aside if box is not body]
        for block in list(words):
            if block in set_aside or any(ancestor in boxes for ancestor in block.iterancestors()):
                del words[block]
    long_lines = sum(count for count in words.values() if count >= MIN_PROSE_LINE_WORDS)
    if enough is not None and long_lines >= enough:
        return long_lines  # the short sentences need not be read
    return long_lines + sum(
        count
        for block, count in words.items()
        if count < MIN_PROSE_LINE_WORDS and block in story_lines and _short_story_sentence(block, count)
    )


def _short_story_sentence(block: HtmlElement, words: int) -> bool:
    """A short paragraph of a brief under its headline ("His lawyer said he would appeal."), outside
    the page's furniture: a sentence, where a banner's buttons and a menu's links are none."""
    return (
        block.tag == "p"
        and words >= _SHORT_SENTENCE_WORDS
        and normalize_space(block.text_content()).endswith(SENTENCE_ENDS)
        and not any(ancestor.tag in _FURNITURE_TAGS for ancestor in block.iterancestors())
    )


def _story_paragraph(block: HtmlElement) -> bool:
    """A <p> of a story's length, written in sentences: no banner's line."""
    if block.tag != "p":
        return False
    text = normalize_space(block.text_content())
    return count_words(text) >= _STORY_PARAGRAPH_WORDS and text.endswith(SENTENCE_ENDS)


def _block_of(element: HtmlElement) -> HtmlElement:
    for candidate in (element, *element.iterancestors()):
        if candidate.tag in _BLOCK_TAGS:
            return candidate
    return element


def _banner_box(element: HtmlElement) -> list[HtmlElement]:
    """The nearest container marked as a banner (role or class/id) around a banner phrase."""
    roles = frozenset(rules.BANNER_ROLES)
    for level, candidate in enumerate((element, *element.iterancestors())):
        if level > _BANNER_MAX_LEVELS or candidate.tag in _STORY_TAGS:
            break
        names = f"{candidate.get('class', '')} {candidate.get('id', '')}".lower()
        marked = candidate.get("role") in roles or any(part in names for part in rules.BANNER_CLASS_ID_PARTS)
        if marked and len(candidate.text_content()) <= _BANNER_MAX_CHARS:
            return [candidate]
    return []


def is_index_page(tree: HtmlElement, metadata: Metadata, text: str, url: str | None = None) -> bool:
    """A section, tag, author or front page: many headline links, and declared as a collection, or
    a text made mostly of them, or of the teasers' blurbs under them (trafilatura often keeps the
    blurbs and not the links), or at a listing's address (/tag/…, /authors/…, /page/2) with no more
    than a topic's intro of prose beside its cards. A page whose structured data declares an article
    is one. A page typed as one by og:type alone (CMSs set it on tag and section pages too) is told
    by its address only: a blog's roundup of links is a post. At a section's address ("/defence/"),
    a few cards make a section page when the text is those cards, or when the page is headed with the
    section's name."""
    path = url_path(url)
    story_address = _ARTICLE_PATH.search(path) is not None
    listing_address = not story_address and _LISTING_PATH.search(path) is not None
    section_address = not story_address and not listing_address and _SECTION_PATH.fullmatch(unquote(path)) is not None
    typed_article = bool(metadata.page_types & ARTICLE_TYPES)
    headed_section = section_address and _headed_as_its_section(tree, path)
    # a blog's roundup of links is a post: typed as an article (og:type), only its address can say more
    if metadata.declares_article or typed_article and not (listing_address or headed_section):
        return False
    if not story_address and _is_search_address(url):
        return True  # a site search's results: no story lives at /search?q=…
    if _post_archive(tree, text, url, metadata.title):
        return True
    # an author's or a tag's own page lists few stories as often as many
    if listing_address and _TAG_PATH.search(path):
        min_cards = _TAG_PAGE_MIN_CARDS
    elif section_address:
        min_cards = _SECTION_PAGE_MIN_CARDS
    else:
        min_cards = _INDEX_MIN_HEADLINE_LINKS
    headlines = [
        (anchor, link_text)
        for anchor, link_text in ((a, normalize_space(a.text_content())) for a in tree.iter("a"))
        if len(link_text.split()) >= HEADLINE_LINK_MIN_WORDS
    ]
    if len(headlines) < min_cards:
        return False
    # A collection page is one by its kind; an ItemList or a SiteNavigationElement is a part of a
    # page (a carousel, the menu) that articles carry too: their text decides.
    if metadata.page_types & PAGE_COLLECTION_TYPES:
        return True
    if not typed_article:
        link_chars = sum(len(headline) for _, headline in headlines if headline in text)
        if link_chars >= _INDEX_LINK_TEXT_SHARE * max(len(text), 1):
            return True
    if story_address and not listing_address:
        return False  # (at an article's address, with its date or its slug, a list of cards is a roundup post)
    cards = _teaser_cards(headlines)
    # a section page with fewer headlines than a front page's: its text is several of its cards, and
    # no more than an intro besides (a short post over a few related cards has its own prose)
    few_cards = section_address and len(headlines) < _INDEX_MIN_HEADLINE_LINKS
    if few_cards and prose_words("\n".join(_lines_outside(cards, text))) >= _SECTION_INTRO_MAX_WORDS:
        return False
    distinct = _SECTION_PAGE_MIN_CARDS if few_cards else _INDEX_MIN_CARDS
    if (not typed_article or headed_section) and _teaser_share(cards, text, distinct) >= _INDEX_LINK_TEXT_SHARE:
        return True
    if listing_address or headed_section:
        # a listing shows its stories as cards with blurbs; a "Most read" rail is headline links only
        if sum(has_blurb for _, has_blurb in cards) >= min_cards:
            return prose_words("\n".join(_lines_outside(cards, text))) < _LISTING_MAX_PROSE_WORDS
    return False


# A blog's label, month or front page: a run of like posts, each under a heading linking to its own
# address and each dated, with the extracted text from among them. (A post with "related posts"
# under it has its text outside them; a listicle's items carry no dates of their own.)
_ARCHIVE_MIN_POSTS = 3
_ARCHIVE_HEADLINE_MIN_WORDS = 2
_ARCHIVE_LINK_SHARE = 0.8  # of the heading's text its link holds
_ARCHIVE_TEXT_SHARE = 0.5  # of the extracted text found in the posts
_POST_DATE_CLASS_PARTS = ("date", "time", "posted", "published")
_HEADINGS = ("h1", "h2", "h3", "h4")


def _post_archive(tree: HtmlElement, text: str, url: str | None, title: str | None) -> bool:
    """A run of like posts, the text from among them, none of them the page's own (titled as the page:
    a story with more stories streamed under it)."""
    linked: dict[tuple[str, str], list[HtmlElement]] = {}
    for heading in tree.iter(*_HEADINGS):
        if next(heading.iter("a"), None) is not None:
            linked.setdefault((heading.tag, heading.get("class", "")), []).append(heading)
    runs = [run for run in linked.values() if len(run) >= _ARCHIVE_MIN_POSTS]
    if not runs:
        return False
    title_key = comparison_key(" ".join([title or "", _title_text(tree)]))
    lines = _text_lines(text)
    total = sum(map(len, lines))
    own = _address_key(url) if url else None
    for run in runs:
        headings = [heading for heading in run if _links_elsewhere(heading, url, own)]
        if len(headings) < _ARCHIVE_MIN_POSTS:
            continue
        if any((key := comparison_key(heading.text_content())) and key in title_key for heading in headings):
            continue
        posts = [_post_of(heading, headings) for heading in headings]
        if sum(_is_dated(post) for post in posts) < _ARCHIVE_MIN_POSTS:
            continue
        post_text = "\x00".join(normalize_space(post.text_content()) for post in posts)
        inside = sum(len(line) for line in lines if line in post_text)
        if total and inside >= _ARCHIVE_TEXT_SHARE * total:
            return True
    return False


def _links_elsewhere(heading: HtmlElement, url: str | None, own: tuple[str, str] | None) -> bool:
    """The heading is its link, of a headline's words, to another page than this one."""
    link = next(heading.iter("a"))
    href = (link.get("href") or "").strip()
    if not href or href.startswith("#") or (own is not None and _address_key(href, url) == own):
        return False
    link_text = normalize_space(link.text_content())
    if len(link_text.split()) < _ARCHIVE_HEADLINE_MIN_WORDS:
        return False
    return len(link_text) >= _ARCHIVE_LINK_SHARE * len(normalize_space(heading.text_content()))


def _address_key(href: str, base: str | None = None) -> tuple[str, str] | None:
    try:
        parts = urlsplit(urljoin(base, href) if base else href)
    except ValueError:
        return None
    return parts.netloc.lower().removeprefix("www."), parts.path.rstrip("/")


def _post_of(heading: HtmlElement, headings: list[HtmlElement]) -> HtmlElement:
    """The largest container around `heading` holding no other of the run's headings: its post."""
    others = set(headings) - {heading}
    post = heading
    for ancestor in heading.iterancestors():
        if ancestor.tag in ("body", "html") or any(element in others for element in ancestor.iter(*_HEADINGS)):
            break
        post = ancestor
    return post


def _is_dated(post: HtmlElement) -> bool:
    if next(post.iter("time"), None) is not None:
        return True
    return any(
        any(part in (element.get("class") or "").lower() for part in _POST_DATE_CLASS_PARTS)
        for element in post.iter()
        if isinstance(element.tag, str)
    )


def _headed_as_its_section(tree: HtmlElement, path: str) -> bool:
    """The page's <h1> is the name its address gives the section ("/defence/" under "Defence"): a
    section page typed as an article by a CMS that types every page so. (A blog's "/links" post
    under its own headline is a post.)"""
    heading = first_heading_text(tree)
    section = unquote(path).rstrip("/").rsplit("/", 1)[-1].replace("-", " ").replace("_", " ")
    return len(heading.split()) < _HEADLINE_MIN_WORDS and comparison_key(heading) == comparison_key(section)


def _teaser_cards(headlines: list[tuple[HtmlElement, str]]) -> list[tuple[str, bool]]:
    """The text of the teaser card around each headline link (as a comparison key), and whether it
    holds a blurb: the link's nearest container of a card's size holding no other headline link
    (its headline, blurb and date)."""
    anchors = {anchor for anchor, _ in headlines}
    cards: list[str] = []
    for anchor, headline in headlines:
        card_text = headline
        for level, ancestor in enumerate(anchor.iterancestors()):
            if level >= _CARD_MAX_LEVELS or ancestor.tag in _STORY_TAGS - {"article"}:
                break
            ancestor_text = normalize_space(ancestor.text_content())
            if len(ancestor_text) > _TEASER_CARD_MAX_CHARS or sum(a in anchors for a in ancestor.iter("a")) > 1:
                break
            card_text = ancestor_text
        # a card opens with its headline (a kicker or a date may come first); a paragraph with a
        # link inside a sentence is the story's
        if 0 <= card_text.find(headline) <= _CARD_LEAD_MAX_CHARS:
            # (as a key: the page runs "headline</a><p>blurb" together)
            cards.append((comparison_key(card_text), len(card_text) >= len(headline) + _BLURB_MIN_CHARS))
    return cards


def _text_lines(text: str) -> list[str]:
    return [line for line in (_LIST_MARK.sub("", normalize_space(line)) for line in text.splitlines()) if line]


def _card_of(line: str, cards: list[tuple[str, bool]]) -> int | None:
    if len(line) < _CARD_LINE_MIN_CHARS:
        return None
    key = comparison_key(line)
    return next((index for index, (card, _) in enumerate(cards) if key in card), None)


def _lines_outside(cards: list[tuple[str, bool]], text: str) -> list[str]:
    return [line for line in _text_lines(text) if _card_of(line, cards) is None]


def _teaser_share(cards: list[tuple[str, bool]], text: str, min_cards: int = _INDEX_MIN_CARDS) -> float:
    """The share of `text` found in the page's teaser cards, when it comes from `min_cards` of them
    or more (a short blog post on its own page is one card of its kind)."""
    lines = _text_lines(text)
    found = [(line, _card_of(line, cards)) for line in lines]
    if len({card for _, card in found if card is not None}) < min_cards:
        return 0.0
    teaser_chars = sum(len(line) for line, card in found if card is not None)
    return teaser_chars / max(sum(len(line) for line in lines), 1)


def prose_words(text: str, is_link_text: Callable[[str], bool] | None = None) -> int:
    """Words in lines long enough to be sentences; menus and link lists do not count, nor a line
    that is the whole text of a link on the page (`is_link_text`: an "Up next" headline). A story
    told in short sentences ("Ticket sales topped 2.6 million.") counts when there is enough of it:
    an error page's two or three short sentences do not make one."""
    lines = [(count_words(line), line) for line in text.splitlines()]
    if is_link_text is not None:
        lines = [(count, line) for count, line in lines if not is_link_text(line.strip())]
    prose = sum(count for count, _ in lines if count >= MIN_PROSE_LINE_WORDS)
    short = sum(
        count
        for count, line in lines
        if _SHORT_SENTENCE_WORDS <= count < MIN_PROSE_LINE_WORDS and line.rstrip().endswith(SENTENCE_ENDS)
    )
    return prose + short if prose + short >= MIN_SHORT_SENTENCES_WORDS else prose


def no_story_reason(
    text: str, is_link_text: Callable[[str], bool] | None = None, tree: HtmlElement | None = None
) -> str | None:
    """Why an extracted text is no story body, or None when it is one. A page titled "Page not
    found" (or "404") with little prose is the site's error page served with a 200."""
    prose = prose_words(text, is_link_text)
    if prose < MIN_ARTICLE_WORDS and count_words(text) < MIN_VERSE_WORDS:
        return f"no story body ({prose} words of prose)"
    if tree is not None and prose < _NOT_FOUND_MAX_PROSE_WORDS:
        title = _title_text(tree)
        if (match := _titled_as(guarded_matcher(rules.NOT_FOUND_TITLE_PATTERNS), title)) is not None:
            return f"an error page ({match.group(0)!r} in its title)"
        if (match := _titled_as(guarded_matcher(rules.SIGN_IN_TITLE_PATTERNS), title)) is not None:
            return f"a sign-in page in the story's place ({match.group(0)!r} in its title)"
    return None
