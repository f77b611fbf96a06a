"""The extractor: one page in, one Article out. The CLI, the crawl pipeline and the tests call it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml.html import HtmlElement
from trafilatura.utils import HTML_PARSER, load_html
from trafilatura.xml import xmltotxt

from crawler.extraction.article import Article, ExtractionError, PageKind
from crawler.extraction.cleaning import (
    PageNames,
    PageText,
    chrome_text,
    clean_blocks,
    comparison_key,
    drop_heading_blocks,
    drop_paywall_deck,
    drop_screen_reader_phrases,
    lead_with_headline,
    normalize_space,
    split_at_blank_lines,
    unwrap_layout_tables,
)
from crawler.extraction.decoding import decode_html
from crawler.extraction.engine import extract_body
from crawler.extraction.language import detect_language
from crawler.extraction.metadata import ARTICLE_TYPES, extract_metadata
from crawler.extraction.outlets import outlet_selectors
from crawler.extraction.pagekind import (
    blocking_kind,
    first_heading_text,
    is_index_page,
    no_story_reason,
    visible_text,
)
from crawler.extraction.paywall import judge_paywall
from crawler.extraction.recovery import (
    recover_missed_headings,
    recover_missed_paragraphs,
    recover_standfirst,
    split_lumped_block,
)

MAX_PAGE_BYTES = 16 * 1024 * 1024
MAX_PAGE_ELEMENTS = 60_000  # a big news page has under 10,000
# trafilatura deletes zero-width (non-)joiners, which spell Persian words: they travel through it
# disguised as two archaic Cyrillic letters no modern text uses (printable, so they survive).
_JOINERS = {"\u200c": "\ua66e", "\u200d": "\ua66d"}
_HIDE_JOINERS = str.maketrans(_JOINERS)
_SHOW_JOINERS = str.maketrans({v: k for k, v in _JOINERS.items()})


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """How to extract; built once and passed along."""

    markdown: bool = False  # also render the text as Markdown (Article.markdown)
    max_bytes: int = MAX_PAGE_BYTES
    drop_selectors: tuple[str, ...] = ()  # the source's own drop-list (CSS or XPath)
    now: datetime | None = None  # the moment a published date may not be after (default: now)
    explain: bool = False  # record, for each block trafilatura gave, kept or dropped and by which rule


DEFAULT_OPTIONS = ExtractOptions()


def extract_article(
    page: bytes | str,
    url: str | None = None,
    *,
    encoding: str | None = None,
    source: str | None = None,
    options: ExtractOptions = DEFAULT_OPTIONS,
) -> Article:
    """Extract the article of one page (bytes as fetched, or text).

    `encoding` is the charset the server declared, if any. Raises ExtractionError when the page
    cannot be read at all; a page that is read but is no article comes back with its `kind` set
    and no text.
    """
    size = len(page)
    if size > options.max_bytes:
        raise ExtractionError(
            "too_large", f"page is {size / 2**20:.1f} MB, over the {options.max_bytes / 2**20:.0f} MB limit"
        )
    html = decode_html(page, encoding) if isinstance(page, bytes) else page
    if not html.strip():
        raise ExtractionError("empty", "empty document")
    joiners = any(joiner in html for joiner in _JOINERS)
    try:
        article = _extract(_parse(html.translate(_HIDE_JOINERS) if joiners else html), url, source, options)
    except RecursionError as exc:
        raise ExtractionError("too_deep", "markup nested too deeply to extract") from exc
    return _show_joiners(article) if joiners else article


def _show_joiners(article: Article) -> Article:
    for name in ("title", "description", "text", "markdown"):
        value = getattr(article, name)
        if value:
            setattr(article, name, value.translate(_SHOW_JOINERS))
    article.authors = [author.translate(_SHOW_JOINERS) for author in article.authors]
    for entry in article.explanation or ():
        for key in ("text", "detail"):
            if entry.get(key):
                entry[key] = entry[key].translate(_SHOW_JOINERS)
    return article


def _parse(html: str, max_elements: int = MAX_PAGE_ELEMENTS) -> HtmlElement:
    try:
        tree = load_html(html)
    except (ValueError, TypeError) as exc:
        raise ExtractionError("unparseable", f"cannot parse HTML: {exc}") from exc
    # The parser stops at a resource limit and keeps what came before: the page would read as empty.
    limit = next((error for error in HTML_PARSER.error_log if error.type_name == "ERR_RESOURCE_LIMIT"), None)
    if limit is not None:
        if "depth" in limit.message.lower():
            raise ExtractionError("too_deep", "markup nested more than 256 levels deep: cannot extract")
        raise ExtractionError("too_large", "a single text run over 10 MB: cannot extract")
    if tree is None or not len(tree):
        raise ExtractionError("unparseable", "no HTML markup found")
    # trafilatura's time grows with the square of the page's elements (20,000: 2 s; 200,000: minutes)
    elements = int(tree.xpath("count(//*)"))
    if elements > max_elements:
        raise ExtractionError("too_large", f"page has {elements:,} elements, over the {max_elements:,} limit")
    return tree


def _extract(tree: HtmlElement, url: str | None, source: str | None, options: ExtractOptions) -> Article:
    names = PageNames(tree)  # the class and id values, read once for metadata, paywall and chrome
    metadata = extract_metadata(tree, url, options.now, names)
    article = Article(
        url=url,
        canonical_url=metadata.canonical_url,
        title=metadata.title,
        description=metadata.description,
        authors=metadata.authors,
        published=metadata.published,
        language=metadata.language,
        text="",
        paywalled=False,
        source=source or metadata.site_name,
    )
    whole = normalize_space(tree.text_content())  # read once for the stages below, while the tree is unchanged
    blocked = blocking_kind(
        tree,
        metadata.title,
        declared_article=metadata.declares_article,
        typed_article=bool(metadata.page_types & ARTICLE_TYPES),
        whole=whole,
    )
    if blocked:
        article.kind, article.reason = blocked
        article.explanation = [] if options.explain else None
        article.markdown = "" if options.markdown else None  # as on every page that is no article
        article.language = article.language or detect_language(visible_text(tree))
        return article

    article.paywalled, cut = judge_paywall(tree, metadata, whole, names)
    if drop_screen_reader_phrases(tree) or cut:
        whole = names = None  # the tree changed: chrome_text reads it again
    page_text = chrome_text(tree, outlet_selectors(url, options.drop_selectors), whole, names)
    document = extract_body(tree, url, formatting=options.markdown)
    decisions: dict | None = {} if options.explain else None
    lead = None
    if document is not None and document.body is not None:
        unwrap_layout_tables(document.body, page_text)
        split_at_blank_lines(document.body)
        split_lumped_block(tree, document.body, page_text, metadata.declared_body)
        recovered: list = []
        live_blog = "liveblogposting" in metadata.page_types
        recover_missed_paragraphs(tree, document.body, page_text, recovered, live_blog=live_blog)
        recover_missed_headings(tree, document.body, page_text, recovered)
        recover_standfirst(tree, document.body, metadata.description, metadata.title, page_text, recovered)
        given = list(document.body) if options.explain else []
        clean_blocks(document.body, page_text, decisions)
        headline = _headline(tree)
        drop_heading_blocks(document.body, metadata.title, headline, decisions=decisions, page=page_text)
        if article.paywalled:
            drop_paywall_deck(document.body, metadata.description, decisions, page_text)
        if (lead := lead_with_headline(document.body, metadata.title, headline, page_text)) is not None:
            recovered.append(lead)
            if options.explain:
                given.insert(0, lead)
        if options.explain:
            article.explanation = _explain(given, decisions, recovered, page_text)
        article.text = xmltotxt(document.body, False).strip()
        if options.markdown:
            article.markdown = xmltotxt(document.body, True).strip()
    article.language = article.language or detect_language(article.text or visible_text(tree))

    # the page's kind is judged on what trafilatura and the rules gave, not on a headline put over it
    story = article.text.partition("\n")[2] if lead is not None else article.text
    if is_index_page(tree, metadata, story, url):
        _not_an_article(article, PageKind.INDEX, "section or index page: a list of other stories")
    elif (reason := no_story_reason(_story_of(article, story), page_text.is_link_text, tree)) is not None:
        if article.paywalled:  # the story is there for subscribers: say so, it is no empty page
            reason = f"behind a subscription wall: the page serves no story text ({reason})"
        _not_an_article(article, PageKind.EMPTY, reason)
    if options.explain:
        article.explanation = article.explanation or []
        if not article.is_article:  # the page's kind drops what the block rules kept
            for entry in article.explanation:
                if entry["kept"]:
                    entry.update(kept=False, rule=f"page-kind:{article.kind}", detail=article.reason)
    return article


def _story_of(article: Article, text: str) -> str:
    """The part of `text` that must hold a story. Behind a wall, the deck the page declares as its
    description is the teaser shown in the story's place, and no story of its own."""
    if not article.paywalled or not article.description:
        return text
    deck = comparison_key(article.description)
    return "\n".join(line for line in text.splitlines() if comparison_key(line) != deck)


def _headline(tree: HtmlElement) -> str | None:
    """The page's first <h1> of a headline's length: the headline, where the declared title is
    another wording of it (a JSON-LD headline shortened for search)."""
    text = first_heading_text(tree)
    return text if len(text.split()) >= _HEADLINE_MIN_WORDS else None


_HEADLINE_MIN_WORDS = 3


def _explain(given: list, decisions: dict, recovered: list, page: PageText) -> list[dict]:
    """Each block trafilatura gave (or recovery put back), in order: kept, or dropped by which named rule."""
    entries = []
    put_back = {id(block) for block in recovered}
    for number, block in enumerate(given, start=1):
        rule, detail = decisions.get(block, (None, None))
        entries.append(
            {
                "block": number,
                "text": page.block_text(block),
                "kept": rule is None,
                "rule": rule,
                "detail": detail,
                "recovered": id(block) in put_back,
            }
        )
    return entries


def _not_an_article(article: Article, kind: PageKind, reason: str) -> None:
    article.kind, article.reason = kind, reason
    article.text = ""
    article.markdown = None if article.markdown is None else ""
