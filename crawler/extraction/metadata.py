"""Article metadata from the page's own declarations: JSON-LD, meta tags, bylines and datelines.

Where several places give a field, the first source in each `*_SOURCES` tuple that yields a valid
value wins; the tuples are the rules, the functions below only read them.
"""

from __future__ import annotations

import html as html_entities
import json
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import cache
from itertools import accumulate, chain
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring

from crawler.extraction import rules
from crawler.extraction.cleaning import PageNames, any_of, normalize_space

ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
        "backgroundnewsarticle", "blogposting", "liveblogposting", "scholarlyarticle", "techarticle",
        "report", "socialmediaposting",
    }
)
# a whole page's kind, not a part's
PAGE_COLLECTION_TYPES = frozenset({"collectionpage", "searchresultspage", "profilepage"})
_ORGANIZATION_TYPES = frozenset(rules.ORGANIZATION_TYPES)

# meta tags, by the attribute that names them (name/property/itemprop), lower-cased.
TITLE_META = ("og:title", "twitter:title", "sailthru.title", "parsely-title", "dc.title")
DESCRIPTION_META = ("og:description", "description", "twitter:description", "dc.description")
AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl")
PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished", "parsely-pub-date",
    "sailthru.date", "pubdate", "publishdate", "publish-date", "publish_date", "dc.date.issued",
    "dcterms.created", "dc.date", "date", "article.published", "cxenseparse:recs:publishtime",
)
SITE_NAME_META = ("og:site_name", "application-name", "apple-mobile-web-app-title")
LANGUAGE_META = ("content-language", "language", "dc.language", "og:locale")
CANONICAL_META = ("og:url", "twitter:url")
# Elements whose text is a byline.
BYLINE_XPATH = etree.XPath(  # attributes scanned, then their elements: libxml2 is slow on //*[long predicate]
    "(//@rel[. = 'author']/.. | //@itemprop[. = 'author']/.."
    # byline, author, contributor; German autor, French auteur, Russian avtor, Turkish yazar (either case)
    # ("utor" finds contributor, autor and Autor in one test)
    " | //@class[contains(., 'yline') or contains(., 'uthor') or contains(., 'utor') or contains(., 'uteur')"
    " or contains(., 'vtor') or contains(., 'azar')]/..)"
    "[not(self::meta or self::link or self::img or self::script)]"
)
# Class names that hold "autor" or "utor" and name no author ("autoresize", "autorotate", "tutorial").
_NOT_BYLINE_CLASS = re.compile(r"autor(?:esiz|efresh|eload|un|otat|oll|ows)|tutor", re.IGNORECASE)
# Elements holding a visible publication date, and a visible standfirst.
_DATE_CLASS_PARTS = ("date", "Date", "time", "publish", "posted", "dateline", "datum", "Datum", "tarih", "Tarih")
_NOT_SHOWN_TAGS = frozenset({"meta", "script", "style"})
# Last resort for a visible date: a short info/meta line ("news-info", "article__info", "entry-meta").
_INFO_LINE_CLASS_PARTS = ("info", "Info", "meta", "Meta")
_INFO_LINE_MAX_CHARS = 200
_STORY_PARAGRAPH_CHARS = 150
# Elements holding a standfirst: a <p>, <div> or <h2> whose class holds one of these.
_STANDFIRST_CLASS_PARTS = (
    "standfirst", "summary", "dek", "subheadline", "subtitle", "intro", "excerpt", "lede", "sub-headline",
    "teaser-text",
)
_STANDFIRST_TAGS = frozenset({"p", "div", "h2"})
_STANDFIRST_WORDS = (5, 80)
_LESSER_HEADINGS = etree.XPath("//h2 | //h3 | //h4")
_DATE_HEADING_MAX_CHARS = 40
# Text nodes opening a "Posted … by Name" line (read only when the page names no author otherwise).
_POSTED_XPATH = etree.XPath("//body//text()[starts-with(normalize-space(.), 'Posted')]")
_POSTED_LINE_MAX_CHARS = 120
# Text nodes opening an unmarked dateline ("<i>Posted October 30, 2023</i>"): read above the story only.
_DATELINE_TEXT_XPATH = etree.XPath(
    "//body//text()[starts-with(normalize-space(.), 'Posted') or starts-with(normalize-space(.), 'Published')]"
)
# A byline line outside byline markup opens with its label and a colon or comma ("نویسنده، X", "Автор: X").
_TEXT_NODES_XPATH = etree.XPath("//body//text()[normalize-space(.)]")
_TEXT_STRINGS_XPATH = etree.XPath("//body//text()[normalize-space(.)]", smart_strings=False)  # the same, as plain text
# Matched on the text nodes joined by NUL (a NUL before each): the literal NUL lets the regex skip ahead fast.
_LABELLED_LINE = re.compile(rf"\x00\s*(?:{'|'.join(rules.BYLINE_LABEL_PATTERNS)})\s*[:،,]", re.IGNORECASE)
_UPDATE_LABELS = "|".join(rules.UPDATED_LABEL_PATTERNS)
_UPDATE_LABEL = re.compile(rf"(?<!\w)(?:{_UPDATE_LABELS})(?!\w)", re.IGNORECASE)
_UPDATE_LABEL_END = re.compile(rf"(?<!\w)(?:{_UPDATE_LABELS})(?:\s+(?:on|at|le|am|el))?\s*[:\-–—]?\s*$")
_UPDATE_SEGMENT = re.compile(
    rf"(?<!\w)(?:{_UPDATE_LABELS})(?!\w).*?(?=(?<!\w)(?:{'|'.join(rules.PUBLISHED_LABEL_PATTERNS)})(?!\w)|$)",
    re.IGNORECASE | re.DOTALL,
)
# JSON-LD keys of the publication date. A live blog's coverageStartTime is its opening: its entries,
# and the <time>s on the page, are the latest updates.
_LD_PUBLISHED_KEYS = ("datePublished", "dateCreated", "uploadDate", "coverageStartTime")
# A date in a URL path, as a whole segment or a slug's opening (/2024/06/21/, /2024-04-03-slug, /20240312/).
_URL_DATES = (
    re.compile(r"/(?P<year>(?:19|20)\d\d)/(?P<month>\d\d?)/(?P<day>\d\d?)(?=/|$)"),
    re.compile(r"/(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)(?=[-_/.]|$)"),
    re.compile(r"/(?P<year>(?:19|20)\d\d)(?P<month>\d\d)(?P<day>\d\d)(?=/|$)"),
)
TIME_XPATH = etree.XPath("//time[@datetime] | //@itemprop[. = 'datePublished']/parent::*[@datetime or @content]")
_SITE_SUFFIX_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•)\s+")
_BY_PREFIX = re.compile(rf"^(?:{'|'.join(rules.BYLINE_PREFIX_PATTERNS)})\s*[:\-–—]?\s+", re.IGNORECASE)
_BYLINE_LABEL = re.compile(
    rf"^(?:{'|'.join(rules.BYLINE_LABEL_PATTERNS)})(?:\s*(?P<sep>[:\-–—])\s*|\s+)", re.IGNORECASE
)
# A byline names a few people; more came from comments or related stories' bylines.
MAX_BYLINE_AUTHORS = 4
# Bylines inside these (class/id substrings, or tags) belong to other stories or to commenters.
_OTHER_BYLINES = re.compile(r"comment|related|recirc|sidebar|widget|teaser|footer|more-|popular|trending|respond")
_OTHER_BYLINE_TAGS = frozenset({"aside", "footer", "nav"})
_INLINE_LINE_TAGS = frozenset({"a", "span", "em", "i", "b", "strong", "small", "time", "font"})
# A masthead <h1> (the logo) sits in the page header outside the story, or links to the home page.
_MASTHEAD = re.compile(r"masthead|banner|logo|brand|site-?(?:header|title|name)")
# A headline is a line, not a paragraph (a caption set as <h1>).
_TITLE_MAX_CHARS = 300
_STORY_CONTAINERS = frozenset({"article", "main"})
# Dates before this are placeholders ("0001-01-01") or typos, never a news story's.
EARLIEST_YEAR = 1900
# Between names: punctuation, "and" in each language ("y" only before a first and last name, as
# "Ortega y Gasset" is one man), "(with …)", and Arabic "و" written onto the next name where no name starts so.
_NAME_SPLIT = re.compile(
    r"\s*(?:,|;|\||&|•|·|،|؛|\band\b|\bи\b|\bو\b|\bet\b|\bund\b|\bve\b|\s+y\s+(?=\S+\s+\S)|\n"
    r"|\(\s*(?:avec|with|mit|con|с)\s)\s*"
    r"|\s+و(?=[أإآ]|عبد|محمد|محمود|مصطفى)",
    re.IGNORECASE,
)
_WIRE_AGENCY = re.compile(rf"(?:{'|'.join(rules.WIRE_AGENCY_PATTERNS)})")
_FUTURE_TOLERANCE = timedelta(days=1)
# JSON-LD some CMSs wrap in CDATA or an HTML comment (optionally behind "//").
_LD_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Spellings a date's words vary by: dotless ı, Persian or Arabic yeh and kaf, tatweel, ZWNJ.
_LETTER_VARIANTS = str.maketrans({"ı": "i", "ی": "ي", "ى": "ي", "ک": "ك", "ـ": None, "\u200c": None})


def _fold(text: str) -> str:
    """Text for matching dates: ASCII digits, no accents, hamzas or vowel marks, one spelling per letter."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_DIGITS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().translate(_LETTER_VARIANTS)


def _month_table(months: tuple[tuple[str, ...], ...]) -> dict[str, int]:
    return {_fold(name): number for number, names in enumerate(months, start=1) for name in names}


def _alternation(names: Iterable[str]) -> str:
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(names, key=len, reverse=True))


# Gregorian months in en, ru, fr, de, es, tr, ar (Egyptian, Levantine and Maghrebi names), fa, hi and ur.
_MONTHS = _month_table(
    (
        ("january", "jan", "января", "январь", "янв", "janvier", "janv", "januar", "jänner", "enero", "ocak", "oca",
         "يناير", "كانون الثاني", "كانون ثاني", "جانفي", "ژانویه", "जनवरी", "جنوری"),
        ("february", "feb", "февраля", "февраль", "фев", "февр", "février", "févr", "februar", "febrero", "şubat",
         "şub", "فبراير", "شباط", "فيفري", "فوریه", "फ़रवरी", "فروری"),
        ("march", "mar", "марта", "март", "mars", "märz", "mär", "marzo", "mart", "مارس", "آذار", "मार्च", "مارچ"),
        ("april", "apr", "апреля", "апрель", "avril", "avr", "abril", "nisan", "nis", "أبريل", "إبريل", "نيسان",
         "أفريل", "آوریل", "अप्रैल", "अप्रेल", "اپریل"),
        ("may", "мая", "май", "mai", "mayo", "mayıs", "مايو", "أيار", "ماي", "مه", "می", "मई", "مئی"),
        ("june", "jun", "июня", "июнь", "июн", "juin", "juni", "junio", "haziran", "haz", "يونيو", "يونيه",
         "حزيران", "جوان", "ژوئن", "जून", "جون"),
        ("july", "jul", "июля", "июль", "июл", "juillet", "juil", "juli", "julio", "temmuz", "tem", "يوليو",
         "يوليه", "تموز", "جويلية", "يوليوز", "ژوئیه", "جولای", "जुलाई", "جولائی"),
        ("august", "aug", "августа", "август", "авг", "août", "agosto", "ağustos", "ağu", "أغسطس", "آب", "أوت",
         "غشت", "اوت", "آگوست", "अगस्त", "اگست"),
        ("september", "sep", "sept", "сентября", "сентябрь", "сен", "сент", "septembre", "septiembre", "eylül",
         "eyl", "سبتمبر", "أيلول", "شتنبر", "سپتامبر", "सितंबर", "सितम्बर", "ستمبر"),
        ("october", "oct", "октября", "октябрь", "окт", "octobre", "oktober", "okt", "octubre", "ekim", "eki",
         "أكتوبر", "تشرين الأول", "تشرين أول", "اکتبر", "अक्टूबर", "अक्तूबर", "اکتوبر"),
        ("november", "nov", "ноября", "ноябрь", "ноя", "нояб", "novembre", "noviembre", "kasım", "kas", "نوفمبر",
         "تشرين الثاني", "تشرين ثاني", "نونبر", "نوامبر", "नवंबर", "नवम्बर", "نومبر"),
        ("december", "dec", "декабря", "декабрь", "дек", "décembre", "déc", "dezember", "dez", "diciembre",
         "aralık", "ara", "ديسمبر", "كانون الأول", "كانون أول", "دجنبر", "دسامبر", "दिसंबर", "दिसम्बर", "دسمبر"),
    )
)
_MONTH = _alternation(_MONTHS)
# Matched on `_fold`ed text. A Levantine month may follow the Egyptian one ("1 ديسمبر/كانون الأول 2026").
_TEXT_DATES = (
    re.compile(rf"\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s+(?P<month>{_MONTH})\.?(?:\s*[/(]\s*(?:{_MONTH})\s*\)?)?,?\s+"
        r"(?P<year>(?:19|20)\d\d)\b",
        re.I,
    ),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b"),
    # dd.mm.yyyy is day first, unless an English weekday before it says mm.dd ("Monday, 11.05.2012")
    re.compile(
        r"(?:\b(?P<weekday>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
        r"(?<![\d.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>(?:19|20)\d\d)\b"
    ),
    # zh/ja 2024年3月12日 and ko 2024년 3월 12일 (Hangul as `_fold` decomposes it)
    re.compile(
        rf"(?<!\d)(?P<year>(?:19|20)\d\d)\s*(?:年|{_fold('년')})\s*(?P<month>\d{{1,2}})\s*(?:月|{_fold('월')})"
        rf"\s*(?P<day>\d{{1,2}})\s*(?:日|{_fold('일')})"
    ),
    # year first with dots or slashes (ko "2024.03.12", "2024. 3. 12.", ja "2024/03/12"): never day first
    re.compile(r"(?<![\d./])(?P<year>(?:19|20)\d\d)([./])\s?(?P<month>\d{1,2})\2\s?(?P<day>\d{1,2})(?![\d/]|\.\d)"),
)
# Dates either part of which may be the day: d/m/yyyy or m/d/yyyy, and dd.mm.yy (de, ru "12.03.24")
# or mm.dd.yy (US blogs "11.05.12"). Which is read only where a part over 12 or the page's language
# says so. The dotted one takes two digits each, so that a version number ("1.2.3") is no date.
_DAY_OR_MONTH_FIRST_DATES = (
    re.compile(r"(?<![\d/])(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>(?:19|20)\d\d)(?![\d/])"),
    re.compile(r"(?<![\d.])(?P<first>\d\d)\.(?P<second>\d\d)\.(?P<year>\d\d)(?!\d|\.\d)"),
)
# A two-digit year up to this is 20yy, above it 19yy (the POSIX strptime %y rule).
_TWO_DIGIT_YEAR_PIVOT = 68
# Languages whose pages may write such a date month first (US English): read only when unambiguous.
_MONTH_FIRST_LANGUAGES = frozenset({"en"})
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Solar Hijri (Jalali) dates of Iranian outlets: "۱۰ آذر ۱۴۰۵", "۱۰ آذرماه ۱۴۰۵", "۱۴۰۵/۰۹/۱۰".
_JALALI_MONTHS = _month_table(
    (
        ("فروردین",), ("اردیبهشت",), ("خرداد",), ("تیر",), ("مرداد", "امرداد"), ("شهریور",), ("مهر",), ("آبان",),
        ("آذر",), ("دی",), ("بهمن",), ("اسفند",),
    )
)
_JALALI_DATES = (
    re.compile(
        rf"\b(?P<day>\d{{1,2}})\s+(?P<month>{_alternation(_JALALI_MONTHS)})(?:\s*ماه)?\s*[,،]?\s+(?P<year>1[34]\d\d)\b"
    ),
    re.compile(r"(?<![\d/.-])(?P<year>1[34]\d\d)([/.-])(?P<month>\d{1,2})\2(?P<day>\d{1,2})(?![\d/.-])"),
)
# Years where the Jalali leap cycle restarts (Borkowski's table, as jalaali-js uses it).
_JALALI_BREAKS = (
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178,
)


@dataclass(slots=True)
class Metadata:
    title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    page_types: set[str] = field(default_factory=set)  # JSON-LD @type values and og:type, lower-cased
    # The page's structured data names it an article (JSON-LD, not only og:type: CMSs set og:type
    # "article" on tag, section and author pages too).
    declares_article: bool = False
    free_to_read: bool | None = None  # schema.org isAccessibleForFree of the article
    paywalled_selectors: list[str] = field(default_factory=list)  # hasPart cssSelectors behind the wall
    # The article's text as its JSON-LD declares it (articleBody), as written: a client-rendered
    # page's only copy of the story (`declared_paragraphs` reads it, only when it is wanted).
    declared_body: str | None = None


def extract_metadata(
    tree: HtmlElement, url: str | None, now: datetime | None = None, names: PageNames | None = None
) -> Metadata:
    """Read the page's metadata. `now` bounds the published date (a future date is rejected);
    `names` is the page's class and id values, when the caller has read them."""
    names = names or PageNames(tree)
    meta = _meta_tags(tree)
    ld_objects = list(_json_ld_objects(tree))
    article_ld = next((obj for obj in ld_objects if _types(obj) & ARTICLE_TYPES), {})
    result = Metadata()
    result.page_types = {t for obj in ld_objects for t in _types(obj)}
    result.declares_article = bool(result.page_types & ARTICLE_TYPES)
    # og:type only where JSON-LD names no kind of page: front pages often keep og:type "article".
    if meta.get("og:type") and not result.page_types & (ARTICLE_TYPES | PAGE_COLLECTION_TYPES):
        result.page_types.add(meta["og:type"].lower())
    result.site_name = _first_text(
        [_publisher_name(article_ld), *(meta.get(name) for name in SITE_NAME_META)]
    ) or _domain(url)
    result.title = _title(tree, meta, article_ld, result.site_name)
    # The standfirst is looked for on the page only when no description is declared.
    result.description = _first_text(
        [article_ld.get("description"), *(meta.get(n) for n in DESCRIPTION_META)]
    ) or _first_text([_standfirst(names)])
    bylines = cache(lambda: _bylines(tree))  # read by both, when needed: it names the writer, often dates the story
    ld_nodes = {obj["@id"]: obj for obj in ld_objects if isinstance(obj.get("@id"), str) and len(obj) > 1}
    result.authors = _authors(tree, meta, article_ld, bylines, ld_nodes, result.site_name)
    result.language = _language(tree, meta, article_ld)
    result.canonical_url = _canonical(tree, meta, url)
    result.published = _published(
        tree, meta, article_ld, now or datetime.now(UTC), bylines, result.language, (url, result.canonical_url), names
    )
    result.free_to_read, result.paywalled_selectors = _access(article_ld)
    body = article_ld.get("articleBody")
    if isinstance(body, list):
        body = "\n\n".join(part for part in body if isinstance(part, str))
    result.declared_body = body if isinstance(body, str) and body.strip() else None
    return result


def declared_paragraphs(body: str | None) -> list[str]:
    """A JSON-LD articleBody as paragraphs: plain text split at its line breaks, or HTML's block texts."""
    if not body:
        return []
    text = unescape(body)
    if "<" in text and ">" in text:
        try:
            fragment = fragment_fromstring(text, create_parent="div")
        except (etree.ParserError, ValueError):
            return []
        blocks = [element for element in fragment.iter(*_BODY_BLOCK_TAGS) if not any(
            ancestor.tag in _BODY_BLOCK_TAGS for ancestor in element.iterancestors())]
        parts = [element.text_content() for element in blocks] or [fragment.text_content()]
    else:
        parts = re.split(r"\n\s*\n|\r?\n", text)
    return [paragraph for paragraph in (normalize_space(part) for part in parts) if paragraph]


_BODY_BLOCK_TAGS = ("p", "h2", "h3", "h4", "li", "blockquote")


# --- sources ----------------------------------------------------------------------------------
def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or element.get("http-equiv")
        content = element.get("content")
        if key and content and content.strip():
            found.setdefault(key.strip().lower(), content.strip())
    return found


def _json_ld_objects(tree: HtmlElement) -> Iterator[dict]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(_LD_WRAPPER.sub("", script.text).strip().rstrip(";"), strict=False)
        except (ValueError, RecursionError):  # broken, or nested past the parser's depth: skip that blob
            continue
        if _depth_over(data, _LD_MAX_DEPTH):  # parsed, but too deep for the readers below to walk
            continue
        yield from _flatten_ld(data)


_LD_MAX_DEPTH = 64  # real JSON-LD nests a dozen levels at most


def _depth_over(data: object, limit: int) -> bool:
    """Whether `data` nests lists and objects more than `limit` deep (walked without recursion)."""
    level: list[object] = [data]
    for _ in range(limit):
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item if isinstance(item, list) else ())
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True


def _flatten_ld(data: object) -> Iterator[dict]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten_ld(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _flatten_ld(data["@graph"])
        main_entity = data.get("mainEntity")
        if isinstance(main_entity, dict | list):
            yield from _flatten_ld(main_entity)


def _types(obj: dict) -> set[str]:
    value = obj.get("@type", ())
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values if v}


def _names(value: object) -> list[str]:
    """Names out of a JSON-LD person/organisation value (string, object or list)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return _names(name) if name else []
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def _person_names(value: object, publisher: str | None) -> list[str]:
    """Like `_names`, minus an organisation that is the publisher credited as the author. (Another
    organisation, a wire agency or "Contributors to Wikimedia projects", is a credit worth keeping.)"""
    if isinstance(value, list):
        return [name for item in value for name in _person_names(item, publisher)]
    if isinstance(value, dict) and _types(value) & _ORGANIZATION_TYPES:
        return [name for name in _names(value) if not _names_the_site(name, publisher)]
    return _names(value)


def _publisher_name(article_ld: dict) -> str | None:
    names = _names(article_ld.get("publisher"))
    return names[0] if names else None


def _first_text(values: Iterable[object]) -> str | None:
    for value in values:
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str) and normalize_space(value):
            return unescape(normalize_space(value))
    return None


def unescape(text: str) -> str:
    """HTML entities a page escaped twice ("&amp;#8217;", "&amp;amp;") as the characters they name."""
    for _ in range(2):
        if "&" not in text:
            break
        text = html_entities.unescape(text)
    return text


def _domain(url: str | None) -> str | None:
    url = web_url(url)
    host = urlsplit(url).hostname if url else None
    if not host:
        return None
    return host.removeprefix("www.")


def web_url(text: str | None) -> str | None:
    """`text` if it is an absolute http(s) URL with a host, else None (relative, another scheme such as
    javascript: or mailto:, or malformed: "http://[::1", a space in the host, a port that is no number)."""
    if not text or not _WEB_URL_START.match(text):
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError:
        return None
    if not parts.hostname or any(c.isspace() or ord(c) < 0x20 for c in parts.netloc):
        return None
    return text


_WEB_URL_START = re.compile(r"https?://", re.IGNORECASE)


# --- fields -----------------------------------------------------------------------------------
def _title(tree: HtmlElement, meta: dict[str, str], article_ld: dict, site_name: str | None) -> str | None:
    h1 = masthead = None
    for element in tree.iter("h1"):
        text = normalize_space(element.text_content())
        if not text or len(text) > _TITLE_MAX_CHARS:
            continue
        if not _is_masthead(element):
            h1 = text
            break
        if masthead is None and _links_home(element):
            masthead = text  # the logo's text: the site's name, when the page declares none
    title_tag = next((normalize_space(t.text_content()) for t in tree.iter("title")), None)
    if h1 and title_tag and (headline := _headline_beside_site_h1(tree, h1, title_tag)):
        masthead, h1 = h1, headline
    candidates = [article_ld.get("headline"), *(meta.get(name) for name in TITLE_META), h1, title_tag]
    for candidate in candidates:
        text = _first_text([candidate])
        if text and not _names_the_site(text, site_name) and not _names_the_site(text, masthead):
            stripped = strip_site_name(text, site_name, h1)
            if masthead and stripped == text:
                stripped = strip_site_name(stripped, masthead)
            if stripped == text and not h1:
                stripped = _part_shown_alone(tree, text) or text
            return stripped
    return None


# Text nodes holding a part's opening words: the elements shown alone are looked for above them only
# (a normalize-space() test on every element reads the page's text once per level of nesting).
_TEXT_HOLDING = etree.XPath("//body//text()[contains(., $words)]", smart_strings=True)
_SHOWN_HEADLINE_MIN_WORDS = 3
_SHOWN_MAX_LEVELS = 3
_PROBE_WORDS = 2  # (a headline split by markup within its first words is rare)


def _part_shown_alone(tree: HtmlElement, title: str) -> str | None:
    """Of a "Site - Headline" title naming a site we cannot spell ("خبرگزاری نمونه" at namoone.ir), on
    a page with no <h1>: the one part the page shows as an element's whole text (its headline cell),
    and not as its logo's link home."""
    parts = _SITE_SUFFIX_SEPARATORS.split(title)
    if len(parts) < 2:
        return None
    shown = [
        part
        for part in parts
        if len(part.split()) >= _SHOWN_HEADLINE_MIN_WORDS
        and any(not _in_home_link(element) for element in _shown_alone(tree, part))
    ]
    return shown[0] if len(shown) == 1 else None


def _shown_alone(tree: HtmlElement, text: str) -> Iterator[HtmlElement]:
    """The elements whose whole text is `text`, found above the text nodes holding its first words."""
    seen: set[HtmlElement] = set()
    for node in _TEXT_HOLDING(tree, words=" ".join(text.split()[:_PROBE_WORDS])):
        element = node.getparent()
        for _ in range(_SHOWN_MAX_LEVELS):
            if element is None or element in seen:
                break
            seen.add(element)
            if normalize_space(element.text_content()) == text:
                yield element
            element = element.getparent()


def _in_home_link(element: HtmlElement) -> bool:
    """The element is, holds or sits in a link to the site's home (its text the logo's)."""
    links = (*element.iter("a"), *element.iterancestors("a"))
    return any(url_path((link.get("href") or "").strip()) in ("", "/", "./") for link in links)


def url_path(url: str | None) -> str:
    """The path of an address ("" for none, or for a malformed one such as "http://[::1")."""
    try:
        return urlsplit(url or "").path
    except ValueError:
        return ""


def _headline_beside_site_h1(tree: HtmlElement, h1: str, title_tag: str) -> str | None:
    """The <title>'s headline, when the <h1> is its site suffix and a lesser heading the headline.

    "Headline - Blog name" (or "Blog name: Headline") over an <h1> "Blog name" and an <h3> "Headline":
    the <h1> is the site's.
    (An <h1> that is the first part is the headline, whatever a sidebar heading says.)
    """
    parts = _SITE_SUFFIX_SEPARATORS.split(title_tag)
    if len(parts) >= 2 and h1 == parts[-1]:
        others = set(parts[:-1])
    elif title_tag.startswith(f"{h1}: "):  # "Blog name: Headline"
        others = {title_tag[len(h1) + 2 :].strip()}
    else:
        return None
    return next((text for e in _LESSER_HEADINGS(tree) if (text := normalize_space(e.text_content())) in others), None)


def _is_masthead(h1: HtmlElement) -> bool:
    """The site's logo or name set as <h1>: a home link, or in a masthead/logo box outside the story."""
    if _links_home(h1):
        return True
    for ancestor in h1.iterancestors():
        if ancestor.tag in _STORY_CONTAINERS:
            return False
        names = f"{ancestor.get('class', '')} {ancestor.get('id', '')} {ancestor.get('role', '')}".lower()
        if _MASTHEAD.search(names):
            return True
    return False


def _links_home(element: HtmlElement) -> bool:
    return any(a.get("href") in ("/", "./") for a in element.iter("a"))


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def _names_the_site(text: str, site_name: str | None) -> bool:
    """A title that is only the site's name (or its domain spelt out) is no headline."""
    if not site_name:
        return False
    squashed = _squash(text)
    return squashed in (_squash(site_name), _squash(site_name.split(".")[0]))


def strip_site_name(title: str, site_name: str | None, h1: str | None = None) -> str:
    """Drop a " | Outlet" style suffix or prefix naming the site (or everything but the <h1>)."""
    parts = _SITE_SUFFIX_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if h1 and h1 in parts:
        return h1
    site = (site_name or "").lower()
    site_words = set(re.findall(r"\w+", site.split(".")[0] if "." in site and " " not in site else site))
    site_label = _squash(site.split(".")[0] if "." in site and " " not in site else site)
    kept = [
        part for part in parts
        if not (
            part.lower() == site
            or (site_words and set(re.findall(r"\w+", part.lower())) <= site_words)
            or (site_label and _squash(part) == site_label)
        )
    ]
    if kept and len(kept) < len(parts):
        return " - ".join(kept) if len(kept) > 1 else kept[0]
    return title


def _authors(
    tree: HtmlElement,
    meta: dict[str, str],
    article_ld: dict,
    bylines: Callable[[], list[HtmlElement]],
    ld_nodes: dict[str, dict],
    site_name: str | None,
) -> list[str]:
    publisher = _first_text(_names(_by_id(article_ld.get("publisher"), ld_nodes))) or next(
        (meta[n] for n in SITE_NAME_META if n in meta), None
    )
    ld_authors = [_by_id(article_ld.get(key), ld_nodes) for key in ("author", "creator")]
    organizations = {n.lower() for value in ld_authors for n in _organization_names(value)}
    sources = (  # tried in order, each only when the ones before gave no name
        lambda: [name for value in ld_authors for name in _person_names(value, publisher)],
        lambda: [meta[name] for name in AUTHOR_META if name in meta and not meta[name].startswith("http")],
        lambda: _byline_names(bylines()),
        lambda: _labelled_line_names(tree),
        lambda: _posted_by_name(tree),
    )
    credits: list[str] = []  # an agency or organisation alone: kept unless the byline names people
    for index, candidates in enumerate(sources):
        if credits and index != 2:
            continue
        names = _without_credits(clean_author_names(candidates()), (publisher, site_name))
        if not names:
            continue
        if index < 2 and all(n.lower() in organizations or _is_agency(n) for n in names):
            credits = credits or names
            continue
        return names
    return credits


def _by_id(value: object, ld_nodes: dict[str, dict]) -> object:
    """A JSON-LD reference ({"@id": …} alone, Yoast-style) as the node it names elsewhere on the page."""
    if isinstance(value, list):
        return [_by_id(item, ld_nodes) for item in value]
    if isinstance(value, dict) and "name" not in value and isinstance(value.get("@id"), str):
        return ld_nodes.get(value["@id"], value)
    return value


def _organization_names(value: object) -> list[str]:
    if isinstance(value, list):
        return [name for item in value for name in _organization_names(item)]
    return _names(value) if isinstance(value, dict) and _types(value) & _ORGANIZATION_TYPES else []


def _is_agency(name: str) -> bool:
    return _WIRE_AGENCY.fullmatch(name.lower()) is not None


def _without_credits(names: list[str], outlets: tuple[str | None, ...]) -> list[str]:
    """Names minus the outlet credited beside them, then minus a wire agency if people remain
    ("By A and B | Reuters" → [A, B]; "By AFP | Outlet" → [AFP]; "Reuters" alone stays)."""
    # the outlet after a first name (a blog named after its writer keeps its writer first)
    names = [n for i, n in enumerate(names) if not i or not any(_names_the_site(n, outlet) for outlet in outlets)]
    people = [n for n in names if not _is_agency(n)]
    return people or names


_BYLINE_LINE_MAX_WORDS = 12


def _byline_names(bylines: list[HtmlElement]) -> list[str]:
    """The names of the story's own byline: the first one outside comments and related stories."""
    for element in bylines:
        if _others_byline(element):
            continue
        texts = list(element.itertext())
        # (a byline's parts are set apart by dots or bars: "A in Tehran and B in Riga · November 29 2025")
        if any(len(part.split()) > _BYLINE_LINE_MAX_WORDS for text in texts for part in _BYLINE_PARTS.split(text)):
            continue  # an author box's bio ("… from our bureaus in Dubai, Doha and Riyadh."): no byline
        names = clean_author_names(["\n".join(texts)])
        if 1 <= len(names) <= MAX_BYLINE_AUTHORS:
            return names
    return []


def _bylines(tree: HtmlElement) -> list[HtmlElement]:
    return [e for e in BYLINE_XPATH(tree) if not _NOT_BYLINE_CLASS.search(e.get("class", ""))]


def _others_byline(element: HtmlElement) -> bool:
    """In comments, related stories, a sidebar or a footer: another story's or a commenter's byline."""
    return any(
        ancestor.tag in _OTHER_BYLINE_TAGS
        or _OTHER_BYLINES.search(f"{ancestor.get('class', '')} {ancestor.get('id', '')}".lower())
        for ancestor in (element, *element.iterancestors())
    )


def _labelled_line_names(tree: HtmlElement) -> list[str]:
    """The names on the first short line that opens with a byline label, outside comments and teasers."""
    strings = _TEXT_STRINGS_XPATH(tree)
    joined = "\x00" + "\x00".join(strings)  # text nodes never hold NUL: one search finds the labelled ones
    matches = list(_LABELLED_LINE.finditer(joined))
    if not matches:
        return []
    nodes = _TEXT_NODES_XPATH(tree)  # the same nodes, as strings that know their element
    starts = list(accumulate((len(string) + 1 for string in strings), initial=1))
    for match in matches:
        line = _line_of(nodes[bisect_right(starts, match.start() + 1) - 1])
        if line is None or line.tag in ("script", "style") or _others_byline(line):
            continue
        text = normalize_space(line.text_content())
        names = clean_author_names([text]) if len(text) <= _POSTED_LINE_MAX_CHARS else []
        if 1 <= len(names) <= MAX_BYLINE_AUTHORS:
            return names
    return []


def _line_of(node: str) -> HtmlElement | None:
    """The element a text node's line is: up through the inline markup around it (a link, a <b>)."""
    line = node.getparent()  # an lxml smart string knows its element
    while line is not None and line.tag in _INLINE_LINE_TAGS:
        line = line.getparent()
    return line


def _posted_by_name(tree: HtmlElement) -> list[str]:
    """The writer of a "Posted on <date> by <Name>" line, when the page has exactly one such name
    (a line per comment is commenters, not the story's writer)."""
    posted_by = re.compile(rules.POSTED_BY_PATTERN)
    names: set[str] = set()
    for node in _POSTED_XPATH(tree):
        line = _line_of(node)
        if line is None or _others_byline(line):
            continue
        text = normalize_space(line.text_content())
        if len(text) <= _POSTED_LINE_MAX_CHARS and (match := posted_by.match(text)):
            names.update(clean_author_names([match["name"]]))
    return list(names) if len(names) == 1 else []


def clean_author_names(candidates: Iterable[str]) -> list[str]:
    """People's names out of byline strings: "By A, B and C" → [A, B, C], minus non-names."""
    not_author = any_of(rules.NOT_AUTHOR_PATTERNS, anchored=True)
    noise = any_of(rules.BYLINE_NOISE_PATTERNS)
    names: list[str] = []
    seen: set[str] = set()
    for candidate in candidates:
        candidate = _EMAIL.sub(" ", unescape(candidate.strip()))
        by_line = _BY_PREFIX.match(candidate) is not None
        for part in _NAME_SPLIT.split(_BY_PREFIX.sub("", candidate)):
            part = _strip_label(_BY_PREFIX.sub("", normalize_space(part)))
            name = _unbracket(normalize_space(noise.sub(" ", part)).strip(" .:-–—|·•"))
            name = _PLACE_SUFFIX.sub("", _ROLE_SUFFIX.sub("", name))
            words = name.split()
            if not name or not 1 <= len(words) <= 5 or not name[0].isupper() and name[0].isascii():
                continue
            if by_line and any(word[0].islower() and word.lower() not in _NAME_PARTICLES for word in words[1:]):
                continue  # "Von Teheran lernen" is a headline: a name's words are capitalised, bar its particles
            if not_author.match(name) or name.lower() in seen:
                continue
            seen.add(name.lower())
            names.append(_title_cased(name) if len(words) >= 2 and name.isupper() else name)
    return names


# An e-mail address beside a name ("김지현 기자 jihyun@example.kr", "Jane Doe (jane@example.com)").
_EMAIL = re.compile(r"[(<\[]?\s*(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*[)>\]]?")
# Where the reporter wrote from, after the name ("Max Seddon in Riga", "Anna Petrova aus Moskau").
_PLACE_SUFFIX = re.compile(r"\s+(?:in|from|en|aus|из|в)\s+[A-ZÀ-ÞА-ЯЁ][\w'’.-]*(?:\s+[A-ZÀ-ÞА-ЯЁ][\w'’.-]*){0,2}$")
_BYLINE_PARTS = re.compile(r"\s[·•|]\s")
# A reporter's role after the name in ko, ja and zh ("김지현 기자", "田中太郎 記者", "李明 特派员").
_ROLE_SUFFIXES = ("기자", "記者", "记者", "特派员", "特派員")
_ROLE_SUFFIX = re.compile(rf"\s*(?:{'|'.join(_ROLE_SUFFIXES)})$")

# Lower-case words inside a person's name ("Ursula von der Leyen", "Ali bin Hamad", "Maria de la Cruz").
_NAME_PARTICLES = frozenset(
    "von van de der den del della di da das dos du la le al el bin ibn bint ben y e zu ter ten af av st".split()
)


def _title_cased(name: str) -> str:
    """A name the page writes in capitals, as names are written: "JON GAMBRELL" → "Jon Gambrell",
    "JEAN-PIERRE O'NEIL" → "Jean-Pierre O'Neil" (initials stay: "J.R. SMITH" → "J.R. Smith").

    An acronym stays in capitals: a Latin word with no vowel ("BBC NEWS" → "BBC News"), or a short
    word beside a newsroom's word ("ITV NEWS" → "ITV News", "AFP STAFF" → "AFP Staff").
    """
    newsroom = _NEWSROOM_WORD.search(name) is not None

    def cased(word: str) -> str:
        if word.isascii() and len(word) >= 2 and word.lower() not in _FUNCTION_WORDS:
            if not _VOWEL.search(word) or newsroom and len(word) <= 3:
                return word
        return word.capitalize()

    return re.sub(r"[^\W\d_]+", lambda m: cased(m[0]), name)


_VOWEL = re.compile("[AEIOUY]", re.IGNORECASE)
_FUNCTION_WORDS = frozenset({"the", "of", "and", "for", "de", "del", "la", "le", "el", "al", "du", "des", "van", "der"})
_NEWSROOM_WORD = re.compile(
    r"\b(?:news|press|staff|desk|team|tv|radio|online|network|agency|media|service|wire)\b", re.IGNORECASE
)


def _unbracket(name: str) -> str:
    """A bracket left open by a split: "(avec Damien Leloup" → "Damien Leloup", "Morgane Tual)" → "Morgane Tual"."""
    if name.endswith(")") and "(" not in name:
        name = name[:-1].rstrip()
    if name.startswith("(") and ")" not in name:
        name = name[1:].lstrip()
    return name


def _strip_label(part: str) -> str:
    """"Текст: Иван Петров" → "Иван Петров"; "Корреспондент ТАСС" stays whole (and is no name)."""
    match = _BYLINE_LABEL.match(part)
    if not match:
        return part
    rest = part[match.end() :]
    words = rest.split()
    if match["sep"] or (2 <= len(words) <= 4 and all(w[0].isupper() and not w.isupper() for w in words)):
        return rest
    return part


def _standfirst(names: PageNames) -> str | None:
    for element in names.classed_containing(_STANDFIRST_CLASS_PARTS):
        if element.tag not in _STANDFIRST_TAGS:
            continue
        text = normalize_space(element.text_content())
        if _STANDFIRST_WORDS[0] <= len(text.split()) <= _STANDFIRST_WORDS[1]:
            return text
    return None


def _published(
    tree: HtmlElement,
    meta: dict[str, str],
    article_ld: dict,
    now: datetime,
    bylines: Callable[[], list[HtmlElement]],
    language: str | None,
    urls: Iterable[str | None],
    names: PageNames,
) -> str | None:
    candidates: list[str] = []
    for key in _LD_PUBLISHED_KEYS:
        if isinstance(article_ld.get(key), str):
            candidates.append(article_ld[key])
    candidates += [meta[name] for name in PUBLISHED_META if name in meta]
    # A date labelled as an update is used only when no other one is found in the same places.
    places = (bylines, lambda: tree.iter("time"), lambda: names.classed_containing(_DATE_CLASS_PARTS, _NOT_SHOWN_TAGS))
    searches: tuple[Callable[[], Iterable[tuple[datetime | date | None, bool]]], ...] = (  # each run only if need be
        lambda: chain(
            ((parse_date(candidate), False) for candidate in candidates),
            ((parse_date(e.get("datetime") or e.get("content") or ""), _labelled_update(e)) for e in TIME_XPATH(tree)),
        ),
        lambda: (_date_shown_in(element, language) for element in chain.from_iterable(place() for place in places)),
        lambda: (  # a blog's date header: a heading that is only a date
            (parse_date_in_text(text, language) if len(text) <= _DATE_HEADING_MAX_CHARS else None, False)
            for text in (normalize_space(element.text_content()) for element in _LESSER_HEADINGS(tree))
        ),
        lambda: (
            (parse_date_in_text(normalize_space(element.text_content()), language), False)
            for element in chain(_info_lines_above_story(tree, names), _datelines_above_story(tree))
        ),
        lambda: ((date_in_url(url), False) for url in urls),  # the page's address, then its canonical one
    )
    for search in searches:
        if (published := _first_plausible_date(search(), now)) is not None:
            return published
    return None


def _date_shown_in(element: HtmlElement, language: str | None) -> tuple[datetime | date | None, bool]:
    """The date an element's text shows, and whether it is labelled as an update."""
    text = element.text_content()[:300]
    is_update = _labelled_update(element)
    parsed = None if is_update else parse_date_in_text(_without_updates(text), language)
    if parsed is None:
        is_update, parsed = True, parse_date_in_text(text, language)
    return parsed, is_update


def _first_plausible_date(found: Iterable[tuple[datetime | date | None, bool]], now: datetime) -> str | None:
    """The first plausible date not labelled as an update, else the first plausible update."""
    updated: datetime | date | None = None
    for parsed, is_update in found:
        if _plausible(parsed, now):
            if not is_update:
                return format_date(parsed)
            updated = updated or parsed
    return None if updated is None else format_date(updated)


def date_in_url(url: str | None) -> date | None:
    """The date a story's path is filed under ("/2024/06/21/slug", "/2024-04-03-slug", "/20240312/"),
    or None: a month alone ("/2024/05/") names no day."""
    try:
        path = urlsplit(url or "").path
    except ValueError:  # a malformed URL ("http://[::1/2024/06/21/") names no date
        return None
    for pattern in _URL_DATES:
        for match in pattern.finditer(path):
            try:
                return date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                continue
    return None


def _labelled_update(element: HtmlElement) -> bool:
    """A date element marked as the update's: by its markup ("dateModified", class "updated") or by the
    words just before it ("Updated <time>", "<span>Last modified:</span> <time>")."""
    names = f"{element.get('itemprop', '')} {element.get('class', '')}".lower()
    if "publish" in names:  # WordPress marks a never-edited post's one date "entry-date published updated"
        return False
    if "modif" in names or "updat" in names:
        return True
    for _ in range(3):  # up through inline wrappers with nothing before the date
        previous, parent = element.getprevious(), element.getparent()
        before = previous.tail if previous is not None else parent.text if parent is not None else None
        if not (before or "").strip() and previous is not None and len(previous.text_content()) <= 40:
            before = previous.text_content()
        if (before or "").strip():
            return _UPDATE_LABEL_END.search(before[-40:].lower()) is not None
        if previous is not None or parent is None or parent.tag not in _INLINE_LINE_TAGS:
            return False
        element = parent
    return False


def _without_updates(text: str) -> str:
    """A dateline minus its "Updated …" segments, up to the next publication label."""
    return _UPDATE_SEGMENT.sub(" ", text) if _UPDATE_LABEL.search(text) else text


def _info_lines_above_story(tree: HtmlElement, names: PageNames) -> Iterator[HtmlElement]:
    """Short info/meta lines before the story's first paragraph (boxes further down date other things)."""
    lines = set(names.classed_containing(_INFO_LINE_CLASS_PARTS, _NOT_SHOWN_TAGS))
    return _above_story(tree, lines, _INFO_LINE_MAX_CHARS)


def _datelines_above_story(tree: HtmlElement) -> Iterator[HtmlElement]:
    """Short "Posted …"/"Published …" lines before the story's first paragraph (later ones date comments)."""
    lines = {line for node in _DATELINE_TEXT_XPATH(tree) if (line := _line_of(node)) is not None}
    return _above_story(tree, lines, _POSTED_LINE_MAX_CHARS)


def _above_story(tree: HtmlElement, lines: set[HtmlElement], max_chars: int) -> Iterator[HtmlElement]:
    if not lines:
        return
    for element in tree.iter():
        if element.tag == "p" and len(element.text_content()) >= _STORY_PARAGRAPH_CHARS:
            return
        if element in lines and not _others_byline(element):
            if len(normalize_space(element.text_content())) <= max_chars:
                yield element


def parse_date(value: str) -> datetime | date | None:
    """A date or datetime from ISO 8601, RFC 2822 or a written-out date; None if it is none of those."""
    value = normalize_space(value)
    if not value:
        return None
    iso = value.replace(" ", "T", 1) if re.match(r"^\d{4}-\d\d-\d\d \d", value) else value
    iso = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", iso)  # +0300 → +03:00
    try:
        if re.fullmatch(r"\d{4}-\d\d-\d\d", iso):
            return date.fromisoformat(iso)
        if re.fullmatch(r"\d{8}", iso):
            return date(int(iso[:4]), int(iso[4:6]), int(iso[6:]))
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        pass
    return parse_date_in_text(value)


def parse_date_in_text(text: str, language: str | None = None) -> date | None:
    """The first written-out date in a byline or dateline ("March 15, 2023", "15 марта 2023",
    "01.12.2026", "2024年3月12日", "1 Aralık 2026", "16/6/2023", "۱۰ آذر ۱۴۰۵").

    `language` (ISO 639-1) is the page's: a slash or two-digit-year dotted date both of whose readings
    are dates ("3/4/2024", "11.05.12") is read day first where the language is known and not English,
    and not at all otherwise.
    """
    text = _fold(text)
    return (
        _calendar_date(text, _TEXT_DATES, _MONTHS, date)
        or _day_or_month_first_date(text, language)
        or _calendar_date(text, _JALALI_DATES, _JALALI_MONTHS, jalali_to_gregorian)
    )


def _calendar_date(
    text: str, patterns: Iterable[re.Pattern[str]], months: dict[str, int], to_date: Callable[[int, int, int], date]
) -> date | None:
    for pattern in patterns:
        match = pattern.search(text)
        if not match:
            continue
        month_text = " ".join(match.group("month").split()).rstrip(".")
        month = int(month_text) if month_text.isdigit() else months.get(month_text)
        year, day = int(match.group("year")), int(match.group("day"))
        if (weekday := match.groupdict().get("weekday")) and (swapped := _month_first(year, month, day, weekday)):
            return swapped
        try:
            return to_date(year, month or 0, day)
        except ValueError:
            continue
    return None


def _day_or_month_first_date(text: str, language: str | None) -> date | None:
    for pattern in _DAY_OR_MONTH_FIRST_DATES:
        match = pattern.search(text)
        if not match:
            continue
        first, second, year = int(match["first"]), int(match["second"]), int(match["year"])
        if year < 100:
            year += 2000 if year <= _TWO_DIGIT_YEAR_PIVOT else 1900
        if first > 12:
            day, month = first, second
        elif second > 12:
            day, month = second, first
        elif language and language not in _MONTH_FIRST_LANGUAGES:
            day, month = first, second
        else:
            continue
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return None


def _month_first(year: int, day_first_month: int, day_first_day: int, weekday: str) -> date | None:
    """The mm.dd reading of a dotted date, when only it falls on the weekday written beside it."""
    wanted = _WEEKDAYS.index(weekday)
    for month, day in ((day_first_month, day_first_day), (day_first_day, day_first_month)):
        try:
            reading = date(year, month, day)
        except ValueError:
            continue
        if reading.weekday() == wanted:
            return None if month == day_first_month and day == day_first_day else reading
    return None


def jalali_to_gregorian(year: int, month: int, day: int) -> date:
    """The Gregorian date of a Solar Hijri one; ValueError if there is no such day."""
    if not (1 <= month <= 12 and 1 <= day <= (31 if month <= 6 else 30)):
        raise ValueError(f"no Jalali date {year}-{month}-{day}")
    result = _farvardin_first(year) + timedelta(days=(month - 1) * 31 - max(0, month - 7) + day - 1)
    if result >= _farvardin_first(year + 1):  # 30 Esfand of a common year
        raise ValueError(f"no Jalali date {year}-{month}-{day}")
    return result


def _farvardin_first(year: int) -> date:
    """Gregorian date of the Jalali new year (the arithmetic of jalaali-js, valid 1–3177)."""
    if not 1 <= year < _JALALI_BREAKS[-1]:
        raise ValueError(f"Jalali year {year} out of range")
    gregorian_year = year + 621
    leap_days = -14
    previous = _JALALI_BREAKS[0]
    jump = 0
    for brk in _JALALI_BREAKS[1:]:
        jump = brk - previous
        if year < brk:
            break
        leap_days += jump // 33 * 8 + jump % 33 // 4
        previous = brk
    since = year - previous
    leap_days += since // 33 * 8 + (since % 33 + 3) // 4
    if jump % 33 == 4 and jump - since == 4:
        leap_days += 1
    gregorian_leaps = gregorian_year // 4 - (gregorian_year // 100 + 1) * 3 // 4 - 150
    return date(gregorian_year, 3, 20 + leap_days - gregorian_leaps)


def _plausible(parsed: datetime | date | None, now: datetime) -> bool:
    """A date a story can have: found, not a placeholder or far past, not after `now`."""
    return parsed is not None and parsed.year >= EARLIEST_YEAR and not _in_future(parsed, now)


def _in_future(value: datetime | date, now: datetime) -> bool:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment > now + _FUTURE_TOLERANCE
    return value > (now + _FUTURE_TOLERANCE).date()


def format_date(value: datetime | date) -> str:
    """UTC ISO 8601 for a zoned datetime, as-is for a naive one, YYYY-MM-DD for a bare date."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
            return value.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    return value.isoformat()


def _language(tree: HtmlElement, meta: dict[str, str], article_ld: dict) -> str | None:
    html = tree if tree.tag == "html" else next(tree.iter("html"), tree)
    in_language = article_ld.get("inLanguage")
    for value in (
        html.get("lang"),
        html.get("{http://www.w3.org/XML/1998/namespace}lang"),
        *(meta.get(name) for name in LANGUAGE_META),
        in_language if isinstance(in_language, str) else None,
    ):
        code = language_code(value)
        if code:
            return code
    return None


def language_code(value: str | None) -> str | None:
    """ISO 639-1 out of a language tag: "en-US" → "en", "fa_IR" → "fa"."""
    match = re.match(r"\s*([A-Za-z]{2})(?:$|[-_,;\s])", value or "")
    return match.group(1).lower() if match else None


def _canonical(tree: HtmlElement, meta: dict[str, str], url: str | None) -> str | None:
    """The first declared canonical that is an http(s) URL once resolved (against `<base href>`, as a
    browser does, else the page's URL), else the page's URL; None rather than a relative or other URL."""
    url = web_url(url)
    base = _base_url(tree, url) or url
    hrefs = [
        link.get("href")
        for link in tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ] + [meta.get(name) for name in CANONICAL_META]
    for href in hrefs:
        resolved = _absolute((href or "").strip(), base)
        if resolved:
            return resolved
    return url


def _base_url(tree: HtmlElement, url: str | None) -> str | None:
    """The page's first `<base href>`, resolved against its URL, if that gives an http(s) URL."""
    for element in tree.iter("base"):
        href = (element.get("href") or "").strip()
        if href:
            return _absolute(href, url)
    return None


def _absolute(href: str, base: str | None) -> str | None:
    """`href` resolved against `base`, if that gives an http(s) URL (never raises on a malformed one)."""
    if not href:
        return None
    try:
        return web_url(urljoin(base, href) if base else href)
    except ValueError:
        return None


def _access(article_ld: dict) -> tuple[bool | None, list[str]]:
    free = article_ld.get("isAccessibleForFree")
    if isinstance(free, str):
        free = {"true": True, "false": False}.get(free.strip().lower())
    selectors: list[str] = []
    parts = article_ld.get("hasPart") or []
    for part in parts if isinstance(parts, list) else [parts]:
        if not isinstance(part, dict):
            continue
        part_free = part.get("isAccessibleForFree")
        if str(part_free).strip().lower() == "false" and isinstance(part.get("cssSelector"), str):
            selectors.append(part["cssSelector"])
    return (free if isinstance(free, bool) else None), selectors
