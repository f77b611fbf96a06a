"""Kinds of layout and wording seen on real news and analysis pages (Arc, WordPress, live blogs,
think tanks, wires) that once cost story text or a whole article: each test is one kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extraction import extract_article
from crawler.extraction.extractor import ExtractOptions

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


_ENTRY_TEXTS = [
    "Russia launched close to 600 drones and 40 missiles at Ukraine overnight, according to Ukraine's air force, in "
    "one of the largest combined attacks of the war.",
    "Iran's foreign ministry spokesperson denied that Tehran had sent any new drones to Russia, calling reports of "
    "fresh deliveries baseless accusations.",
    "Western officials say Russia now builds most of its Shahed-type drones itself but still imports engines and some "
    "electronics from Iran.",
    "Romania's defence ministry said a drone fragment was found near the Danube port of Izmail, across the border "
    "from Ukraine, on Monday morning.",
    "Poland's operational command said it scrambled fighter jets and put ground-based air defence on the highest "
    "readiness as Russian drones struck western Ukraine.",
]


_SECOND_PARAGRAPH = (
    "<p>The spokesperson said Iran had not supplied any drones since the start of the war and would not do so while "
    "talks continued.</p>"
)


def _live_blog(entries: int, declared: bool) -> str:
    ld = (
        '<script type="application/ld+json">{"@context":"https://schema.org","@type":"LiveBlogPosting",'
        '"headline":"Russia-Ukraine war live"}</script>'
        if declared
        else ""
    )
    blocks = "".join(
        f'<div id="block-{n}" class="block"><header><a href="#block-{n}"><time datetime="2025-09-22T09:{50 - n}:00Z">'
        f"10.{50 - n} BST</time></a></header><p>{_ENTRY_TEXTS[n]}</p>{_SECOND_PARAGRAPH if n == 1 else ''}"
        '<footer class="block-footer"><span class="share-buttons"><a>Share</a></span></footer></div>'
        for n in range(entries)
    )
    return (
        f"<html lang='en'><head><title>Russia-Ukraine war live | The Ledger</title>{ld}</head><body><main><article>"
        f"<h1>Russia-Ukraine war live</h1><div id='liveblog-body'>{blocks}</div></article></main></body></html>"
    )


@pytest.mark.parametrize("declared", [True, False])
def test_every_entry_of_a_live_blog_is_kept(declared):
    # trafilatura drops the last entry after one of two paragraphs (each opened by a permalink):
    # recovery puts it back, in place.
    text = extract_article(_live_blog(5, declared)).text
    positions = [text.find(entry[:50]) for entry in _ENTRY_TEXTS]
    assert -1 not in positions and positions == sorted(positions)


def test_a_run_of_comments_beside_a_story_is_not_taken_for_entries():
    comments = "".join(
        f"<div class='reply'><p>Reader {n} writes that the drones are cheaper than the missiles and will keep coming "
        "as long as the factory in Tatarstan keeps running.</p></div>"
        for n in range(6)
    )
    article = extract_article(_page(_paragraphs(LEAD + REST)).replace("</article>", f"</article><section>{comments}</section>"))
    assert "Reader" not in article.text


def test_a_screen_reader_phrase_inside_a_link_is_no_part_of_the_sentence():
    link = (
        "according to a <a href='https://x.com/'>post on X<span class='sr-only'>, opens new tab</span></a> by the "
        "agency, and the <a href='/tasnim'>Tasnim agency<span class='visually-hidden'> (external link)</span></a> "
        "repeated it with <span class='highlight'>no comment</span>."
    )
    article = extract_article(_page(_paragraphs(LEAD) + f"<p>The lawmaker said delivery would wait, {link}</p>"))
    assert "according to a post on X by the agency, and the Tasnim agency repeated it with no comment." in article.text
    assert "opens new tab" not in article.text and "external link" not in article.text


def test_an_article_carrying_a_menu_or_a_carousel_in_json_ld_is_no_index():
    menu = "".join(f"<li><a href='/section/{n}'>A section of the site about the region, number {n}</a></li>" for n in range(9))
    for kind in ("SiteNavigationElement", "ItemList"):
        ld = f'<script type="application/ld+json">{{"@context":"https://schema.org","@type":"{kind}"}}</script>'
        page = _page(_paragraphs(LEAD + REST), head=ld).replace("<main>", f"<nav><ul>{menu}</ul></nav><main>")
        article = extract_article(page)
        assert str(article.kind) == "article" and REST[-1][:50] in article.text, kind
    collection = '<script type="application/ld+json">{"@context":"https://schema.org","@type":"CollectionPage"}</script>'
    teasers = "".join(f"<h3><a href='/news/{n}'>Story number {n} about the drone deliveries to Russia</a></h3>" for n in range(9))
    assert str(extract_article(_page(teasers, head=collection)).kind) == "index"


def test_a_headline_naming_a_block_or_a_denial_is_no_challenge_page():
    brief = [
        "Russia has turned down an Iranian request for S-400 air defence systems made after the June war, two "
        "sources familiar with the talks said.",
        "One source said Russian officials cited the needs of their own forces in Ukraine. The second said Moscow "
        "offered older systems instead.",
    ]
    for headline in ("Iran's S-400 request blocked by Kremlin, sources say", "Access denied: Russia shuts Iran out"):
        page = (
            f"<html><head><title>{headline} | Amwaj</title></head><body><article><h1>{headline}</h1>"
            f"{_paragraphs(brief)}</article></body></html>"
        )
        article = extract_article(page)
        assert str(article.kind) == "article" and brief[1][:40] in article.text, headline
    challenge = "<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1><p>You don't have permission to access this server.</p><p>Reference #18.4f2d</p></body></html>"
    assert str(extract_article(challenge).kind) == "challenge"


def test_a_story_about_consent_under_a_cookie_bar_is_an_article():
    story = [
        "Russia's Federation Council gave its consent to the treaty with Iran on Wednesday, a week after the lower "
        "house ratified it.",
        "In Tehran, the Guardian Council must still give its consent before the treaty takes effect, officials said.",
        "The foreign ministry said Iran would reject all attempts to describe the treaty as a military alliance.",
    ]
    bar = "<div class='cookie-bar'><p>We use cookies to improve your experience.</p><button>Accept all</button></div>"
    page = f"<html><head><title>Treaty ratified | Ledger</title></head><body>{bar}<article><h1>Treaty ratified</h1>{_paragraphs(story)}</article></body></html>"
    article = extract_article(page)
    assert str(article.kind) == "article" and all(line[:40] in article.text for line in story)
    assert "We use cookies" not in article.text


_ANALYSIS = [
    "Iran's most important contribution to Russia's war has been the Shahed-136 one-way attack drone, first imported "
    "whole and later built under licence at Alabuga in Tatarstan.",
    "Russia has since localized nearly all production, and Ukrainian officials say launches have tripled in a year "
    "while the share of drones shot down has fallen.",
    "Iran has sought Su-35 fighters since at least 2021, but there is no public evidence that any aircraft has "
    "arrived, though Yak-130 trainers were delivered in 2023.",
    "Air defense is the area where Iran's needs are most urgent after the June strikes destroyed several of the "
    "S-300PMU2 batteries that Russia supplied in 2016.",
    "Three issues are likely to dominate the next summit: payment for Russian arms under sanctions, the North-South "
    "corridor, and Russia's role in nuclear talks.",
    "Each carries risks for Moscow, which values its ties with Israel and the Gulf states and has shown little "
    "appetite for steps that would put them at risk.",
]


def _analysis_with(subheading: str, tag: str = "h2") -> str:
    body = _paragraphs(_ANALYSIS[:4]) + f"<{tag}>{subheading}</{tag}>" + _paragraphs(_ANALYSIS[4:])
    return (
        "<html lang='en'><head><title>Russia and Iran after the war | Think Tank</title></head><body><article>"
        f"<h1>Russia and Iran after the war</h1>{body}</article></body></html>"
    )


@pytest.mark.parametrize(
    ("subheading", "tag"),
    [
        ("Topics on the Agenda", "h2"),
        ("Tags and Serial Numbers on the Wreckage", "h2"),
        ("Categories of Targets", "h3"),
        ("3 Responses to the Drone Threat", "h2"),
        ("Today on the Front Line", "h2"),
        ("Tags on the recovered engine read 'Made in Iran'.", "p"),
    ],
)
def test_a_subheading_or_sentence_opening_like_an_end_label_does_not_end_the_story(subheading, tag):
    text = extract_article(_analysis_with(subheading, tag)).text
    assert all(paragraph[:50] in text for paragraph in _ANALYSIS) and subheading in text


@pytest.mark.parametrize("label", ["Tags", "Topics: Iran, Russia, drones", "Comments (4)", "3 Responses to “Russia and Iran”"])
def test_an_end_label_still_ends_the_story(label):
    text = extract_article(_analysis_with(label)).text
    assert _ANALYSIS[3][:50] in text and _ANALYSIS[4][:50] not in text and label not in text


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("The views expressed in this article are those of the author and do not reflect the Institute's.", True),
        ("The opinions expressed here are my personal opinions and not my employer's.", True),
        ("All views, positions, and conclusions expressed in this publication should be understood to be solely those"
         " of the author(s).", True),
        ("Kremlin spokesman Dmitry Peskov said the views expressed in this week's Western reports were 'absolutely"
         " groundless.'", False),
        ("Copyright 2025 The Associated Press. All rights reserved.", True),
        ("© 2025 Reuters", True),
        ("Copyright claims by Iranian drone makers against two Russian firms were dismissed by a court in Kazan.", False),
    ],
)
def test_disclaimers_and_copyright_lines_go_and_story_sentences_about_them_stay(line, dropped):
    text = extract_article(_page(_paragraphs(LEAD) + f"<p>{line}</p>" + _paragraphs(REST))).text
    assert (line[:40] not in text) is dropped


def test_the_consent_words_stories_use_are_consent_patterns():
    from crawler.extraction import rules

    assert set(rules.CONSENT_PROSE_PATTERNS) <= set(rules.CONSENT_PATTERNS)


def test_a_german_story_about_consent_under_a_cookie_bar_is_an_article():
    story = [
        "Der Föderationsrat in Moskau hat dem Vertrag mit Iran am Mittwoch seine Einwilligung gegeben, eine Woche nach "
        "der Staatsduma.",
        "In Teheran muss der Wächterrat noch zustimmen, bevor der Vertrag in Kraft tritt, sagten Beamte am Donnerstag.",
        "Das Außenministerium erklärte, Iran weise jeden Versuch zurück, den Vertrag als Militärbündnis darzustellen.",
        "Der Vertrag regelt nach Angaben beider Seiten auch die Zusammenarbeit bei Energie, Verkehr und Banken.",
    ]
    bar = "<div class='hinweis'><p>Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten.</p><button>Alle akzeptieren</button></div>"
    page = (
        "<html lang='de'><head><title>Vertrag ratifiziert | Kurier</title></head><body>"
        f"{bar}<article><h1>Vertrag ratifiziert</h1>{_paragraphs(story)}</article></body></html>"
    )
    article = extract_article(page)
    assert str(article.kind) == "article" and all(line[:40] in article.text for line in story)


def _blocks_with_trailer(pairs: list[tuple[str, str]], story: list[str]) -> tuple[list[str], object]:
    from lxml import etree

    body = etree.Element("body")
    for text in story:
        etree.SubElement(body, "p").text = text
    for headline, blurb in pairs:
        etree.SubElement(body, "head").text = headline
        etree.SubElement(body, "p").text = blurb
    return body


_PAIRS = [
    ("Ukraine reports heaviest drone attack in weeks", "Russia launched more than a hundred drones overnight."),
    ("EU sanctions Iranian drone makers again", "Twelve companies and eight people are listed this time."),
    ("How far has Iran's nuclear programme come?", "The IAEA reports a growing stock of enriched uranium."),
]


def test_teasers_of_headline_links_and_blurbs_after_the_story_go_when_their_heading_is_gone():
    from crawler.extraction.cleaning import PageText, clean_blocks

    story = [text for text in LEAD + REST]
    body = _blocks_with_trailer(_PAIRS, story)
    clean_blocks(body, PageText(links=[headline for headline, _ in _PAIRS]))
    assert [block.text for block in body] == story


def test_a_listing_written_as_linked_items_with_descriptions_is_the_story():
    from crawler.extraction.cleaning import PageText, clean_blocks

    items = [
        (f"{number} Shahed-136 Geran-2 variant {number}", f"Variant {number} carries a larger warhead, officials say.")
        for number in range(1, 6)
    ]
    body = _blocks_with_trailer(items, LEAD[:1])
    clean_blocks(body, PageText(links=[headline for headline, _ in items]))
    assert len(body) == 1 + 2 * len(items)  # the same form from the top: the story's own, kept whole


def test_one_linked_line_and_one_short_line_at_the_end_are_not_a_run_of_teasers():
    from crawler.extraction.cleaning import PageText, clean_blocks

    story = [text for text in LEAD + REST]
    body = _blocks_with_trailer(_PAIRS[:1], story)
    clean_blocks(body, PageText(links=[_PAIRS[0][0]]))
    assert _PAIRS[0][1] in [block.text for block in body]


def test_a_box_inside_a_short_item_goes_and_the_little_story_after_it_stays():
    from lxml import etree

    from crawler.extraction.cleaning import PageText, clean_blocks

    headlines = ["Iran confirms receiving Russian fighter jets", "US prepares new sanctions against Tehran"]
    body = etree.Element("body")
    story = [LEAD[0]]
    for text in story:
        etree.SubElement(body, "p").text = text
    etree.SubElement(body, "head").text = "Read also"
    box = etree.SubElement(body, "list")
    for headline in headlines:
        etree.SubElement(box, "item").text = headline
    after = (  # under 40 words, and more of the text than the story before the box
        "Washington said on Tuesday that new sanctions on the Iranian air force and the Russian exporters were being "
        "prepared and would be announced within weeks, two officials added."
    )
    etree.SubElement(body, "p").text = after
    clean_blocks(body, PageText(links=headlines))
    assert [block.text for block in body] == [*story, after]


def test_the_screen_reader_scan_finds_every_screen_reader_class():
    from crawler.extraction import rules
    from crawler.extraction.cleaning import SCREEN_READER_NAME_PARTS

    assert all(any(part in name for part in SCREEN_READER_NAME_PARTS) for name in rules.SCREEN_READER_CLASSES)


# --- a late box with a short end of the story after it ------------------------------------------
_BOX = (
    "<h3>Read more</h3><ul><li><a href='/a'>Russia tests a new long-range drone</a></li>"
    "<li><a href='/b'>Sanctions widen on Iran's airlines</a></li></ul>"
)
_SIDEBAR = (
    "<aside><h3>Most read</h3><ul><li><a href='/x'>One story from the sidebar</a></li>"
    "<li><a href='/y'>Another story from the sidebar</a></li></ul></aside>"
)


@pytest.mark.parametrize(
    "last", ["Talks resume in Tehran next month, a diplomat said.", "The Kremlin declined to comment on the report."]
)
def test_a_short_last_paragraph_after_a_late_box_is_still_the_story(last):
    # the box comes after most of the story, with under 40 words after it: the story's container decides
    body = _paragraphs(LEAD + REST[:2]) + _BOX + f"<p>{last}</p>"
    article = extract_article(_page(body).replace("</main>", _SIDEBAR + "</main>"))
    assert article.text.endswith(last)
    assert "long-range drone" not in article.text and "Read more" not in article.text


def test_a_short_bio_in_its_own_container_after_a_late_box_still_ends_the_story():
    # near-miss: the same short paragraph outside the story's container is no story
    bio = "<div class='story-end'><p>Sara Karimi covers Iran's military and its arms trade for the Tehran Monitor.</p></div>"
    page = _page(_paragraphs(LEAD + REST) + _BOX).replace("</div></article>", f"</div>{bio}</article>" + _SIDEBAR)
    explained = extract_article(page, options=ExtractOptions(explain=True)).explanation
    assert [entry["rule"] for entry in explained][-2:] == ["end-of-article", "end-of-article"]
    assert explained[-1]["text"].startswith("Sara Karimi covers")


# --- a recirculation box written as one nested list, its heading inside it ----------------------
def _nested_box(items: str) -> str:
    return f"<ol class='grid'><li><div class='title'>Don't miss these Defence stories</div><ol class='stories'>{items}</ol></li></ol>"


_LINKED_TEASERS = (
    "<li><a href='/x1'>Russia tests a new long-range drone over the Caspian</a>"
    "<p class='abstract'>The test was the third this year, the defence ministry said in a statement.</p></li>"
    "<li><a href='/x2'>Sanctions widen on Iran's state airlines and their agents</a></li>"
    "<li><a href='/x3'>Why the Su-35 deliveries to Tehran keep slipping</a></li>"
)


def test_a_box_of_teasers_headed_inside_its_own_list_goes_and_the_story_after_it_stays():
    page = _page(_paragraphs(LEAD) + _nested_box(_LINKED_TEASERS) + _paragraphs(REST))
    explained = extract_article(page, options=ExtractOptions(explain=True)).explanation
    box = next(entry for entry in explained if entry["text"].startswith("Don't miss"))
    assert box["rule"] == "mid-story-box"
    kept = [entry["text"] for entry in explained if entry["kept"]]
    assert kept[-len(REST):] == REST and not any("long-range drone" in text for text in kept)


def test_a_story_list_under_a_heading_worded_like_a_box_stays():
    # near-miss: the same heading over items of the story's own, no links among them
    items = "".join(f"<li>{text}</li>" for text in ["Two Su-35 jets in March", "Four more in June", "Ten by 2027"])
    article = extract_article(_page(_paragraphs(LEAD) + _nested_box(items) + _paragraphs(REST)))
    assert "Four more in June" in article.text


# --- readability's extraction, inside the page's divisions ---------------------------------------
def test_blocks_inside_divisions_are_unwrapped_so_each_meets_the_rules():
    from lxml import etree

    from crawler.extraction.cleaning import unwrap_layout_tables

    body = etree.fromstring(
        "<body><div><div class='article-body'><p>One.</p><head rend='h3'>Read more</head>"
        "<section><p>Two.</p>loose text</section></div></div><p>Three.</p></body>"
    )
    assert unwrap_layout_tables(body) == 1
    assert [(block.tag, "".join(block.itertext())) for block in body] == [
        ("p", "One."), ("head", "Read more"), ("p", "Two."), ("p", "loose text"), ("p", "Three."),
    ]


def test_a_short_page_taken_from_readability_still_loses_its_box():
    # trafilatura falls back to readability on a short page and hands its <div>s over whole
    page = _page(_paragraphs(LEAD + REST[:2]) + _BOX).replace("</main>", _SIDEBAR + "</main>")
    explained = extract_article(page, options=ExtractOptions(explain=True)).explanation
    # (the headline trafilatura left out opens the text, put back)
    assert explained[0]["recovered"] and explained[0]["text"] == "Iran receives Su-35 jets"
    assert len(explained) == 1 + len(LEAD) + 3 and explained[-1]["rule"] == "end-of-article"


def test_a_repeated_copy_of_the_story_goes_with_its_byline():
    from lxml import etree

    from crawler.extraction.cleaning import PageText, clean_blocks

    body = etree.Element("body")
    for text in ["BY SARA KARIMI", *LEAD, "BY SARA KARIMI", *LEAD]:  # the page prints the story twice
        etree.SubElement(body, "p").text = text
    clean_blocks(body, PageText())
    assert [block.text for block in body] == ["BY SARA KARIMI", *LEAD]


def test_a_label_repeated_over_new_text_stays():
    # near-miss: a questionnaire's repeated label before a new answer is no copy
    from lxml import etree

    from crawler.extraction.cleaning import PageText, clean_blocks

    body = etree.Element("body")
    texts = ["Answer:", LEAD[0], "Answer:", LEAD[1], "Answer:", LEAD[2]]
    for text in texts:
        etree.SubElement(body, "p").text = text
    clean_blocks(body, PageText())
    assert [block.text for block in body] == texts


_SHORT_SENTENCES = [
    ("A record year", ["More than 3,700 shows played this year.", "Ticket sales topped 2.6 million."]),
    ("Best drama", ['"Salt Water" told the story of a ferry disaster.', "It sold out every single night."]),
    ("Best comedy", ["Amira Khan's set about privacy apps was the hit.", "Her line about cookies got the laugh."]),
    ("The surprise", ["A puppet show about copyright law won.", "It was better than it sounds."]),
    ("What next", ["Organisers want lower rents for performers.", "The council says it is listening."]),
]


def test_a_story_told_in_short_sentences_under_subheadings_is_an_article():
    body = "".join(
        f"<h2>{heading}</h2>" + "".join(f"<p>{sentence}</p>" for sentence in sentences)
        for heading, sentences in _SHORT_SENTENCES
    )
    article = extract_article(_page(body), "https://www.example.com/culture/2024/08/26/fringe-review")
    assert article.is_article, article.reason
    assert all(sentence in article.text for _, sentences in _SHORT_SENTENCES for sentence in sentences)


def test_an_error_page_of_a_few_short_sentences_is_still_no_story():
    # near-miss: two or three short sentences are a placeholder's, not a story
    body = "<p>Sorry, this page is not available.</p><p>The link you followed may be broken.</p>"
    article = extract_article(_page(body), "https://www.example.com/gone")
    assert not article.is_article and article.reason.startswith("no story body")


def test_a_story_article_named_like_a_teaser_is_still_the_story():
    # near-miss: the story's own <article>, of a story's length, whatever its class says
    story = "".join(f"<p>{text}</p>" for text in LEAD + REST)
    page = (
        "<html><head><title>Iran receives Su-35 jets</title></head><body><main><h1>Iran receives Su-35 jets</h1>"
        f"<article class='teaser-story promo'>{story}</article></main></body></html>"
    )
    article = extract_article(page)
    assert all(text[:60] in article.text for text in LEAD + REST)


_GALLERY = Path(__file__).parent / "fixtures" / "pages" / "gallery_captions_are_the_story.html"
_CAPTIONS = [
    "Iranian soldiers march past a display of Shahed-136 drones",
    "A truck carries a Kheibar Shekan ballistic missile.",
    "Visitors photograph a model of the Su-35 fighter jet",
    "Members of the Revolutionary Guards stand beside a Bavar-373",
    "Spectators watch a flypast of F-4 Phantom and MiG-29 aircraft",
]


def test_a_photo_pages_captions_are_its_story_whatever_their_class():
    # each caption sits in a "gallery-caption" box (a chrome name); between slide counters, with no
    # story outside the slides, they are the page's story, and the counters and credits go
    article = extract_article(_GALLERY.read_text(), "https://www.pictureworld.example/gallery/2025/11/28/parade")
    assert all(caption in article.text for caption in _CAPTIONS)
    assert "1 / 5" not in article.text and "Photo: Vahid Salemi/AP" not in article.text


def test_a_slideshow_beside_a_story_stays_the_storys_chrome():
    # near-miss: the same slides inside a story of its own: the captions are a gallery's, not the story
    html = _GALLERY.read_text().replace(
        '<div class="gallery">', "".join(f"<p>{text}</p>" for text in LEAD + REST) + '<div class="gallery">'
    )
    article = extract_article(html, "https://www.pictureworld.example/world/2025/11/28/parade")
    assert LEAD[0] in article.text and REST[-1] in article.text
    assert not any(caption in article.text for caption in _CAPTIONS)


def test_a_block_of_paragraphs_set_apart_by_blank_lines_is_split_and_a_single_break_is_not():
    from lxml import etree

    from crawler.extraction.cleaning import split_at_blank_lines

    body = etree.fromstring(
        "<body><p>One.<lb/><lb/>Two, <hi>bold</hi> words.<lb/>Still two.<lb/> <lb/>Three.</p><p>Alone.</p></body>"
    )
    assert split_at_blank_lines(body) == 2
    assert ["".join(block.itertext()) for block in body] == ["One.", "Two, bold words.Still two.", "Three.", "Alone."]


def test_a_data_table_beside_a_story_laid_out_in_tables_stays():
    # near-miss: the menu shell and the column of rubrics go, a grid of figures stays
    from lxml import etree

    from crawler.extraction.cleaning import PageText, clean_blocks, unwrap_layout_tables

    story = "".join(f"<p>{text}</p>" for text in LEAD)
    body = etree.fromstring(
        "<body><table><row><cell>Home | News | Contacts</cell><cell/></row><row><cell>© 2025 Outlet</cell><cell/></row></table>"
        "<table><row><cell>Rubrics<p>Politics</p><p>Economy</p></cell></row></table>"
        f"<table><row><cell><head rend='h1'>Jets</head>{story}</cell></row></table>"
        "<table><row><cell>Year</cell><cell>Drones</cell></row><row><cell>2024</cell><cell>6,000</cell></row></table></body>"
    )
    shell, rubrics = body[0], body[1]
    page = PageText()
    unwrap_layout_tables(body, page)
    assert page.layout_furniture == {shell, rubrics}  # left whole, for clean_blocks to drop by name
    texts = [" ".join(block.itertext()) for block in body[2:]]
    assert texts[0] == "Jets" and texts[1:4] == LEAD and body[-1].tag == "table" and "6,000" in texts[-1]
    assert len(body) == 7
    clean_blocks(body, page)
    assert shell.getparent() is None and rubrics.getparent() is None and "6,000" in " ".join(body[-1].itertext())


def test_the_pages_headline_leads_the_text_once_when_the_declared_title_words_it_otherwise():
    # JSON-LD's headline is shortened for search; the <h1> above the story is still the headline
    ld = '{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Iran gets Su-35s"}'
    page = (
        f"<html><head><script type='application/ld+json'>{ld}</script></head><body><article>"
        "<h1>Iran receives its first Su-35 fighter jets from Russia</h1>"
        + "".join(f"<p>{text}</p>" for text in LEAD + REST)
        + "</article></body></html>"
    )
    article = extract_article(page, "https://www.example-news.com/world/2026/03/04/iran-su35")
    assert article.title == "Iran gets Su-35s"
    lines = article.text.splitlines()
    assert lines[:2] == ["Iran receives its first Su-35 fighter jets from Russia", LEAD[0]]
    assert article.text.count("first Su-35 fighter jets from Russia") == 1


_ESSAY_CAPTIONS = [
    "At 11.40 p.m. the sirens start, and residents who no longer go to the shelters move to the corridor, away from the windows.",
    "A mobile fire group waits at the edge of the city; its truck-mounted machine gun has shot down eleven drones since October.",
    "Shortly after 2 a.m. a drone hits a warehouse on the eastern bypass, and the engine noise is heard for almost a minute.",
    "Firefighters work for four hours to put out the blaze in the warehouse, which stored furniture for the city's schools.",
    "By 7 a.m. the trams are running again, and a pharmacist sweeps broken glass from the pavement before opening her shop.",
]


def _photo_post(story: list[str]) -> str:
    figures = "".join(
        f"<figure class='wp-block-image'><img src='/night-{n}.jpg' alt=''><figcaption class='wp-element-caption'>"
        f"{caption}</figcaption></figure>"
        for n, caption in enumerate(_ESSAY_CAPTIONS)
    )
    paragraphs = "".join(f"<p>{text}</p>" for text in story)
    return (
        "<html><head><title>One night in Kharkiv</title></head><body><article class='post format-gallery'>"
        f"<h1>One night in Kharkiv</h1><div class='entry-content'>{paragraphs}{figures}</div></article>"
        "<footer>&copy; Kharkiv Daily</footer></body></html>"
    )


def test_a_photo_essays_captions_are_its_story_without_slide_counters():
    # no counters: the captions, in sentences, outweigh the one-paragraph intro, so they are the story
    article = extract_article(_photo_post(LEAD[:1]), "https://www.kharkivdaily.example/photos/2025/01/one-night")
    assert all(caption in article.text for caption in [LEAD[0], *_ESSAY_CAPTIONS]), article.text


def test_a_storys_photo_captions_stay_its_chrome():
    # near-miss: the same five captioned photos under a story longer than them
    article = extract_article(_photo_post(LEAD + REST), "https://www.kharkivdaily.example/news/2025/01/one-night")
    assert LEAD[0] in article.text and REST[-1] in article.text
    assert not any(caption in article.text for caption in _ESSAY_CAPTIONS)


def test_a_menu_laid_out_as_a_table_of_links_goes_and_a_table_of_facts_stays():
    links = ["Weekly edition", "Kernel", "Security", "Distributions", "Contact us", "Archives", "Calendar"]
    menu = "<table><tr>" + "".join(f"<td><a href='/{n}'>{name}</a></td>" for n, name in enumerate(links)) + "</tr></table>"
    facts = (
        "<table><tr><th>Drone</th><th>Range</th><th>Maker</th></tr>"
        "<tr><td><a href='/shahed-136'>Shahed-136</a></td><td>2,500 km</td><td>HESA</td></tr>"
        "<tr><td><a href='/mohajer-6'>Mohajer-6</a></td><td>200 km</td><td>Qods</td></tr></table>"
    )
    article = extract_article(_page(_paragraphs(LEAD) + facts + _paragraphs(REST) + menu))
    assert "Shahed-136" in article.text and "2,500 km" in article.text
    assert not any(name in article.text for name in ("Weekly edition", "Distributions", "Calendar"))
    assert REST[-1] in article.text


def test_a_breadcrumb_trail_in_the_story_goes_and_a_route_written_with_arrows_stays():
    trail = "<p><a href='/world'>World</a> &gt; <a href='/mideast'>Middle East</a> &gt; <a href='/iran'>Iran</a> &gt; Article</p>"
    route = "<p>Kazan &gt; Makhachkala &gt; Bandar Anzali &gt; Tehran</p>"
    article = extract_article(_page(trail + _paragraphs(LEAD) + route + _paragraphs(REST)))
    assert "Middle East" not in article.text
    assert "Kazan > Makhachkala > Bandar Anzali > Tehran" in article.text


def test_a_carousel_of_slides_with_previous_and_next_buttons_goes_and_the_story_stays():
    slides = "".join(
        f"<li><ul><li>Previous</li><li>Next</li></ul><h4>Drone factory photo essay slideshow</h4>"
        f"<p>Slide {n}: workers at the plant in Yelabuga assemble the airframes of Geran-2 drones on the night shift.</p></li>"
        for n in range(1, 5)
    )
    article = extract_article(_page(_paragraphs(LEAD + REST) + f"<ul>{slides}</ul>"))
    assert REST[-1] in article.text
    assert "Slide 2" not in article.text and "Previous" not in article.text


def _headed_page(h1: str, title: str, body: str) -> str:
    return (
        f"<html lang='en'><head><title>{title}</title></head><body><header class='page-head'><h1>{h1}</h1></header>"
        f"<main><article><div class='article-body'>{body}</div></article></main></body></html>"
    )


@pytest.mark.parametrize(
    "title", ["Iran receives its first Su-35 jets", "Iran receives its first Su-35 jets | Tehran Monitor"]
)
def test_the_headline_trafilatura_left_out_opens_the_text_once(title):
    article = extract_article(_headed_page("Iran receives its first Su-35 jets", title, _paragraphs(LEAD + REST)))
    assert article.text.startswith("Iran receives its first Su-35 jets\n" + LEAD[0])
    assert article.text.count("Iran receives its first Su-35 jets") == 1
    assert extract_article(_headed_page("Iran receives its first Su-35 jets", title, _paragraphs(LEAD + REST)),
                           options=ExtractOptions(markdown=True)).markdown.startswith("# Iran receives its first Su-35 jets")


@pytest.mark.parametrize(
    ("title", "h1", "put"),
    [
        ("Iran receives its first Su-35 jets | Tehran Monitor", "Iran receives its first Su-35 jets", True),
        ("Tehran Monitor Defence Blog: Iran receives its first Su-35 jets after a long wait", "Tehran Monitor Defence Blog",
         False),  # the blog's name set as the <h1>, over "Blog: Headline"
        ("Iran receives its first Su-35 jets", "Russia and Iran: the week in review", False),  # a heading of its own
    ],
)
def test_only_an_h1_worded_as_the_title_is_put_over_the_text_as_its_headline(title, h1, put):
    from lxml import etree

    from crawler.extraction.cleaning import lead_with_headline

    body = etree.Element("body")
    etree.SubElement(body, "p").text = LEAD[0]
    assert (lead_with_headline(body, title, h1) is not None) is put
    assert body[0].text == (h1 if put else LEAD[0])


def test_a_page_with_only_its_headline_and_a_line_is_still_no_article():
    article = extract_article(_headed_page("Iran receives its first Su-35 jets", "Iran receives its first Su-35 jets",
                                           "<p>Subscribe to read.</p>"))
    assert not article.is_article and article.text == ""
