"""Story paragraphs trafilatura skipped, put back where they stand on the page.

trafilatura sometimes leaves out a paragraph of the very container it took the story from: a lead
opened by an empty dateline span, the text of a "read more" continuation written loose in a <div>
between paragraphs. Those are the story's own words: a paragraph of prose whose container holds the
paragraphs trafilatura kept is recovered, in page order, before the block rules run (so chrome,
boilerplate and end-of-article cuts still apply to it).
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction.article import count_words
from crawler.extraction.cleaning import (
    SCAN_BUDGET_CHARS,
    PageText,
    comparison_key,
    is_marked_hidden,
    is_named_chrome,
    normalize_space,
    paragraph_texts,
)
from crawler.extraction.metadata import declared_paragraphs

# A recovered paragraph is prose: this many words, ending a sentence, few of them links.
RECOVER_MIN_WORDS = 15
RECOVER_MAX_LINK_SHARE = 0.3
_SENTENCE_ENDS = (".", "!", "?", '"', "”", "»", "'", "’", ")", "…", "。", "؟")
# A kept paragraph is found in the text by this many of its first characters.
_KEY_CHARS = 60
# Elements that continue a run of loose text (text written between a container's block children).
_INLINE_TAGS = frozenset(
    {"a", "em", "i", "b", "strong", "span", "font", "small", "sup", "sub", "abbr", "cite", "q", "mark", "u", "time"}
)
_OUTSIDE_STORY_TAGS = frozenset({"script", "style", "template", "noscript", "form", "nav", "aside", "header", "footer"})
_PARAGRAPH_AFTER = etree.XPath("following::p[1]")
_PARAGRAPH_FROM = etree.XPath("(descendant-or-self::p | following::p)[1]")
_LOOSE_TEXT_MIN_CHARS = 20
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# A container is the story's when trafilatura kept this many of its paragraphs.
_STORY_PARENT_MIN_KEPT = 1
# A story split around an inline module (a side rail, an ad slot) continues in a twin wrapper: the
# nearest sibling of the story container's wrapper sharing a class with it, past at most this many others.
_TWIN_MAX_SKIP = 2
# A story written as a run of like entries: the kept paragraphs sit in this many of them (two on a
# page declared a live blog).
_ENTRY_RUN_MIN_KEPT = 3


class _Piece:
    """A paragraph of the page: a <p>, or a run of loose text inside a container."""

    __slots__ = ("element", "parent", "text", "key", "position", "heading")

    def __init__(
        self, element: HtmlElement, parent: HtmlElement, text: str, position: float, after: object = None
    ) -> None:
        self.element = element  # the <p>, or the container of a loose run
        self.parent = parent
        self.text = text
        self.key = text[:_KEY_CHARS]
        self.position = position  # in page order, counted in <p>s
        # The text of the heading right after the piece on the page (`after`, its next element), if any.
        self.heading = _heading_text(after)

    def link_chars(self) -> int:
        if self.element is not self.parent:  # a paragraph (<p>, or a <div> written as one)
            return sum(len(normalize_space(a.text_content())) for a in self.element.iter("a"))
        return sum(  # a loose run: the links written straight into its container
            len(normalize_space(a.text_content())) for a in self.element.iterchildren("a")
        )


def recover_missed_paragraphs(
    tree: HtmlElement,
    body: etree._Element,
    page: PageText,
    recovered: list[etree._Element] | None = None,
    *,
    live_blog: bool = False,
) -> int:
    """Insert into trafilatura's `body` the story paragraphs it skipped; returns how many.

    `live_blog`: the page declares itself one (schema.org LiveBlogPosting), a run of entries.

    The new blocks are appended to `recovered` when a list is given (for --explain).
    """
    blocks = list(body)
    if len(blocks) < 2:
        return 0
    # trafilatura writes loose text that follows a heading as the tail of its <head> block.
    block_texts = [_with_tail(page.block_text(block), block) for block in blocks]
    extracted = "\x00".join(block_texts)
    pieces = _pieces(tree, page)
    openings = {text[:_KEY_CHARS] for text in block_texts}
    # A paragraph kept as a block opens one; one inside a larger block is searched for, within a
    # budget (a page of thousands of paragraphs would make it a search per paragraph over them all).
    search = len(pieces) * len(extracted) <= SCAN_BUDGET_CHARS
    kept = [
        piece
        for piece in pieces
        if len(piece.key) >= 20 and (piece.key in openings or search and piece.key in extracted)
    ]
    if len(kept) < 2:
        return 0
    kept_ids = {id(piece) for piece in kept}
    block_keys = [text[:_KEY_CHARS] for text in block_texts if len(text) >= _KEY_CHARS]
    parents: dict[HtmlElement, int] = {}
    for piece in kept:
        parents[piece.parent] = parents.get(piece.parent, 0) + 1
    story_parents = {parent for parent, count in parents.items() if count >= _STORY_PARENT_MIN_KEPT}
    before = set(_twin_containers(kept[0].parent, preceding=True)) - story_parents
    after = set(_twin_containers(kept[-1].parent, preceding=False)) - story_parents
    story_parents |= before | after
    entries = _entry_run(kept, 2 if live_blog else _ENTRY_RUN_MIN_KEPT)
    first, last = pieces.index(kept[0]), pieces.index(kept[-1])
    # A <form> holding the whole story is the page's wrapper (ASP.NET, DNN), not a comment or search form.
    wrappers = _forms(kept[0].element) & _forms(kept[-1].element)
    added = 0
    tail = None  # the last block recovered after the last kept one: the next goes after it
    for index, piece in enumerate(pieces):
        in_entry = bool(entries) and _in_entry(piece, entries)
        # a post the story quotes (an embedded tweet's blockquote in the story's container), between its paragraphs
        quoted = piece.parent not in story_parents and first < index < last and _quoted_in(piece, story_parents)
        if (piece.parent not in story_parents and not in_entry and not quoted) or id(piece) in kept_ids:
            continue
        if not (_is_quoted_post(piece, page, wrappers) if quoted else _is_prose(piece, page, wrappers)):
            continue
        if piece.key in extracted or any(key in piece.text for key in block_keys):
            continue  # already there, or a larger run holding a kept paragraph
        # Page order: before the next kept paragraph's block, or after the last one's.
        following = next((other for other in pieces[index + 1 :] if id(other) in kept_ids), None)
        # Before the first kept paragraph or after the last, only in that paragraph's own container
        # (or its twin on that side).
        if not in_entry and (
            index < first
            and piece.parent is not kept[0].parent
            and piece.parent not in before
            or index > last
            and piece.parent is not kept[-1].parent
            and piece.parent not in after
        ):
            continue
        anchor = following or kept[-1]
        position = next((i for i, text in enumerate(block_texts) if anchor.key in text), None)
        if position is None:
            continue
        paragraph = etree.Element("p")
        paragraph.text = piece.text
        if following is not None:
            _before_heading(blocks, position, piece.heading, page).addprevious(paragraph)
        else:
            (tail if tail is not None else blocks[position]).addnext(paragraph)
            tail = paragraph
        if recovered is not None:
            recovered.append(paragraph)
        added += 1
    return added


def _entry_run(kept: list[_Piece], min_kept: int) -> set[HtmlElement]:
    """The entries of a story written as a run of like siblings (a live blog's posts), when the kept
    paragraphs already sit in `min_kept` or more of them.

    Each entry is a container of its own, so neither the story's container nor a twin finds the
    entries trafilatura dropped (it drops some, such as those opened by a permalink). The kept
    paragraphs spanning like entries say the run is the story, not comments or teasers beside it.
    """
    by_parent: dict[HtmlElement, set[HtmlElement]] = {}
    for piece in kept:
        for entry in _entry_levels(piece):
            parent = entry.getparent()
            if parent is not None and entry.get("class"):
                by_parent.setdefault(parent, set()).add(entry)
    entries: set[HtmlElement] = set()
    for parent, holding in by_parent.items():
        if len(holding) < min_kept or len({entry.tag for entry in holding}) != 1:
            continue
        shared = set.intersection(*(set(entry.get("class", "").split()) for entry in holding))
        if shared:
            tag = next(iter(holding)).tag
            entries.update(child for child in parent if child.tag == tag and _shares_class(child, shared))
    return entries


def _entry_levels(piece: _Piece) -> tuple[HtmlElement, ...]:
    """The paragraph's container and the one over it: an entry may wrap its text in a body of its own."""
    over = piece.parent.getparent()
    return (piece.parent,) if over is None else (piece.parent, over)


def _in_entry(piece: _Piece, entries: set[HtmlElement]) -> bool:
    return any(level in entries for level in _entry_levels(piece))


def _twin_containers(container: HtmlElement, preceding: bool) -> list[HtmlElement]:
    """Containers like `container` in the nearest twin of its wrapper before (or after) it.

    News layouts split a story around an inline module: <div class="body"><article>lead</article>
    </div><div class="rail">…</div><div class="body"><article>the rest</article></div>. A twin
    wrapper shares a class with the story's, and is the only sibling that does (a run of like items
    is comments, widgets or teasers); its children of the container's tag hold the story too.
    """
    wrapper = container.getparent()
    if wrapper is None or wrapper.getparent() is None:
        return []
    classes = set(wrapper.get("class", "").split())
    parent = wrapper.getparent()
    like = [sibling for sibling in parent if sibling is not wrapper and _shares_class(sibling, classes)]
    if len(like) != 1:  # none, or a run of like items (comments, widgets, teasers): no split story
        return []
    siblings = list(wrapper.itersiblings(preceding=preceding))[: _TWIN_MAX_SKIP + 1]
    if like[0] not in siblings or _another_story(like[0]):
        return []
    return [child for child in like[0] if child.tag == container.tag]


# Attributes by which an infinite-scroll page gives an appended story its own address.
_STORY_ADDRESS_ATTRIBUTES = ("data-url", "data-permalink", "data-article-id", "data-post-id", "data-story-id")


def _another_story(wrapper: HtmlElement) -> bool:
    """A wrapper with a headline or an address of its own: the next story an infinite-scroll page
    appends, not the second half of this one."""
    if any(wrapper.get(name) for name in _STORY_ADDRESS_ATTRIBUTES):
        return True
    return next(wrapper.iter("h1"), None) is not None


def _shares_class(element: HtmlElement, classes: set[str]) -> bool:
    return isinstance(element.tag, str) and bool(classes.intersection(element.get("class", "").split()))


def _with_tail(text: str, block: etree._Element) -> str:
    tail = block.tail
    return f"{text} {normalize_space(tail)}" if tail and not tail.isspace() else text


def _heading_text(element: object) -> str | None:
    if isinstance(element, HtmlElement) and element.tag in _HEADING_TAGS:
        return normalize_space(element.text_content()) or None
    return None


def _before_heading(blocks: list[etree._Element], position: int, heading: str | None, page: PageText) -> etree._Element:
    """The block to insert before: the kept paragraph's, or the heading block over it when the
    recovered text stands before that heading on the page."""
    if heading is not None:
        for index in range(position - 1, -1, -1):
            if blocks[index].tag != "head":
                break
            if page.block_text(blocks[index]) == heading:
                return blocks[index]
    return blocks[position]


def _forms(element: HtmlElement) -> frozenset[HtmlElement]:
    return frozenset(element.iterancestors("form"))


def _is_prose(piece: _Piece, page: PageText, wrappers: frozenset[HtmlElement] = frozenset()) -> bool:
    words = piece.text.split()
    return (
        len(words) >= RECOVER_MIN_WORDS
        and piece.text.endswith(_SENTENCE_ENDS)
        and not _outside_story(piece.element, wrappers)
        and piece.link_chars() <= RECOVER_MAX_LINK_SHARE * len(piece.text)
        and not page.only_in_chrome(piece.text)
    )


def _quoted_in(piece: _Piece, story_parents: set[HtmlElement]) -> bool:
    """The paragraph sits in a <blockquote> (within a figure or an embed's box) of the story's container."""
    quote = False
    for level, ancestor in enumerate((piece.parent, *piece.parent.iterancestors())):
        if level > _QUOTE_MAX_LEVELS:
            return False
        if ancestor in story_parents:
            return quote
        quote = quote or ancestor.tag == "blockquote"
    return False


_QUOTE_MAX_LEVELS = 3
_QUOTED_SENTENCE = re.compile(r"[.!?…。؟](?:\s|$)")


def _is_quoted_post(piece: _Piece, page: PageText, wrappers: frozenset[HtmlElement]) -> bool:
    """A quoted post's text: a paragraph's length and a sentence in it, though it may end with a
    hashtag or a link ("… it is a contract. #Shahed")."""
    return (
        count_words(piece.text) >= RECOVER_MIN_WORDS
        and _QUOTED_SENTENCE.search(piece.text) is not None
        and not _outside_story(piece.element, wrappers)
        and piece.link_chars() <= RECOVER_MAX_LINK_SHARE * len(piece.text)
        and not page.only_in_chrome(piece.text)
    )


def _pieces(tree: HtmlElement, page: PageText) -> list[_Piece]:
    """The page's paragraphs in page order: its <p>s, and in their containers the loose text runs
    and the paragraphs written as a <div> holding only inline markup (editors that emit <div>s)."""
    texts = page.paragraphs or paragraph_texts(tree)  # chrome_text read them; a bare PageText did not
    paragraphs = list(texts)
    number = {paragraph: index for index, paragraph in enumerate(paragraphs)}
    pieces = [
        _Piece(paragraph, paragraph.getparent(), text, index, paragraph.getnext())
        for index, (paragraph, text) in enumerate(texts.items())
        if text
    ]
    for container in {paragraph.getparent(): None for paragraph in paragraphs}:
        if container is None:
            continue
        if _has_loose_text(container):
            pieces.extend(_loose_runs(container, number, len(paragraphs)))
        pieces.extend(_div_paragraphs(container, number, len(paragraphs)))
    pieces.sort(key=lambda piece: piece.position)
    return pieces


def _div_paragraphs(container: HtmlElement, number: dict[HtmlElement, int], count: int) -> list[_Piece]:
    """The container's <div> children holding only inline markup and text: paragraphs by another tag."""
    pieces = []
    for div in container.iterchildren("div"):
        if any(not isinstance(child.tag, str) or child.tag not in _INLINE_TAGS and child.tag != "br" for child in div):
            continue
        text = normalize_space(div.text_content())
        if count_words(text) >= RECOVER_MIN_WORDS:
            following = _PARAGRAPH_AFTER(div)
            position = number.get(following[0], count) - 0.5 if following else count
            pieces.append(_Piece(div, container, text, position, div.getnext()))
    return pieces


def _has_loose_text(container: HtmlElement) -> bool:
    return len((container.text or "").strip()) > _LOOSE_TEXT_MIN_CHARS or any(
        len((child.tail or "").strip()) > _LOOSE_TEXT_MIN_CHARS for child in container
    )


def _outside_story(element: HtmlElement, wrappers: frozenset[HtmlElement] = frozenset()) -> bool:
    """Inside a script, form, navigation, header, footer or sidebar, hidden by an attribute, or itself
    named as chrome ("author-note": trafilatura skipped it for that). A form in `wrappers` holds the
    whole story: it is the page's, not outside the story."""
    return is_named_chrome(element) or any(
        ancestor.tag in _OUTSIDE_STORY_TAGS and ancestor not in wrappers or is_marked_hidden(ancestor)
        for ancestor in (element, *element.iterancestors())
    )


def _loose_runs(container: HtmlElement, number: dict[HtmlElement, int], count: int) -> list[_Piece]:
    """Runs of text written straight into a container, between its block children."""
    runs: list[_Piece] = []
    parts: list[str] = [container.text or ""]

    def close(next_paragraph: list, after: HtmlElement | None = None) -> None:
        text = normalize_space("".join(parts))  # the run as written: "(<a>link</a>)" reads "(link)"
        if count_words(text) >= RECOVER_MIN_WORDS:
            position = number.get(next_paragraph[0], count) if next_paragraph else count
            runs.append(_Piece(container, container, text, position - 0.5, after))
        parts.clear()

    for child in container:
        if isinstance(child.tag, str) and child.tag not in _INLINE_TAGS and child.tag != "br":
            close(_PARAGRAPH_FROM(child), child)
        elif isinstance(child.tag, str):
            parts.append(child.text_content() if child.tag != "br" else " ")
        parts.append(child.tail or "")
    close(_PARAGRAPH_AFTER(container))
    return runs


# A standfirst (dek) is a sentence or two under the headline: its length in words.
STANDFIRST_MIN_WORDS = 12
STANDFIRST_MAX_WORDS = 120
_STANDFIRST_KEY_WORDS = 4
_STANDFIRST_TEXT_NODES = etree.XPath("//body//text()[contains(., $key)]")
_HEADLINE_TAGS = ("h1", "h2")


def recover_standfirst(
    tree: HtmlElement,
    body: etree._Element,
    description: str | None,
    title: str | None,
    page: PageText,
    recovered: list[etree._Element] | None = None,
) -> bool:
    """Put back the standfirst trafilatura left out: the page's description, shown between headline and story.

    Editors write the standfirst as part of the story, and it often names what the story is about
    in so many words. It is recovered only where the page shows the declared description as its
    own element after the headline and before the story's first paragraph, outside links and
    chrome; the block rules still judge it. Returns True when a block was inserted.
    """
    dek = normalize_space(description or "")
    if not STANDFIRST_MIN_WORDS <= count_words(dek) <= STANDFIRST_MAX_WORDS or not title:
        return False
    if dek not in page.whole or page.only_in_chrome(dek):
        return False
    texts = [page.block_text(block) for block in body]
    joined = " ".join(texts)
    if dek in joined or comparison_key(dek) in comparison_key(joined):
        return False  # already in the text (often the lead itself)
    element = _shown_as_element(tree, dek)
    if element is None:
        return False
    story = next(
        (
            (index, paragraph)
            for index, text in enumerate(texts)
            if body[index].tag == "p"
            and count_words(text) >= RECOVER_MIN_WORDS
            and (paragraph := page.source_paragraph(text)) is not None
        ),
        None,
    )
    headline_key = comparison_key(title)
    headlines = [
        heading
        for heading in tree.iter(*_HEADLINE_TAGS)
        if (heading_key := comparison_key(heading.text_content())) and heading_key.startswith(headline_key)
    ]
    if story is None or not headlines:
        return False
    position, first_paragraph = story
    order = {node: number for number, node in enumerate(tree.iter())}
    if not any(order[headline] < order[element] < order[first_paragraph] for headline in headlines):
        return False
    paragraph = etree.Element("p")
    paragraph.text = dek
    body[_first_block_after(page.whole, dek, texts, position)].addprevious(paragraph)
    if recovered is not None:
        recovered.append(paragraph)
    return True


def _first_block_after(whole: str, dek: str, texts: list[str], position: int) -> int:
    """Where the standfirst goes: before the first block the page shows after it, which may be a
    short one ("Q: How close are they?", a live entry's heading) before the first paragraph."""
    dek_at = whole.find(dek)
    paragraph_at = whole.find(texts[position], dek_at) if texts[position] else -1
    if dek_at < 0 or paragraph_at < 0:
        return position
    for index, text in enumerate(texts[:position]):
        if text and dek_at < whole.find(text, dek_at + len(dek), paragraph_at + 1) < paragraph_at:
            return index
    return position


def _shown_as_element(tree: HtmlElement, dek: str) -> HtmlElement | None:
    """The first visible element of the page whose whole text is `dek`, outside links; None if there is none."""
    key = max(dek.split()[:_STANDFIRST_KEY_WORDS], key=len)  # one word: the markup may break lines between words
    wanted = comparison_key(dek)
    for node in _STANDFIRST_TEXT_NODES(tree, key=key):
        element = node.getparent()
        while element is not None and element.tag in _INLINE_TAGS and element.tag != "a":
            element = element.getparent()
        if element is None:
            continue
        found = comparison_key(element.text_content())
        if found != wanted:
            continue
        if any(
            ancestor.tag == "a"
            or ancestor.tag in _OUTSIDE_STORY_TAGS
            and ancestor.tag != "header"
            or is_marked_hidden(ancestor)
            for ancestor in (element, *element.iterancestors())
        ):
            continue
        return element
    return None


# trafilatura's last fallback hands back a whole container (the <article>, or the body) as one block:
# the headline, the byline and any wall or pitch inside it run together in one paragraph, out of
# reach of the block rules. Such a block is split back into the container's own blocks.
_LUMP_MIN_WORDS = 12
_LUMP_CONTAINERS = ("article", "main", "body")
_LUMP_MIN_SHARE = 0.8  # of the container's text the block holds
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
        "pre", "section", "table", "td", "th", "tr", "ul",
    }
)
_UNREAD_TAGS = frozenset({"script", "style", "template", "noscript"})


def split_lumped_block(
    tree: HtmlElement, body: etree._Element, page: PageText, declared_body: str | None = None
) -> int:
    """When trafilatura's text is one block holding the whole text of a container of the page, put
    the container's own blocks (headings, paragraphs, lines) in its place; returns how many. The
    block may be the page's JSON-LD articleBody (trafilatura's fallback on a page rendered in the
    browser): `declared_body` is that body as written, and its paragraphs go in its place."""
    if len(body) != 1 or len(body[0]):
        return 0
    lump = page.block_text(body[0])
    if count_words(lump) < _LUMP_MIN_WORDS:
        return 0
    compact = "".join(lump.split())
    declared = declared_paragraphs(declared_body)
    if len(declared) > 1 and compact == "".join("".join(declared).split()):
        body.remove(body[0])
        for paragraph in declared:
            etree.SubElement(body, "p").text = paragraph
        return len(declared)
    found: list[tuple[int, list[tuple[str, str]]]] = []
    for container in tree.iter(*_LUMP_CONTAINERS):
        runs = _block_runs(container)
        whole = "".join("".join(run.split()) for _, run in runs)
        if len(runs) > 1 and compact in whole and len(compact) >= _LUMP_MIN_SHARE * len(whole):
            found.append((len(whole), runs))
    if not found:
        return 0
    runs = min(found, key=lambda candidate: candidate[0])[1]  # the innermost: the <article>, not the body around it
    body.remove(body[0])
    for tag, run in runs:
        block = etree.SubElement(body, "head" if tag in _HEADING_TAGS else "p")
        if tag in _HEADING_TAGS:
            block.set("rend", tag)
        block.text = run
    return len(runs)


def _block_runs(container: HtmlElement) -> list[tuple[str, str]]:
    """The container's text cut at every block boundary: (the tag of the block each run is in, its text)."""
    runs: list[tuple[str, str]] = []
    words: list[str] = []
    owners: list[str] = [container.tag]

    def flush() -> None:
        if text := normalize_space(" ".join(words)):
            runs.append((owners[-1], text))
        words.clear()

    skipped: HtmlElement | None = None
    for event, element in etree.iterwalk(container, events=("start", "end")):
        if not isinstance(element.tag, str):  # a comment or processing instruction
            if event == "end" and element.tail and skipped is None:
                words.append(element.tail)
            continue
        if skipped is not None:
            if event == "end" and element is skipped:
                skipped = None
                if element.tail:
                    words.append(element.tail)
            continue
        if event == "start":
            if element.tag in _UNREAD_TAGS:
                skipped = element
                continue
            if element.tag in _BLOCK_TAGS:
                flush()
                owners.append(element.tag)
            if element.text:
                words.append(element.text)
        else:
            if element.tag in _BLOCK_TAGS and element is not container:
                flush()
                owners.pop()
            if element.tail and element is not container:
                words.append(element.tail)
    flush()
    return runs


# A subheading of the story trafilatura left out (a live blog's entry headings, often): a heading
# of a few words whose next paragraph on the page, in the same container, opens a kept block.
_SUBHEADING_TAGS = ("h2", "h3", "h4")
_SUBHEADING_WORDS = (2, 20)


def _compact_key(text: str) -> str:
    return "".join(text.split())[:_KEY_CHARS]


def _headed_block(heading: HtmlElement, opening: dict[str, etree._Element], page: PageText) -> etree._Element | None:
    """The kept block `heading` stands over: the first story block after it in its own container (a
    paragraph, a list, a table, or the first paragraph a division holds), past what holds none (a
    figure, an ad). None when that block is none that was kept, or another heading comes first."""
    for sibling in heading.itersiblings():
        if not isinstance(sibling.tag, str) or sibling.tag in _UNREAD_TAGS:
            continue
        if sibling.tag in _HEADING_TAGS:
            return None
        if sibling.tag == "p" or sibling.tag in _HEADED_ITEM_TAGS:
            first = sibling
        elif (first := next(sibling.iter("p"), None)) is None:
            continue
        text = page.paragraphs.get(first) or first.text_content()
        if text.strip():
            return opening.get(_compact_key(text))
    return None


_HEADED_ITEM_TAGS = frozenset({"ul", "ol", "dl", "table"})


def recover_missed_headings(
    tree: HtmlElement, body: etree._Element, page: PageText, recovered: list[etree._Element] | None = None
) -> int:
    """Put back, before the kept block it heads, each story subheading trafilatura skipped; returns how many."""
    blocks = list(body)
    if len(blocks) < 2:
        return 0
    # Only inside the story: after its first paragraph (a headline, a date header or a credit line
    # over the story is no subheading).
    first_prose = next((i for i, block in enumerate(blocks) if count_words(page.block_text(block)) >= 10), None)
    if first_prose is None:
        return 0
    opening = {}  # (keyed without spaces: a <br> between words reads as none in a paragraph's text)
    for block in blocks[first_prose + 1 :]:
        if (text := page.block_text(block)) and len(text) >= 20:
            opening.setdefault(_compact_key(text), block)
    present = {comparison_key(page.block_text(block)) for block in blocks}
    added = 0
    for heading in tree.iter(*_SUBHEADING_TAGS):
        if next(heading.iter("a"), None) is not None or is_marked_hidden(heading):
            continue  # (a linked heading is a teaser's headline)
        block = _headed_block(heading, opening, page)
        if block is None:
            continue
        text = normalize_space(heading.text_content())
        if not _SUBHEADING_WORDS[0] <= len(text.split()) <= _SUBHEADING_WORDS[1] or comparison_key(text) in present:
            continue
        if page.only_in_chrome(text):
            continue
        if block.getparent() is not body:
            continue
        previous = block.getprevious()
        if previous is not None and previous.tag == "head":
            continue  # the block has its heading already
        head = etree.Element("head", rend=heading.tag)
        head.text = text
        block.addprevious(head)
        present.add(comparison_key(text))
        if recovered is not None:
            recovered.append(head)
        added += 1
    return added
