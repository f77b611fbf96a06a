"""Chrome removal around trafilatura: prune the page before it, filter its blocks after it.

The rules themselves are data in `rules.py`; this module only applies them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Iterable, Sequence
from functools import cache
from itertools import accumulate, chain, pairwise

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction import rules
from crawler.extraction.article import count_words

# Containers that hold the whole story; pruning never removes one of these outright.
_STORY_TAGS = frozenset({"html", "body", "main", "article"})
# Pitch boxes are short: a container larger than this is not treated as one.
_BOX_MAX_CHARS = 1800
_CARD_MAX_CHARS = 600
_BOX_MAX_SHARE = 0.4
_SUBSTANTIAL_PARAGRAPH_WORDS = 20
_SANDWICH_MAX_LINK_SHARE = 0.1
# Substring searches over a page's blocks stop past this many characters scanned (pages of thousands
# of paragraphs: each search over them all would make the page take seconds).
SCAN_BUDGET_CHARS = 200_000_000
# Teaser detection: a link's first characters find it; a teaser is led by a link this big.
_LINK_KEY_CHARS = 12
_TEASER_LINK_SHARE = 0.3
_LINK_LABEL_MAX_CHARS = 40  # a commenter's name and "on" before the linked comment or post
_TRAILER_MAX_HEADING_CHARS = 80
# In the run after the story, a block led by a headline link of this many words, with a blurb of at
# most this many characters after it, is a teaser too.
HEADLINE_LINK_MIN_WORDS = 4
_TEASER_BLURB_MAX_CHARS = 300
_BLURB_MIN_WORDS = 4  # a blurb under a headline link is a sentence, not an empty or one-word line
# Below this share of the extracted text outside chrome, the "chrome" is the story (captions).
_MIN_STORY_SHARE = 0.3
# The headline, when trafilatura keeps it, sits among the first blocks, before the prose.
_HEADING_BLOCKS = 3
_HEADING_BLOCKS_MAX = 8  # while no prose has come
# Block-level text elements: a class on one of these names the text's style, not a container.
_NEVER_CHROME_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "span", "a", "strong", "em", "b", "i", "script", "style", "template", "noscript"}
)
# CMS taxonomy classes name the story's topic ("category-social-media", "tag-comments").
# (but "author-bio", "author-note" are the bio's box, no author's taxonomy class)
_TAXONOMY_CLASS = (
    r"(?<![a-z0-9])(?:entry-|post-)?(?:category|tag|tags|author(?!-(?:bio|box|card|info|notes?|profile|details)\b)|"
    r"format|topic|section)-[\w-]+"
)


@cache
def class_id_matcher(parts: tuple[str, ...]) -> re.Pattern[str]:
    """A regex finding any of `parts` as a whole dash/underscore/space-separated class or id part."""
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z0-9])")


@cache
def any_of(patterns: tuple[str, ...], anchored: bool = False) -> re.Pattern[str]:
    """One case-insensitive regex for a tuple of patterns (anchored at the start if asked)."""
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(("^(?:" + body + ")") if anchored else body, re.IGNORECASE)


def normalize_space(text: str) -> str:
    return " ".join(text.split())  # the same as collapsing r"\s+", and faster


# A CamelCase or CSS-module name ("DonatesTeaser-root", "ReadMore_box") splits where a capital follows
# a small letter or digit, as "-" would split it.
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def split_name_parts(names: str) -> str:
    """Class or id values lower-cased, with a "-" at each CamelCase hump (for class_id_matcher)."""
    lowered = names.lower()
    return lowered if lowered == names else _CAMEL_HUMP.sub("-", names).lower()


# The page is read with a few XPath queries and at most one walk over its elements: building a
# Python proxy for each element, or testing every class name with a regex, cost more than all the
# rules together. (Queries scan attributes, `//@role/..`, because libxml2 tests long
# `//*[a or b or ...]` predicates slowly.)
_UPPER_TO_LOWER = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ ', 'abcdefghijklmnopqrstuvwxyz'"  # also drops spaces
_HIDDEN_OR_ROLE = etree.XPath(
    "//@hidden/.. | //@aria-hidden[. = 'true']/.. | //@role/.."
    f" | //@style[contains(translate(., {_UPPER_TO_LOWER}), 'display:none')"
    f" or contains(translate(., {_UPPER_TO_LOWER}), 'visibility:hidden')]/.."
)
# smart strings: each knows its element. (React sites name their components in data-component.)
_NAME_ATTRIBUTES = etree.XPath("//@class | //@id | //@data-component")
_TEXT_NODES = etree.XPath("//text()")
_TEXT_STRINGS = etree.XPath("//text()", smart_strings=False)
_CODE_TEXTS = etree.XPath("//script//text() | //style//text()", smart_strings=False)
_PARAGRAPH_TEXT = etree.XPath("//p//text()", smart_strings=False)
_LINKS = etree.XPath("//a[string-length(normalize-space()) >= $min_chars]")
_SHORT_LINKS = etree.XPath("//a[string-length(normalize-space()) < $min_chars]")
_LINK_ROW_SEPARATOR = re.compile(r"\s*[|·•]\s*")
_LINK_ROW_MAX_CHARS = 200
_BREADCRUMB_SEPARATOR = re.compile(r"\s+[>›»/]\s+")
_BREADCRUMB_MIN_PIECES = 3
_BREADCRUMB_MAX_WORDS = 4
_PARAGRAPHS = etree.XPath("//body//p")


@cache
def lowercase_matcher(patterns: tuple[str, ...], anchored: bool = False) -> re.Pattern[str]:
    """`any_of(patterns)` for text already lower-cased: case-sensitive matching is far faster."""
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(("^(?:" + body + ")") if anchored else body)


# A pattern with no literal prefix (one opening with `.{0,N}`, "a phrase anywhere near the start",
# or with an alternation) makes one big alternation scan every position with every branch: most of
# the time the block rules and pitch detection took. Such a pattern is tried on its own, and only on
# text holding a literal it cannot match without, derived from the pattern itself (so the rule
# tables stay plain regexes). Anchored tables keep their literal-led patterns in the alternation,
# where they fail at once.
_ANYWHERE_LEAD = re.compile(r"^\.\{\d*,\d+\}")
# In a search, a shorter guard than this passes on nearly every text: the pattern stays in the alternation.
_MIN_SEARCH_GUARD_CHARS = 3


def _required_literal(pattern: str) -> str:
    """The longest run of literal characters every match of `pattern` contains ("" if none)."""
    # The standard library's own regex parser (re._parser, Python 3.11+), run once per table.
    from re import _constants as sre  # noqa: PLC0415
    from re import _parser as sre_parse  # noqa: PLC0415

    runs: list[str] = []

    def walk(items) -> None:
        run: list[str] = []
        for op, arg in items:
            if op is sre.LITERAL:
                run.append(chr(arg))
                continue
            runs.append("".join(run))
            run = []
            if op is sre.SUBPATTERN:
                walk(arg[-1])
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:
                walk(arg[2])
        runs.append("".join(run))

    walk(sre_parse.parse(pattern))
    return max(runs, key=len)


class GuardedMatcher:
    """`lowercase_matcher(patterns, anchored)` for `.search` (or `.match` if anchored), only faster."""

    def __init__(self, patterns: tuple[str, ...], anchored: bool = False) -> None:
        self._guarded = []
        for pattern in patterns:
            if anchored and not _ANYWHERE_LEAD.match(pattern):
                continue
            literal = _required_literal(pattern)
            if len(literal) >= (1 if anchored else _MIN_SEARCH_GUARD_CHARS):
                regex = re.compile(f"(?:{pattern})")
                self._guarded.append((pattern, literal, regex.match if anchored else regex.search))
        guarded = {pattern for pattern, _, _ in self._guarded}
        plain = tuple(pattern for pattern in patterns if pattern not in guarded)
        alternation = lowercase_matcher(plain, anchored) if plain else None
        self._alternation = None if alternation is None else alternation.match if anchored else alternation.search
        self._anchored = anchored
        # Most texts hold none of the guards: one search over all of them says so.
        literals = sorted({literal for _, literal, _ in self._guarded}, key=len, reverse=True)
        self._any_guard = re.compile("|".join(map(re.escape, literals))).search if literals else None

    def find(self, lowered: str) -> re.Match[str] | None:
        """The leftmost match in `lowered` (already lower-cased; at its start if anchored), or None."""
        found = self._alternation(lowered) if self._alternation is not None else None
        if self._any_guard is None or self._any_guard(lowered) is None:
            return found
        for _, literal, find in self._guarded:
            if literal in lowered and (match := find(lowered)):
                if found is None or match.start() < found.start():
                    found = match
                if self._anchored or found.start() == 0:
                    break
        return found


@cache
def guarded_matcher(patterns: tuple[str, ...], anchored: bool = False) -> GuardedMatcher:
    return GuardedMatcher(patterns, anchored)


def _named_values(values: Sequence[str], joined: str, parts: tuple[str, ...]) -> set[str]:
    """Which of `values` (joined by NUL into `joined`, split into name parts) hold one of `parts`
    (tested together, in one regex pass)."""
    ends = list(accumulate(len(part) + 1 for part in joined.split("\x00")))
    return {values[bisect_right(ends, match.start())] for match in class_id_matcher(parts).finditer(joined)}


def _chrome_names(values: Iterable[str]) -> set[str]:
    """The class or id values that name a chrome container."""
    values = [value for value in values if value.strip() and "\x00" not in value]
    joined = re.sub(_TAXONOMY_CLASS, " ", split_name_parts("\x00".join(values)))
    return _named_values(values, joined, rules.CHROME_CLASS_ID_PARTS)


class PageNames:
    """The page's class, id and data-component values, read once for every table of name parts
    (chrome containers, subscription walls). Read again once the tree changes."""

    def __init__(self, tree: HtmlElement) -> None:
        self._attributes = _NAME_ATTRIBUTES(tree)  # smart strings: each knows its element
        self._values = [value for value in dict.fromkeys(self._attributes) if value.strip() and "\x00" not in value]
        self._parts = split_name_parts("\x00".join(self._values))
        self._without_taxonomy: str | None = None
        self._class_positions: dict[str, list[int]] | None = None

    def elements_named(self, parts: tuple[str, ...], *, taxonomy: bool = True) -> list[HtmlElement]:
        """The elements (in page order, each once) a value of which holds one of `parts`; with
        `taxonomy=False`, WordPress's category and tag classes ("tag-newsletter") name nothing."""
        if taxonomy:
            joined = self._parts
        else:
            if self._without_taxonomy is None:
                self._without_taxonomy = re.sub(_TAXONOMY_CLASS, " ", self._parts)
            joined = self._without_taxonomy
        names = _named_values(self._values, joined, parts)
        if not names:
            return []
        return list(dict.fromkeys(value.getparent() for value in self._attributes if value in names))

    def classed_containing(
        self, substrings: tuple[str, ...], skip_tags: frozenset[str] = frozenset()
    ) -> list[HtmlElement]:
        """The elements (in page order) whose class attribute holds one of `substrings` as written,
        as `//@class[contains(., s) or …]/..` finds them, without libxml2 testing every class."""
        if self._class_positions is None:
            self._class_positions = {}
            for position, value in enumerate(self._attributes):
                if value.attrname == "class":
                    self._class_positions.setdefault(value, []).append(position)
        positions = sorted(
            position
            for value, found in self._class_positions.items()
            if any(substring in value for substring in substrings)
            for position in found
        )
        elements = (self._attributes[position].getparent() for position in positions)
        return [element for element in elements if element.tag not in skip_tags]


def is_named_chrome(element: HtmlElement) -> bool:
    """The element's own class or id names a chrome container ("author-note", "promo-text")."""
    return bool(_chrome_names({element.get("class", ""), element.get("id", "")}))


def is_marked_hidden(element: HtmlElement) -> bool:
    """Hidden by an attribute (`hidden`, `aria-hidden="true"`), whatever its style says."""
    return element.get("hidden") is not None or element.get("aria-hidden") == "true"


def is_hidden(element: HtmlElement) -> bool:
    """Hidden by an attribute or by an inline style (display:none, visibility:hidden)."""
    if is_marked_hidden(element):
        return True
    style = element.get("style", "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def hidden_elements(tree: HtmlElement) -> list[HtmlElement]:
    """The page's hidden elements (by attribute or inline style), the outermost of each nest."""
    return _outermost([element for element in _HIDDEN_OR_ROLE(tree) if is_hidden(element)])


class _Page:
    """What pruning needs to know about a parsed page, measured once."""

    def __init__(self, tree: HtmlElement, paragraphs: dict[HtmlElement, str]) -> None:
        self.tree = tree
        self.keywords = lowercase_matcher(rules.CALL_TO_ACTION_KEYWORDS)
        self.pitch = guarded_matcher(rules.CALL_TO_ACTION_PATTERNS)
        self.paragraph_chars = sum(map(len, _PARAGRAPH_TEXT(tree)))
        # How many substantial story paragraphs each element holds (only elements holding some).
        self._story_counts: dict[HtmlElement, int] = {}
        # `min_words` words take at least 2 * min_words - 1 characters: shorter paragraphs are skipped.
        shortest = 2 * _SUBSTANTIAL_PARAGRAPH_WORDS - 1
        for paragraph, text in paragraphs.items():
            if len(text) < shortest or count_words(text) < _SUBSTANTIAL_PARAGRAPH_WORDS or self._is_pitch(text.lower()):
                continue
            for element in (paragraph, *paragraph.iterancestors()):
                self._story_counts[element] = self._story_counts.get(element, 0) + 1

    def _is_pitch(self, lowered: str) -> bool:
        return self.keywords.search(lowered) is not None and self.pitch.find(lowered) is not None

    def story_paragraphs_in(self, element: HtmlElement) -> int:
        return self._story_counts.get(element, 0)

    def between_story_paragraphs(self, element: HtmlElement) -> bool:
        """Story paragraphs (two or more, few links) in a wrapper standing between the story's own
        paragraphs: a part of the story whose class name happens to read like chrome ("expert-comments")."""
        parent = element.getparent()
        if parent is None or self.story_paragraphs_in(element) < 2 or self._is_pitch(element.text_content().lower()):
            return False  # (a donation box set between the paragraphs is the pitch it makes)
        siblings = [child for child in parent if child.tag == "p" and self._story_counts.get(child)]
        if not siblings:
            return False
        position = parent.index(element)
        if not (parent.index(siblings[0]) < position < parent.index(siblings[-1])):
            return False
        text = element.text_content()
        links = sum(len(anchor.text_content()) for anchor in element.iter("a"))
        return links <= _SANDWICH_MAX_LINK_SHARE * max(len(text), 1)

    def holds_story(self, element: HtmlElement) -> bool:
        """True when removing `element` would take story paragraphs with it. An <article> is a
        story's, unless it is a card: a teaser's headline and blurb, named like one ("teaser")."""
        if element.tag == "article":
            return self.story_paragraphs_in(element) >= 2 or len(element.text_content()) > _CARD_MAX_CHARS
        return element.tag in _STORY_TAGS or self.story_paragraphs_in(element) >= 3

    def chrome_containers(self, extra_xpaths: Sequence[etree.XPath], names: PageNames) -> Iterable[HtmlElement]:
        roles = frozenset(rules.CHROME_ROLES)
        for element in _HIDDEN_OR_ROLE(self.tree):
            if element.tag not in _NEVER_CHROME_TAGS and (element.get("role") in roles or is_hidden(element)):
                yield element
        for element in names.elements_named(rules.CHROME_CLASS_ID_PARTS, taxonomy=False):
            if element.tag not in _NEVER_CHROME_TAGS:
                yield element
        for xpath in extra_xpaths:
            yield from xpath(self.tree)

    def pitch_boxes(self) -> Iterable[HtmlElement]:
        """Small containers around text that pitches a subscription, newsletter or donation."""
        strings = _TEXT_STRINGS(self.tree)
        # Script and style text pitches nothing, and is more than half of many pages' text: blanked
        # (in place, so the strings stay in step with the page's text nodes).
        if code := set(_CODE_TEXTS(self.tree)):
            strings = ["" if string in code else string for string in strings]
        lowered = "\x00".join(strings).lower()  # text nodes never hold NUL
        match = self.keywords.search(lowered)
        if match is None:
            return
        parts = lowered.split("\x00")
        starts = list(accumulate((len(part) + 1 for part in parts), initial=0))
        pitches = []
        while match is not None:  # one search per text node holding a keyword
            index = bisect_right(starts, match.start()) - 1
            if 12 <= len(strings[index]) <= rules.CALL_TO_ACTION_MAX_CHARS and self.pitch.find(parts[index]):
                pitches.append(index)
            match = self.keywords.search(lowered, starts[index + 1])
        if not pitches:
            return
        nodes = _TEXT_NODES(self.tree)
        for index in pitches:
            node = nodes[index]
            box = node.getparent()
            if box is not None and node.is_tail:
                box = box.getparent()
            while box is not None:
                parent = box.getparent()
                if parent is None or parent.tag in _STORY_TAGS or self._too_big_for_a_box(parent):
                    break
                box = parent
            if box is not None and not self._story_paragraph_quoting_a_pitch(box):
                yield box

    def _story_paragraph_quoting_a_pitch(self, box: HtmlElement) -> bool:
        """A paragraph standing among the story's paragraphs is no pitch box when it is of the story's
        length, or when it quotes the pitch ('The banner read: „Newsletter abonnieren …“'): a pitch set
        in the story has a box of its own, or is a line ("Sign up for our newsletter")."""
        parent = box.getparent()
        if box.tag != "p" or parent is None:
            return False
        text = box.text_content()
        if parent.tag in _STORY_TAGS or self.story_paragraphs_in(parent) >= 2:
            return count_words(text) >= _SUBSTANTIAL_PARAGRAPH_WORDS or self._quotes_a_pitch(text)
        # a brief's paragraphs are short: a quoted pitch among sentences of the story is the story's
        sentences = sum(
            1
            for sibling in parent
            if sibling.tag == "p" and sibling is not box and _is_sentence(normalize_space(sibling.text_content()))
        )
        return sentences >= 2 and self._quotes_a_pitch(text)

    def _quotes_a_pitch(self, text: str) -> bool:
        """The pitch stands inside quotation marks, with the story's own words around it."""
        quoted = [match[1] for match in _QUOTED.finditer(text)]
        if not any(self.pitch.find(quote.lower()) for quote in quoted):
            return False
        return count_words(_QUOTED.sub(" ", text)) >= _WORDS_AROUND_A_QUOTE

    def _too_big_for_a_box(self, element: HtmlElement) -> bool:
        if self.story_paragraphs_in(element) >= 2:
            return True
        length = len(element.text_content())
        return length > _BOX_MAX_CHARS or length > _BOX_MAX_SHARE * max(self.paragraph_chars, 1)


# A quotation between any kind of quotation marks, and the story's words a quoted pitch stands among.
_QUOTED = re.compile(r"[\"“”„«»‹›]([^\"“”„«»‹›]{3,400})[\"“”„«»‹›]")
_WORDS_AROUND_A_QUOTE = 4
_SENTENCE_MIN_WORDS = 6


def _is_sentence(text: str) -> bool:
    return text.endswith(SENTENCE_ENDS) and count_words(text) >= _SENTENCE_MIN_WORDS


_INLINE_PHRASE_TAGS = frozenset({"span", "small", "em", "i", "b", "strong", "label"})
_RUNNING_TEXT_TAGS = frozenset({"p", "li", "a", "h2", "h3", "figcaption"})


_SCREEN_READER_CLASS = re.compile(
    rf"(?<!\S)(?:{'|'.join(map(re.escape, rules.SCREEN_READER_CLASSES))})(?!\S)", re.IGNORECASE
)


# Class attributes holding a part every screen-reader class name has (the exact names are checked
# after; a test keeps these parts in step with rules.SCREEN_READER_CLASSES).
SCREEN_READER_NAME_PARTS = ("sr-only", "idden", "creen", "a11y", "assistive", "offscreen", "invisible")
_CLASS_VALUES = etree.XPath("//@class", smart_strings=False)
_SCREEN_READER_CANDIDATES = etree.XPath(
    "//@class[" + " or ".join(f"contains(., '{part}')" for part in SCREEN_READER_NAME_PARTS) + "]/parent::*"
)


def drop_screen_reader_phrases(tree: HtmlElement) -> int:
    """Take out the short phrases written for screen readers inside running text (", opens new tab").

    They read as part of the sentence in extracted text. Returns how many were taken out.
    """
    # Most pages use no screen-reader class: one search over all their class values says so.
    if _SCREEN_READER_CLASS.search(" ".join(_CLASS_VALUES(tree))) is None:
        return 0
    dropped = 0
    for element in _SCREEN_READER_CANDIDATES(tree):
        if _SCREEN_READER_CLASS.search(element.get("class", "")) is None:
            continue
        if (
            element.tag in _INLINE_PHRASE_TAGS
            and len(element.text_content()) <= rules.SCREEN_READER_MAX_CHARS
            and any(ancestor.tag in _RUNNING_TEXT_TAGS for ancestor in element.iterancestors())
        ):
            element.drop_tree()  # keeps the text after it
            dropped += 1
    return dropped


def paragraph_texts(tree: HtmlElement) -> dict[HtmlElement, str]:
    """Each <p> of the page's body, in page order, with its normalised text (PageText.paragraphs)."""
    return {paragraph: normalize_space(paragraph.text_content()) for paragraph in _PARAGRAPHS(tree)}


def chrome_text(
    tree: HtmlElement,
    extra_xpaths: Sequence[etree.XPath] = (),
    whole: str | None = None,
    names: PageNames | None = None,
) -> PageText:
    """The text of the page's chrome containers (never the story's), beside the page's whole text.
    `whole` (normalised) and `names` are what the caller has read of the tree as it is now, if any.

    The tree is only read: trafilatura picks the story from the page as it is, and what it picked
    is filtered afterwards by `clean_blocks` (pruning first changed its choice of container on
    some pages, for the worse).
    """
    paragraphs = paragraph_texts(tree)
    page = _Page(tree, paragraphs)
    chrome = {
        element
        for element in [*page.chrome_containers(extra_xpaths, names or PageNames(tree)), *page.pitch_boxes()]
        if not page.holds_story(element) and not page.between_story_paragraphs(element)
    }
    return PageText(
        whole=normalize_space(tree.text_content()) if whole is None else whole,
        links=[normalize_space(anchor.text_content()) for anchor in _LINKS(tree, min_chars=_LINK_KEY_CHARS)],
        paragraphs=paragraphs,
        chrome_elements=chrome,
        tree=tree,
    )


def _outermost(elements: Collection[HtmlElement]) -> list[HtmlElement]:
    return [element for element in elements if not any(ancestor in elements for ancestor in element.iterancestors())]


class PageText:
    """Normalised text of a whole page and of its chrome, to tell where a block came from.

    It is also the page's text cache: the normalised text of each page paragraph (`paragraphs`,
    read once for chrome detection and recovery) and of each block trafilatura gave
    (`block_text`, read by recovery, every block rule and --explain). Blocks are never edited
    once extracted, only removed or inserted, so a block's text stays valid for the page.
    """

    def __init__(
        self,
        chrome: str = "",
        whole: str = "",
        links: Iterable[str] = (),
        paragraphs: dict[HtmlElement, str] | None = None,
        chrome_elements: set[HtmlElement] | None = None,
        tree: HtmlElement | None = None,
    ) -> None:
        # The page's chrome containers; `chrome` is the text of the outermost ones.
        self._chrome_elements = chrome_elements or set()
        self._chrome_boxes = _outermost(self._chrome_elements)
        self._chrome_texts = [normalize_space(element.text_content()) for element in self._chrome_boxes]
        self.chrome = "\x00".join(self._chrome_texts) if chrome_elements else chrome
        self.whole = whole
        self.paragraphs = paragraphs if paragraphs is not None else {}  # <p> of the page -> its text
        self._block_texts: dict[etree._Element, str] = {}
        # layout tables beside the story's holding none of it (unwrap_layout_tables), for clean_blocks to drop
        self.layout_furniture: set[etree._Element] = set()
        self._first_paragraph_of: dict[str, HtmlElement] | None = None
        self._links_by_start: dict[str, list[str]] = {}
        self._phrase_links: list[str] | None = None
        self._links_by_end: dict[str, list[str]] | None = None
        self._tree = tree  # for the short links ("Print", "Email"), read only when a block asks
        self._short_links: set[str] | None = None
        self._compact: tuple[str, str] | None = None  # the chrome's and the page's text without spaces
        for link in links:
            if len(link) >= _LINK_KEY_CHARS:
                self._links_by_start.setdefault(link[:_LINK_KEY_CHARS], []).append(link)

    def block_text(self, block: etree._Element) -> str:
        """`block_text(block)`, computed once per block of the page."""
        text = self._block_texts.get(block)
        if text is None:
            text = self._block_texts[block] = block_text(block)
        return text

    def source_paragraph(self, text: str) -> HtmlElement | None:
        """The page's first <p> whose text is `text`, if any."""
        if self._first_paragraph_of is None:
            self._first_paragraph_of = {}
            for paragraph, paragraph_text in self.paragraphs.items():
                self._first_paragraph_of.setdefault(paragraph_text, paragraph)
        return self._first_paragraph_of.get(text)

    def starts_with_link(self, text: str) -> bool:
        """True when `text` opens with the text of a link that makes up much of it (a teaser)."""
        for link in self._links_by_start.get(text[:_LINK_KEY_CHARS], ()):
            if text.startswith(link) and len(link) >= _TEASER_LINK_SHARE * len(text):
                return True
        return False

    def ends_with_link(self, text: str) -> bool:
        """True when `text` is a short label and then a link ("Dana: Great post, thanks", "Dana on
        Why the Su-35 deal stalled"): a recent-comments widget's item, a linked note."""
        if self._links_by_end is None:  # worked out once, on the first text asked about
            self._links_by_end = {}
            for link in chain.from_iterable(self._links_by_start.values()):
                self._links_by_end.setdefault(link[-_LINK_KEY_CHARS:], []).append(link)
        for link in self._links_by_end.get(text[-_LINK_KEY_CHARS:], ()):
            label = len(text) - len(link)
            long_enough = len(link) >= _TEASER_LINK_SHARE * len(text)
            if 0 < label <= _LINK_LABEL_MAX_CHARS and long_enough and text.endswith(link):
                return True
        return False

    def is_link_text(self, text: str) -> bool:
        """True when `text` is the whole text of a link on the page."""
        return text in self._links_by_start.get(text[:_LINK_KEY_CHARS], ())

    def is_link_row(self, text: str) -> bool:
        """A line of links and separators only ("Print version | Send to a friend", "Share · Tweet ·
        Email"): the page's tools or a menu, however short its links."""
        if len(text) > _LINK_ROW_MAX_CHARS:
            return False
        if pieces := _row_pieces(_LINK_ROW_SEPARATOR, text):
            return all(self._is_link_piece(piece) for piece in pieces)
        # a breadcrumb trail ("World > Middle East > Iran > Article"): links but for the page's own place
        crumbs = _row_pieces(_BREADCRUMB_SEPARATOR, text)
        return (
            len(crumbs) >= _BREADCRUMB_MIN_PIECES
            and all(
                count_words(crumb) <= _BREADCRUMB_MAX_WORDS and len(crumb) <= _LINK_LABEL_MAX_CHARS for crumb in crumbs
            )
            and all(self._is_link_piece(crumb) for crumb in crumbs[:-1])
        )

    def _is_link_piece(self, piece: str) -> bool:
        if self._short_links is None:
            anchors = _SHORT_LINKS(self._tree, min_chars=_LINK_KEY_CHARS) if self._tree is not None else []
            self._short_links = {normalize_space(anchor.text_content()) for anchor in anchors}
        return piece in self._short_links or self.is_link_text(piece)

    def has_link_in(self, block: etree._Element) -> bool:
        """True when the block's text holds the text of a link of the page (of a few words at least)."""
        if self._phrase_links is None:  # worked out once, on the first block asked about
            every_link = chain.from_iterable(self._links_by_start.values())
            self._phrase_links = list({link for link in every_link if count_words(link) >= 3})
        text = self.block_text(block)
        return any(link in text for link in self._phrase_links)

    def is_headline_teaser(self, text: str) -> bool:
        """A headline link followed by a short blurb (and maybe a date): a sidebar's teaser."""
        for link in self._links_by_start.get(text[:_LINK_KEY_CHARS], ()):
            if (
                text.startswith(link)
                and count_words(link) >= HEADLINE_LINK_MIN_WORDS
                and len(text) - len(link) <= _TEASER_BLURB_MAX_CHARS
            ):
                return True
        return False

    def is_link_list(self, block: etree._Element) -> bool:
        """A block made of teasers: every item, or the block itself, led by a link."""
        parts = "item" if block.tag == "list" else "row" if block.tag == "table" else None
        items = [text for item in block.iter(parts) if (text := self.block_text(item))] if parts else []
        if not items:
            return self.starts_with_link(self.block_text(block))
        marker = any_of(rules.TEASER_MARKER_PATTERNS)
        teasers = sum(
            1
            for item in items
            if self.starts_with_link(item)
            or self.is_headline_teaser(item)
            or marker.search(item)
            or self.ends_with_link(item)
        )
        return teasers >= 0.75 * len(items)

    def without_story_box(self, texts: Sequence[str]) -> PageText | None:
        """The page seen with the chrome container holding most of `texts` taken for the story's (a
        story body classed "paywall-article"), the chrome inside it still chrome; None when no
        chrome container holds any of them."""
        # the story's paragraphs are long, a box of teasers' blurbs short: long ones count first
        long_texts = [text for text in texts if count_words(text) >= _SUBSTANTIAL_PARAGRAPH_WORDS]
        held = [
            (
                sum(len(text) for text in long_texts if text in box_text),
                sum(len(text) for text in texts if text and text in box_text),
                -index,
            )
            for index, box_text in enumerate(self._chrome_texts)
        ]
        _, most, index = max(held, default=(0, 0, 0))
        index = -index
        if not most:
            return None
        story_box = self._chrome_boxes[index]
        seen = PageText(
            whole=self.whole,
            paragraphs=self.paragraphs,
            chrome_elements={element for element in self._chrome_elements if element is not story_box},
        )
        seen._block_texts, seen._links_by_start = self._block_texts, self._links_by_start
        seen._tree, seen._short_links = self._tree, self._short_links
        return seen

    def only_in_chrome(self, text: str, items: bool = False) -> bool:
        """True when every copy of `text` on the page sits inside chrome. `items`: the text joins a
        list's items or a table's cells, which the page may write with no space between them
        ("<li>Unlimited articles</li><li>Weekly briefing</li>"): they are compared without spaces."""
        if not text:
            return False
        if text in self.chrome:
            return self.whole.count(text) <= self.chrome.count(text)
        if not items:
            return False
        if self._compact is None:
            self._compact = ("".join(self.chrome.split()), "".join(self.whole.split()))
        compact_chrome, compact_whole = self._compact
        compact = "".join(text.split())
        return compact in compact_chrome and compact_whole.count(compact) <= compact_chrome.count(compact)

    def in_captions_only(self, text: str) -> bool:
        """True when the chrome boxes holding `text` are all figures or captions (a photo's caption)."""
        boxes = [box for box, box_text in zip(self._chrome_boxes, self._chrome_texts, strict=True) if text in box_text]
        return bool(boxes) and all(_is_caption_box(box) for box in boxes)


def _row_pieces(separator: re.Pattern[str], text: str) -> list[str]:
    """The pieces of a row between its separators ("Print | Email" -> ["Print", "Email"]); [] when
    the line is no row of two pieces or more."""
    if not separator.search(text):
        return []
    pieces = [piece for piece in separator.split(text) if piece]
    return pieces if len(pieces) >= 2 else []


def block_text(block: etree._Element) -> str:
    return normalize_space(" ".join(block.itertext()))


def _is_slideshow(block: etree._Element, page: PageText) -> bool:
    """A list of gallery captions, each opened by a slide counter counting up to the same total, or
    a carousel's slides, each carrying its "Previous"/"Next" buttons."""
    if block.tag != "list":
        return False
    slides = block.findall("item")
    if sum(1 for slide in slides if _has_pager_buttons(slide, page)) >= rules.SLIDESHOW_MIN_SLIDES:
        return True
    matches = [_SLIDE_COUNTER.match(page.block_text(item)) for item in block.iter("item")]
    return all(matches) and _counts_up(matches)


def _has_pager_buttons(slide: etree._Element, page: PageText) -> bool:
    buttons = slide.find("list")
    if buttons is None:
        return False
    labels = [page.block_text(item).lower() for item in buttons.findall("item")]
    return len(labels) >= 2 and all(_PAGER_BUTTON.fullmatch(label) for label in labels)


_PAGER_BUTTON = re.compile(rules.PAGER_BUTTON_PATTERN)


_SLIDE_COUNTER = re.compile(rules.SLIDESHOW_COUNTER_PATTERN)


def _counts_up(counters: Sequence[re.Match[str]]) -> bool:
    """Enough slide counters ("1 / 5", "2 / 5" …), counting up by one to the same total."""
    if len(counters) < rules.SLIDESHOW_MIN_SLIDES:
        return False
    numbers = [(int(counter[1]), int(counter[2])) for counter in counters]
    first, total = numbers[0]
    return all(pair == (first + offset, total) for offset, pair in enumerate(numbers))


def drop_paywall_deck(
    body: etree._Element, description: str | None, decisions: dict | None = None, page: PageText | None = None
) -> None:
    """On a paywalled page, the deck over the free part that is the page's declared description: the
    teaser shown in the story's place, no story of its own (the description keeps it)."""
    if not description:
        return
    key = comparison_key(description)
    page = page or PageText()
    for block in list(body)[:_HEADING_BLOCKS]:
        if comparison_key(page.block_text(block)) == key:
            body.remove(block)
            if decisions is not None:
                decisions[block] = ("paywall-deck", "the declared description, over a paywalled page's free part")
            return


def lead_with_headline(
    body: etree._Element, title: str | None, headline: str | None, page: PageText | None = None
) -> etree._Element | None:
    """Open the text with the headline where trafilatura left it out: the page's first <h1>, when it
    is worded as the title (or the title opens with it, a site's name after it) and the text's top
    holds neither. Returns the heading put in, or None."""
    if not title or not headline or not len(body):
        return None
    page = page or PageText()
    title_key, h1_key = comparison_key(title), comparison_key(headline)
    opens_title = title_key.startswith(h1_key) and len(h1_key) >= _LEAD_MIN_TITLE_SHARE * len(title_key)
    if len(h1_key) < _HEADLINE_PREFIX_MIN_CHARS or not (h1_key.startswith(title_key) or opens_title):
        return None  # the <h1> is the masthead (a blog's name over "Blog: Headline"), or a heading of its own
    for block in list(body)[:_HEADING_BLOCKS_MAX]:
        key = comparison_key(page.block_text(block))
        if key and (h1_key in key or title_key in key or h1_key.startswith(key)):
            return None  # the text opens with it already
    heading = etree.Element("head", rend="h1")
    heading.text = normalize_space(headline)
    body.insert(0, heading)
    return heading


# An <h1> the title only opens with is its headline when it holds this share of it ("Headline | Site").
_LEAD_MIN_TITLE_SHARE = 0.5


def drop_heading_blocks(
    body: etree._Element,
    title: str | None,
    headline: str | None = None,
    *,
    decisions: dict | None = None,
    page: PageText | None = None,
) -> None:
    """The story starts at its headline: the short lines over it (a masthead, a tagline, a section
    label) are dropped, the headline itself stays the text's first line, as the page prints it.

    The headline is the block worded as the title, or as the page's first <h1> (`headline`: the
    title may be a shortened wording of it). An <h1> over a block worded as the title is the site's
    name set as a heading, and goes with the rest of the masthead. The top is the first three
    blocks, or up to eight while no prose has come (a masthead, a tagline and a date come first on a
    page laid out with tables).
    """
    page = page or PageText()
    title_key = comparison_key(title) if title else None
    h1_key = comparison_key(headline) if headline else None
    above: list[etree._Element] = []
    h1_blocks: list[etree._Element] = []  # blocks worded as the <h1> only, which a title block may follow
    prose_seen = False

    def drop(block: etree._Element, rule: str, detail: str) -> None:
        body.remove(block)
        if decisions is not None:
            decisions[block] = (rule, detail)

    def opens_with(key: str, heading: str | None) -> bool:
        # a heading that opens with the headline and runs on ("Live: … too close to call as results come in")
        return bool(heading) and len(heading) >= _HEADLINE_PREFIX_MIN_CHARS and key.startswith(heading)

    for index, block in enumerate(list(body)[:_HEADING_BLOCKS_MAX]):
        text = page.block_text(block)
        key = comparison_key(text)
        by_title = key == title_key or block.tag == "head" and opens_with(key, title_key)
        if by_title or key == h1_key or block.tag == "head" and opens_with(key, h1_key):
            if by_title:
                for masthead in h1_blocks:
                    drop(masthead, "masthead-heading", "the site's name set as the <h1>, over the headline")
                h1_blocks = []
            else:
                h1_blocks.append(block)
            for furniture in above:
                drop(furniture, "above-headline", "a short line over the headline")
            above = []
        elif count_words(text) < _PROSE_BLOCK_MIN_WORDS:
            if prose_seen and text.endswith(SENTENCE_ENDS):
                # the story came before the headline (trafilatura's fallbacks put it last): a short
                # sentence after its prose is the story's, not a label over the headline
                above = []
            else:
                above.append(block)
        elif index >= _HEADING_BLOCKS:
            break
        else:
            above = []  # prose first: what came before it is no furniture over the headline
            prose_seen = True


# trafilatura's block-level elements: in a table cell they mark a table used for page layout.
_BLOCK_ELEMENTS = frozenset({"p", "head", "quote", "list", "table", "code"})
_LAYOUT_CELL_MARKS = frozenset({"head", "quote", "list", "table"})
# Children that make a paragraph a wrapper of blocks (inline code is not one).
_WRAPPER_MARKS = frozenset({"p", "head", "quote", "list", "table"})
# Page containers left in readability's extraction.
_DIVISIONS = frozenset({"div", "section", "article", "main"})


def is_layout_table(block: etree._Element) -> bool:
    """A table that lays out the page (headings, quotes or several paragraphs in a cell), not data."""
    if block.tag != "table":
        return False
    for cell in block.iter("cell"):
        children = [child.tag for child in cell]
        if _LAYOUT_CELL_MARKS.intersection(children) or children.count("p") >= 2:
            return True
    return False


def is_wrapper_paragraph(block: etree._Element) -> bool:
    """A paragraph or heading that holds headings or paragraphs of its own: a page's layout, not a block.

    Or a division: when trafilatura takes readability's extraction instead of its own, the blocks
    come inside the page's <div>s (one block to the rules, holding the story and what trails it).
    """
    if block.tag in _DIVISIONS:
        return True
    return block.tag in ("p", "head") and any(child.tag in _WRAPPER_MARKS or child.tag in _DIVISIONS for child in block)


def split_at_blank_lines(body: etree._Element) -> int:
    """Split each paragraph block written as several paragraphs set apart by blank lines (`<br><br>`,
    as old CMSs write a story in one <div>) into blocks of their own, so each meets the block
    rules ("Читайте также: …" between two of them); returns how many blocks were added."""
    added = 0
    for block in list(body):
        if block.tag != "p" or len(block) < 2:
            continue
        children = list(block)
        cuts = {
            index
            for index, (child, after) in enumerate(pairwise(children))
            if child.tag == "lb" and after.tag == "lb" and not (child.tail or "").strip()
        }
        if not cuts:
            continue
        pieces = [etree.Element("p")]
        pieces[0].text = block.text
        index = 0
        while index < len(children):
            if index in cuts:
                piece = etree.Element("p")
                piece.text = (children[index + 1].tail or "").lstrip()
                pieces.append(piece)
                index += 2
                continue
            pieces[-1].append(children[index])  # with its tail
            index += 1
        pieces = [piece for piece in pieces if "".join(piece.itertext()).strip()]
        for piece in pieces:
            block.addprevious(piece)
        body.remove(block)
        added += len(pieces) - 1
    return added


def unwrap_layout_tables(body: etree._Element, page: PageText | None = None) -> int:
    """Replace each layout block among the blocks by the blocks inside it, in reading order.

    A layout block is a table laying out the page, or a paragraph wrapping headings and paragraphs
    (trafilatura's fallback when it finds no article node). Emitted whole, it is one block holding
    the masthead, the story, the comment form and the sidebars: no block rule can tell them apart.
    Unwrapped, each part meets the rules on its own. Returns how many blocks were unwrapped.
    """
    page = page or PageText()
    layouts = {}
    for block in body:
        if is_layout_table(block) or is_wrapper_paragraph(block):
            if block.tag == "table":
                page.block_text(block)  # read whole first: unwrapping moves its cells' content out, furniture stays
            layouts[block] = _layout_blocks(block, page)
    # An old page laid out as a table of tables: the one holding the story, and the menus, columns
    # and footer around it, each a table of its own. Those holding no story paragraph are its chrome.
    story = {block: _story_paragraphs(pieces, page) for block, pieces in layouts.items() if block.tag == "table"}
    furniture: set[etree._Element] = set()
    if max(story.values(), default=0) >= _LAYOUT_STORY_TABLE_PARAGRAPHS:
        furniture = {block for block, count in story.items() if count < _LAYOUT_STORY_MIN_PARAGRAPHS}
        # and the page's shell: a table of one filled cell a row (the menu, the footer) is no data
        shells = [block for block in body if block.tag == "table" and block not in layouts and _one_cell_rows(block)]
        furniture.update(shells)
        page.layout_furniture.update(furniture)  # left whole, for clean_blocks to drop by name
    for block, pieces in layouts.items():
        if block in furniture:
            continue
        index = body.index(block)
        body.remove(block)
        for offset, piece in enumerate(pieces):
            body.insert(index + offset, piece)
    return len(layouts)


# A layout table holding this many story paragraphs is the story's; beside it, one holding fewer than
# the minimum is the page's furniture (a menu row, a column of rubrics and a poll, the footer).
_LAYOUT_STORY_TABLE_PARAGRAPHS = 3
_LAYOUT_STORY_MIN_PARAGRAPHS = 2


def _one_cell_rows(table: etree._Element) -> bool:
    rows = list(table.iterchildren("row"))
    filled = [sum(1 for cell in row.iterchildren("cell") if "".join(cell.itertext()).strip()) for row in rows]
    return bool(rows) and max(filled) <= 1


def _story_paragraphs(pieces: list[etree._Element], page: PageText) -> int:
    return sum(
        1
        for piece in pieces
        if count_words(text := page.block_text(piece)) >= _SUBSTANTIAL_PARAGRAPH_WORDS and text.endswith(SENTENCE_ENDS)
    )


def _layout_blocks(block: etree._Element, page: PageText) -> list[etree._Element]:
    """The blocks of a layout table's cells, row by row, or of a wrapper paragraph; nested layout unwrapped too."""
    cells = (
        [block]
        if block.tag != "table"
        else [cell for row in block.iterchildren("row") for cell in row.iterchildren("cell")]
    )
    blocks: list[etree._Element] = []
    for cell in cells:
        for piece in _cell_blocks(cell, page):
            nested = is_layout_table(piece) or is_wrapper_paragraph(piece)
            blocks.extend(_layout_blocks(piece, page) if nested else [piece])
    return blocks


def _cell_blocks(cell: etree._Element, page: PageText) -> list[etree._Element]:
    """A cell's content as blocks: its block children, and a paragraph for each run of loose text."""
    blocks: list[etree._Element] = []
    loose: list[etree._Element | str] = [cell.text] if cell.text and cell.text.strip() else []

    def flush() -> None:
        if any(isinstance(part, str) and part.strip() or not isinstance(part, str) for part in loose):
            paragraph = etree.Element("p")
            for part in loose:
                if isinstance(part, str):
                    if len(paragraph):
                        paragraph[-1].tail = (paragraph[-1].tail or "") + part
                    else:
                        paragraph.text = (paragraph.text or "") + part
                else:
                    paragraph.append(part)
            # The layout's indentation is no part of the text.
            paragraph.text = (paragraph.text or "").lstrip() or None
            last = paragraph[-1] if len(paragraph) else None
            if last is not None and last.tail:
                last.tail = last.tail.rstrip() or None
            elif last is None and paragraph.text:
                paragraph.text = paragraph.text.rstrip()
            if page.block_text(paragraph):  # read once: the rules after read the cached text
                blocks.append(paragraph)
        loose.clear()

    for child in list(cell):
        tail, child.tail = child.tail, None
        if child.tag in _BLOCK_ELEMENTS or child.tag in _DIVISIONS:
            flush()
            blocks.append(child)
        else:
            loose.append(child)
        if tail and tail.strip():
            loose.append(tail)
    flush()
    return blocks


_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


def comparison_key(text: str) -> str:
    """Text reduced to its letters and digits, lower-cased: how two copies of a line are told to be one
    whatever their spacing, punctuation and case."""
    return _NOT_LETTER_OR_DIGIT.sub("", text.lower())


# A repeat this long (in words) is a duplicate wherever it sits; a shorter one only when it doubles
# the line before it or the lead. Shorter repeats are a template's (recipes, Q&A, spec lists).
_DUPLICATE_MIN_WORDS = 20
_LEAD_BLOCKS = 3
_LEAD_REPEAT_MIN_WORDS = 8
_LABEL_OR_QUESTION = re.compile(r"^[^:]{1,40}:|\?$")
# A recirculation heading sits inside the story when this much prose (in blocks of this many words)
# follows its box; then only the heading and its box go.
_PROSE_AFTER_MIN_WORDS = 40
_EARLY_END_MIN_SHARE = 0.2
_PROSE_BLOCK_MIN_WORDS = 15
# How a sentence ends, in the scripts the rules cover.
SENTENCE_ENDS = (".", "!", "?", '"', "”", "»", "…", "。", "！", "？", "؟", "۔")
_STORY_GOES_ON_MIN_WORDS = 6  # a sentence, not a label
_HEADLINE_PREFIX_MIN_CHARS = 20  # a title this long that a heading opens with is the headline

Decisions = dict  # block element -> (rule name, detail); see rules.BLOCK_RULES


_ITEM_BLOCKS = frozenset({"list", "table"})


def _in_chrome(blocks: list[etree._Element], texts: list[str], page: PageText, total: int) -> list[bool]:
    """Which blocks sit only in chrome. When nearly everything does, the story's own container is
    named like chrome ("paywall-article"): seen as the story's, the chrome around and inside it
    still counts. Failing that, the "chrome" is the story: a photo page whose captions are it."""

    def outside(flags: list[bool]) -> int:
        return sum(len(text) for text, chrome in zip(texts, flags, strict=True) if not chrome)

    items = [block.tag in _ITEM_BLOCKS for block in blocks]
    in_chrome = [page.only_in_chrome(text, joined) for text, joined in zip(texts, items, strict=True)]
    if outside(in_chrome) >= _MIN_STORY_SHARE * total:
        return in_chrome
    seen = page.without_story_box(texts)
    if seen is not None:
        in_chrome = [seen.only_in_chrome(text, joined) for text, joined in zip(texts, items, strict=True)]
        if outside(in_chrome) >= _MIN_STORY_SHARE * total:
            return in_chrome
    return [False] * len(texts)


def _is_caption_box(box: HtmlElement) -> bool:
    if box.tag in ("figure", "figcaption"):
        return True
    return _CAPTION_NAME.search(f"{box.get('class', '')} {box.get('id', '')}") is not None


_CAPTION_NAME = re.compile("|".join(rules.CAPTION_BOX_NAME_PARTS), re.IGNORECASE)
_ESSAY_MIN_CAPTIONS = 4


def _photo_essay_captions(texts: list[str], in_chrome: list[bool], page: PageText) -> None:
    """On a photo essay the captions are the story: when the captions written as sentences of a
    paragraph's length outnumber (in words) the prose outside chrome, they are cleared of `in_chrome`,
    in place. Beside a story longer than its photos' captions, they stay the story's chrome."""
    captions = [
        index
        for index, (text, chrome) in enumerate(zip(texts, in_chrome, strict=True))
        if chrome
        and count_words(text) >= _ESSAY_CAPTION_MIN_WORDS
        and text.endswith(SENTENCE_ENDS)
        and page.in_captions_only(text)
    ]
    if len(captions) < _ESSAY_MIN_CAPTIONS:
        return
    prose = sum(count_words(text) for text, chrome in zip(texts, in_chrome, strict=True) if not chrome)
    if sum(count_words(texts[index]) for index in captions) > prose:
        for index in captions:
            in_chrome[index] = False


_ESSAY_CAPTION_MIN_WORDS = 15


def _photo_page_counters(texts: list[str], in_chrome: list[bool]) -> set[int]:
    """On a photo page, the slide counters ("1 / 5") among the blocks; the captions between them are
    its story, wherever their class puts them (`in_chrome` is cleared for them, in place).

    A slideshow is the page's story when no story prose stands outside it; beside a story, it is a
    gallery in the story's chrome, and nothing changes."""
    found = [(index, match) for index, text in enumerate(texts) if (match := _SLIDE_COUNTER.fullmatch(text))]
    if not _counts_up([match for _, match in found]):
        return set()
    first, last = found[0][0], found[-1][0]
    end = min(len(texts), last + 1 + (last - first) // (len(found) - 1))  # the last slide's caption too
    outside = [text for index, text in enumerate(texts) if not first <= index < end]
    if any(count_words(text) >= _SUBSTANTIAL_PARAGRAPH_WORDS for text in outside):
        return set()
    for index in range(first, end):
        in_chrome[index] = False
    return {index for index, _ in found}


def clean_blocks(
    body: etree._Element, page: PageText | None = None, decisions: Decisions | None = None
) -> etree._Element:
    """Drop chrome, boilerplate and repeated blocks and everything after the story, in place.

    When `decisions` is given, each dropped block is recorded in it with the name of the rule that
    dropped it (rules.BLOCK_RULES) and the pattern or reason.
    """
    # Matched against lower-cased text (the patterns are lower case: a test holds them to it).
    boilerplate = guarded_matcher(rules.BOILERPLATE_BLOCK_PATTERNS, anchored=True)
    end_of_article = lowercase_matcher(rules.END_OF_ARTICLE_PATTERNS, anchored=True)
    mid_story = lowercase_matcher(rules.MID_STORY_BOX_PATTERNS, anchored=True)
    machine_summary = lowercase_matcher(rules.AI_SUMMARY_HEADINGS, anchored=True)
    comments_heading = lowercase_matcher(rules.COMMENTS_HEADING_PATTERNS, anchored=True)
    release_end = lowercase_matcher(rules.PRESS_RELEASE_END_HEADINGS, anchored=True)
    page = page or PageText()
    blocks = list(body)
    texts = [page.block_text(block) for block in blocks]
    total = sum(len(text) for text in texts) or 1
    in_chrome = _in_chrome(blocks, texts, page, total)
    counters = _photo_page_counters(texts, in_chrome)
    if not counters:
        _photo_essay_captions(texts, in_chrome, page)
    keys = [comparison_key(text) for text in texts]
    contained = _contained_in_larger(keys)
    lowered_texts = [text.lower() if len(text) <= rules.BOILERPLATE_MAX_CHARS else "" for text in texts]
    after_table = [index > 0 and blocks[index - 1].tag == "table" for index in range(len(blocks))]
    boilerplate_at = _BoilerplateFlags(lowered_texts, boilerplate, after_table)
    # Story prose after a heading is neither chrome nor boilerplate ("This entry was posted in …").
    not_story = _NotStory(in_chrome, boilerplate_at)

    def drop(block: etree._Element, rule: str, detail: str = "") -> None:
        body.remove(block)
        if decisions is not None:
            decisions[block] = (rule, detail)

    def drop_box(heading: int, box_end: int, text: str) -> int:
        """Drop a recirculation box inside the story (its heading and teasers); the index after it."""
        for box_block in blocks[heading:box_end]:
            drop(box_block, "mid-story-box", f"{text!r} with story prose after it")
        return box_end

    seen: dict[str, int] = {}
    short_seen: dict[str, int] = {}
    repeat_of: dict[int, int] = {}  # a dropped repeat's index -> the index of the block it repeats
    contained_in: list[tuple[etree._Element, int]] = []
    position = 0
    skip_to = 0
    for index, (block, text, chrome) in enumerate(zip(blocks, texts, in_chrome, strict=True)):
        if index < skip_to:
            continue
        lowered = lowered_texts[index]
        # "Tags on the engine read 'Made in Iran'." is story
        short_line = len(text) <= rules.END_OF_ARTICLE_MAX_CHARS and not _ends_a_sentence(text)
        about = short_line and _about_the_issuer(text, texts[index + 1] if index + 1 < len(texts) else "")
        heading = short_line and (about or end_of_article.match(lowered))
        if heading:
            box_end = _box_end(blocks, texts, not_story, index, page)
            if machine_summary.match(lowered) and box_end < len(blocks) and blocks[box_end].tag == "list":
                box_end += 1  # a machine summary's box is its list of bullets, however long
            prose_after = _prose_words(blocks, texts, not_story, box_end, page)
            in_story_box = mid_story.match(lowered) is not None
            if in_story_box and prose_after >= _PROSE_AFTER_MIN_WORDS:
                skip_to = drop_box(index, box_end, text)
                continue
            if in_story_box and (story_again := _story_goes_on(blocks, texts, not_story, index, page)):
                skip_to = drop_box(index, min(box_end, story_again), text)
                continue
            comments = comments_heading.match(lowered) is not None
            if (
                not in_story_box
                and not comments
                and not (about or release_end.match(lowered))
                and len(text.split()) >= 2
                and ":" not in text  # a label ("Tags", "Topics: …") ends the story whatever follows
                and prose_after >= _PROSE_AFTER_MIN_WORDS
                and _story_goes_on(blocks, texts, not_story, index, page) == index + 1
            ):
                position += len(text)  # a subheading of the story ("More bad news"), its prose straight after
                continue
            min_share = rules.COMMENTS_HEADING_MIN_SHARE if comments else rules.END_OF_ARTICLE_MIN_SHARE
            # Early in the text, the heading still ends it when no story prose follows it at all.
            if position >= min_share * total or (
                position >= _EARLY_END_MIN_SHARE * total and prose_after == 0 and box_end == len(blocks)
            ):
                for rest in blocks[index:]:
                    drop(rest, "end-of-article", f"after {text!r}")
                break
            if in_story_box and prose_after and box_end > index + 1:
                # early, with a little story after it (a short item): the box goes, the story stays
                skip_to = drop_box(index, box_end, text)
                continue
        position += len(text)
        key = keys[index]
        words = count_words(text)
        if block in page.layout_furniture:
            drop(block, "layout-furniture", "a layout table beside the story's, holding none of it")
        elif index in counters:
            drop(block, "slideshow", "a photo page's slide counter")
        elif chrome:
            drop(block, "chrome-only", "all its copies on the page sit in chrome containers")
        elif key and key in seen and _is_duplicate(text, words, index, seen[key], block, page):
            drop(block, "duplicate", f"repeats block {seen[key] + 1}")
            repeat_of[index] = seen[key]
        elif index in contained and (
            words >= _DUPLICATE_MIN_WORDS
            and block.tag == "p"
            # a deck over the lead that the lead repeats ("X said …" / "According to the agency, X said …")
            or index < _LEAD_BLOCKS and contained[index] == index + 1 and words >= _LEAD_REPEAT_MIN_WORDS
        ):
            contained_in.append((block, contained[index]))  # dropped at the end, if the larger block stays
        elif _is_slideshow(block, page):
            drop(block, "slideshow", "gallery captions with slide counters")
        elif (box_heading := _teaser_list_heading(block, page, mid_story, end_of_article)) is not None:
            drop(block, "mid-story-box", f"{box_heading!r} heads a list of teasers")
        elif _is_promo_link(text, page):
            drop(block, "promo-link", "an inline promo link in capitals")
        elif page.is_link_row(text) or block.tag == "table" and page.is_link_row(_cells_as_row(block, page)):
            drop(block, "link-row", "links and separators only")
        elif _is_meta_row(text):
            drop(block, "meta-row", "page facts only between separators")
        elif boilerplate_at[index]:
            # which pattern, for --explain only: finding it tries each pattern again
            named = _pattern_of(rules.BOILERPLATE_BLOCK_PATTERNS, lowered) if decisions is not None else ""
            drop(block, "boilerplate", named)
        elif position >= rules.END_OF_ARTICLE_MIN_SHARE * total and (kinds := _postal_kinds(text)):
            drop(block, "postal-address", f"{kinds} kinds of postal or contact detail")
        elif len(key) > 20:
            seen.setdefault(key, index)
        elif key:
            short_seen.setdefault(key, index)
    # A short line (a byline, a label) opening a repeated copy of the story goes with the copy.
    for index, key in enumerate(keys):
        first = short_seen.get(key)
        if first is not None and first < index and repeat_of.get(index + 1) == first + 1:
            if blocks[index].getparent() is body:
                drop(blocks[index], "duplicate", f"repeats block {first + 1}, before a repeated block")
    _drop_trailing_teasers(body, page, total, decisions)
    for block, larger in contained_in:
        if blocks[larger].getparent() is body:
            drop(block, "contained-duplicate", f"reappears inside block {larger + 1}")
    return body


_ABOUT_HEADING = re.compile(rules.ABOUT_ISSUER_HEADING_PATTERN)
_NO_NAME_WORDS = frozenset(
    {"the", "this", "that", "these", "those", "our", "a", "an", "der", "die", "das", "le", "la", "les", "el", "los"}
)


def _about_the_issuer(text: str, following: str) -> bool:
    """A press release's "About Aerosentry" heading: a name, and the paragraph under it opening with
    that name ("Aerosentry OÜ was founded in 2019 …"). "About the deal" names no one."""
    match = _ABOUT_HEADING.fullmatch(text)
    if match is None:
        return False
    name = match["name"].split()[0].strip("«»\"“”")
    return name[:1].isupper() and name.lower() not in _NO_NAME_WORDS and following.startswith(name)


def _cells_as_row(table: etree._Element, page: PageText) -> str:
    """A table's cells as one row between separators (a menu laid out as a table: "Kernel | Security | …")."""
    cells = [text for cell in table.iter("cell") if (text := page.block_text(cell))]
    return " | ".join(cells) if len(cells) >= _MENU_TABLE_MIN_CELLS else ""


_MENU_TABLE_MIN_CELLS = 3


def _is_meta_row(text: str) -> bool:
    """A row of the page's facts only ("15 января 2025 09:41 | Просмотров: 11 204 | Комментарии: 38"),
    maybe opened by its source or writer; a dash set apart by spaces parts facts too ("17.09.2025 -
    Güncelleme : 17.09.2025")."""
    if len(text) > _LINK_ROW_MAX_CHARS:
        return False
    lowered = text.lower()
    return any(_facts_only(separator, lowered) for separator in (_LINK_ROW_SEPARATOR, _DASHED_SEPARATOR))


def _facts_only(separator: re.Pattern, text: str) -> bool:
    if not (pieces := _row_pieces(separator, text)):
        return False
    facts = sum(1 for piece in pieces if _META_PIECE(piece))
    # (the row may open with its source or writer: "Agency - agencies | Published: … | Reads: 1842")
    source_first = (
        facts >= 2
        and facts == len(pieces) - 1
        and not _META_PIECE(pieces[0])
        and count_words(pieces[0]) <= _ROW_SOURCE_MAX_WORDS
    )
    return facts == len(pieces) or source_first


_ROW_SOURCE_MAX_WORDS = 4
_DASHED_SEPARATOR = re.compile(r"\s*[|·•]\s*|\s+[-–—]\s+")
_META_PIECE = re.compile("|".join(f"(?:{pattern})" for pattern in rules.META_PIECE_PATTERNS)).fullmatch


def _ends_a_sentence(text: str) -> bool:
    """Ends with a full stop (not an ellipsis): a sentence, not a heading."""
    return text.endswith(".") and not text.endswith("..")


_ADDRESS_ONLINE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\b[\w-]+(?:\.[\w-]+)+\.[a-z]{2,}\b")
_WORD_RUN = re.compile(r"[^\W\d_]+")
_SENTENCE_MIN_LOWERCASE_WORDS = 8


def _postal_kinds(text: str) -> int:
    """How many kinds of postal or contact detail a short block holds, when they make it an address."""
    if len(text) > rules.POSTAL_ADDRESS_MAX_CHARS or not _DIGIT_OR_AT.search(text):
        return 0
    bare = _ADDRESS_ONLINE.sub(" ", text)
    if sum(1 for word in _WORD_RUN.findall(bare) if word.islower()) >= _SENTENCE_MIN_LOWERCASE_WORDS:
        return 0  # a sentence naming an address ("The new headquarters, at 1200 Harbor Boulevard, … is a former …")
    kinds = sum(1 for pattern in rules.POSTAL_ADDRESS_PATTERNS if any_of((pattern,)).search(text))
    return kinds if kinds >= rules.POSTAL_ADDRESS_MIN_KINDS else 0


_DIGIT_OR_AT = re.compile(r"[\d@]")


def _teaser_list_heading(
    block: etree._Element, page: PageText, *headings: re.Pattern[str]
) -> str | None:
    """The recirculation heading a list of teasers opens with inside itself ("Don't miss these
    stories" over the list's linked headlines), or None."""
    if block.tag != "list":
        return None
    first = next(block.iter("item"), None)
    if first is None:
        return None
    lead = normalize_space(first.text or "")
    if not lead and len(first) and first[0].tag in ("head", "hi", "p"):
        lead = normalize_space("".join(first[0].itertext()))
    if not lead or count_words(lead) > _BOX_HEADING_MAX_WORDS or _ends_a_sentence(lead):
        return None
    lowered = lead.lower()
    if not any(heading.match(lowered) for heading in headings) or not page.is_link_list(block):
        return None
    return lead


_BOX_HEADING_MAX_WORDS = 10


def _is_promo_link(text: str, page: PageText) -> bool:
    if not 8 <= len(text) <= rules.PROMO_LINK_MAX_CHARS:
        return False
    label = any_of((rules.PROMO_LABEL_PATTERN,), anchored=True).match(text)
    # the link after the label, or a link holding the label too ("[<a>Related: …</a>]")
    if (
        label
        and label.end() < len(text)
        and (page.starts_with_link(text[label.end() :]) or page.starts_with_link(text.lstrip("[( ")))
    ):
        return True
    if _is_lone_headline_link(text, page):
        return True
    if not page.starts_with_link(text):
        return False
    letters = [char for char in text if char.isalpha()]
    upper = sum(1 for char in letters if char.isupper())
    return upper >= rules.PROMO_LINK_MIN_UPPER_SHARE * max(len(letters), 1)


def _is_lone_headline_link(text: str, page: PageText) -> bool:
    """A paragraph that is nothing but a link worded as a headline (no full stop): a teaser to another story.

    Only a <p> between two paragraphs of prose counts: a heading made of a link (a post's title, a table
    of contents' anchor) or a list of links is no teaser inside the story.
    """
    bare = text.strip("[]() ")
    if count_words(bare) < HEADLINE_LINK_MIN_WORDS or bare.rstrip("\"'”’»").endswith((".", ",", ";", ":", "!")):
        return False
    if not page.is_link_text(bare):
        return False
    paragraphs = page.paragraphs
    return any(
        found == text
        and all(
            count_words(paragraphs.get(side, "")) >= _PROSE_BLOCK_MIN_WORDS
            for side in (element.getprevious(), element.getnext())
        )
        for element, found in paragraphs.items()
    )


def _is_duplicate(text: str, words: int, index: int, first: int, block: etree._Element, page: PageText) -> bool:
    """A real repeat (a doubled lead, paragraph or caption, a repeated menu), not a template's line."""
    if first < _LEAD_BLOCKS or index == first + 1:
        return True
    if _LABEL_OR_QUESTION.search(text):
        return False  # a questionnaire's question, a spec list's label
    if words >= _DUPLICATE_MIN_WORDS:
        return True
    return page.is_link_list(block)  # short repeats are a recipe's or interview's, unless links


def _contained_in_larger(keys: list[str]) -> dict[int, int]:
    """Blocks whose text reappears inside a larger block: index -> index of the larger block."""
    found: dict[int, int] = {}
    long_keys = [(index, key) for index, key in enumerate(keys) if len(key) > 60]
    if len(long_keys) < 2:
        return found
    joined = "\x00".join(key for _, key in long_keys)  # one C-level search per block, not one per pair
    if len(long_keys) * len(joined) > SCAN_BUDGET_CHARS:
        return found  # thousands of long blocks: a search per block over them all would take seconds
    copies: dict[str, int] = {}
    for _, key in long_keys:
        copies[key] = copies.get(key, 0) + 1
    for index, key in long_keys:
        if joined.count(key) > copies[key]:
            found[index] = next(other for other, larger in long_keys if len(larger) > len(key) and key in larger)
    return found


class _BoilerplateFlags:
    """Whether each block matches the boilerplate table, matched only when asked (most blocks never are)."""

    def __init__(self, lowered_texts: list[str], matcher: GuardedMatcher, after_table: list[bool]) -> None:
        self._lowered = lowered_texts
        self._matcher = matcher
        self._after_table = after_table
        self._flags: list[bool | None] = [None] * len(lowered_texts)

    def __getitem__(self, index: int) -> bool:
        flag = self._flags[index]
        if flag is None:
            lowered = self._lowered[index]
            flag = (
                bool(lowered)
                and self._matcher.find(lowered) is not None
                and not _reports_speech(lowered)
                # a table's "Source: Central Bank of Russia" is the data's source, no photo credit
                and not (self._after_table[index] and _DATA_SOURCE.match(lowered))
            )
            self._flags[index] = flag
        return flag


_DATA_SOURCE = re.compile(r"(?:sources?|data|источники?|джерела?|quellen?|منبع|المصدر)\s?:")


def _reports_speech(lowered: str) -> bool:
    """A story's sentence reporting what someone said, of a paragraph's length (no boilerplate line)."""
    return count_words(lowered) >= rules.REPORTED_SPEECH_MIN_WORDS and _REPORTED_SPEECH(lowered) is not None


_REPORTED_SPEECH = re.compile("|".join(rules.REPORTED_SPEECH_PATTERNS)).search


class _NotStory:
    """A block that is no story prose: in chrome, or boilerplate."""

    def __init__(self, in_chrome: list[bool], boilerplate_at: _BoilerplateFlags) -> None:
        self._in_chrome = in_chrome
        self._boilerplate_at = boilerplate_at

    def __getitem__(self, index: int) -> bool:
        return self._in_chrome[index] or self._boilerplate_at[index]


def _box_end(blocks, texts, in_chrome, heading: int, page: PageText) -> int:
    """The index after a recirculation box: its heading, then teasers and short lines."""
    index = heading + 1
    while index < len(blocks) and not _is_prose(blocks[index], texts[index], in_chrome[index], page):
        index += 1
    return index


def _is_prose(block, text: str, chrome: bool, page: PageText) -> bool:
    return (
        block.tag in ("p", "quote", "list")
        and count_words(text) >= _PROSE_BLOCK_MIN_WORDS
        and not chrome
        and not page.is_link_list(block)
    )


def _story_goes_on(blocks, texts, in_chrome, heading: int, page: PageText) -> int | None:
    """Where the story resumes after a box: the first paragraph after the heading that sits in the
    page beside the last prose before it, however short (a bio or a footer has a container of its
    own, a box's teasers open with their link). None when no such paragraph follows."""
    before = next(
        (i for i in range(heading - 1, -1, -1) if _is_prose(blocks[i], texts[i], in_chrome[i], page)), None
    )
    if before is None or (last := page.source_paragraph(texts[before])) is None:
        return None
    for index in range(heading + 1, len(blocks)):
        text = texts[index]
        if blocks[index].tag != "p" or in_chrome[index] or page.starts_with_link(text) or page.is_link_text(text):
            continue
        if count_words(text) < _STORY_GOES_ON_MIN_WORDS:
            continue
        first = page.source_paragraph(text)
        return index if first is not None and first.getparent() is last.getparent() else None
    return None


def _prose_words(blocks, texts, in_chrome, start: int, page: PageText) -> int:
    return sum(
        count_words(texts[index])
        for index in range(start, len(blocks))
        if _is_prose(blocks[index], texts[index], in_chrome[index], page)
    )


def _pattern_of(patterns: tuple[str, ...], matched: str) -> str:
    """The first pattern of a table matching `matched` (for --explain; only run when a block dropped)."""
    for pattern in patterns:
        if re.match(pattern, matched, re.IGNORECASE):
            return pattern
    return ""


# What a teaser's date line has and a timeline's date heading has not: a posting label or a clock time.
_POSTING_STAMP = re.compile(r"\b(?:updated|posted|published)\b|\b\d{1,2}:\d\d\b", re.IGNORECASE)


def _teaser_pairs(texts: list[str], page: PageText) -> set[int]:
    """The blurbs standing under a headline link in the run that ends the text, as block indexes.

    None when the story itself is written so (a listing's linked item over its description): a pair
    before that run, or a run longer than the text before it, says the pairs are the story's form,
    not a box of other stories.
    """

    def is_pair(index: int) -> bool:
        text = texts[index]
        return (
            len(text) <= rules.DATED_TEASER_MAX_CHARS
            and count_words(text) >= _BLURB_MIN_WORDS
            and page.is_headline_teaser(texts[index - 1])
        )

    index, found = len(texts) - 1, set()
    while index > 0 and is_pair(index):
        found.add(index)
        index -= 2
    before, run = sum(map(len, texts[: index + 1])), sum(map(len, texts[index + 1 :]))
    # A box of other stories is smaller than the story over it.
    if run > before or any(is_pair(earlier) for earlier in range(1, index)):
        return set()
    return found


def _drop_trailing_teasers(
    body: etree._Element, page: PageText, total: int, decisions: Decisions | None = None
) -> None:
    """Drop the run of link teasers (and their headings) that trails the story."""
    blocks = list(body)
    texts = [page.block_text(block) for block in blocks]
    date_line = any_of((rules.DATE_LINE_PATTERN,), anchored=True)
    dated = [len(text) <= rules.DATE_LINE_MAX_CHARS and date_line.match(text) is not None for text in texts]
    # a posting stamp over a paragraph longer than a blurb, past the story's own dateline: a live blog's entry
    stamped_entries = any(
        dated[index] and _POSTING_STAMP.search(texts[index]) and len(texts[index + 1]) > rules.DATED_TEASER_MAX_CHARS
        for index in range(_HEADING_BLOCKS, len(texts) - 1)
    )
    kept = sum(map(len, texts))
    trailer: list[etree._Element] = []
    found_teasers = linked = False
    dates = stamped = cut = blurbs = 0
    pairs = _teaser_pairs(texts, page)
    for index in range(len(blocks) - 1, -1, -1):
        block, text = blocks[index], texts[index]
        beside_a_date = (index > 0 and dated[index - 1]) or (index + 1 < len(blocks) and dated[index + 1])
        if page.is_link_list(block) or page.is_headline_teaser(text):
            # a pair's own headline makes no run alone: two pairs do, or teasers of another kind
            found_teasers = found_teasers or index + 1 not in pairs or blurbs >= 2
        elif dated[index]:
            dates += 1
            stamped += _POSTING_STAMP.search(text) is not None
        elif index in pairs:
            blurbs += 1  # a teaser's blurb under its headline link (trafilatura may have left out the box's heading)
        elif not (
            len(text) <= _TRAILER_MAX_HEADING_CHARS
            and not text.endswith((".", "!", "?", '"', "”"))
            or beside_a_date
            and len(text) <= rules.DATED_TEASER_MAX_CHARS
        ):
            break
        trailer.append(block)
        kept -= len(text)
        if kept < rules.TRAILER_MIN_KEPT_SHARE * total and not (
            stamped >= rules.STAMPED_TRAILER_MIN_DATES
            and kept >= rules.STAMPED_TRAILER_MIN_KEPT_SHARE * total
            and not stamped_entries
            # a stamp, a blurb under one, or a heading: the story's last sentence above the first stamp stays
            and (dated[index] or index > 0 and dated[index - 1] or not text.endswith(SENTENCE_ENDS))
        ):
            break
        linked = linked or stamped >= rules.DATED_TEASER_MIN_DATES or page.has_link_in(block)
        if found_teasers or dates >= rules.DATED_TEASER_MIN_DATES and linked:
            # the run so far is teasers (and the headings over them). Bare dates ("July 2022") with no
            # link are the story's own timeline; a teaser's date says when it was posted, or at what time.
            cut = len(trailer)
    for block in trailer[:cut]:
        body.remove(block)
        if decisions is not None:
            decisions[block] = ("trailing-teasers", "a run of teasers after the story")
