"""Story paragraphs trafilatura skipped come back in page order; chrome, short lines and links do not."""

from __future__ import annotations

import json

import pytest
from lxml import etree
from lxml.html import fromstring

from crawler.extraction import ExtractOptions, extract_article
from crawler.extraction.cleaning import chrome_text
from crawler.extraction.recovery import recover_missed_paragraphs

SENTENCES = [
    f"Paragraph {n} says the Alabuga plant in Tatarstan raised its output of Geran-2 drones again this month, "
    f"according to the report the investigators published."
    for n in range(1, 7)
]


def _page(story: str, extra: str = "") -> etree._Element:
    return fromstring(f"<html><body><article>{story}</article>{extra}</body></html>")


def _body(*texts: str) -> etree._Element:
    body = etree.Element("body")
    for text in texts:
        etree.SubElement(body, "p").text = text
    return body


def _texts(body: etree._Element) -> list[str]:
    return [block.text for block in body]


def test_a_skipped_lead_and_a_skipped_middle_paragraph_come_back_in_page_order():
    tree = _page("".join(f"<p>{text}</p>" for text in SENTENCES))
    body = _body(SENTENCES[1], SENTENCES[2], SENTENCES[4], SENTENCES[5])
    recovered: list = []
    assert recover_missed_paragraphs(tree, body, chrome_text(tree), recovered) == 2
    assert _texts(body) == SENTENCES and len(recovered) == 2


def test_skipped_paragraphs_after_the_last_kept_one_keep_their_order():
    tree = _page("".join(f"<p>{text}</p>" for text in SENTENCES))
    body = _body(*SENTENCES[:3])
    assert recover_missed_paragraphs(tree, body, chrome_text(tree)) == 3
    assert _texts(body) == SENTENCES


def test_loose_text_between_paragraphs_comes_back():
    loose = "One of the lawyers said in December that <em>hundreds of exporters</em> were unsure which parts need a licence now."
    tree = _page(f"<p>{SENTENCES[0]}</p>{loose}<p>{SENTENCES[1]}</p><p>{SENTENCES[2]}</p>")
    body = _body(*SENTENCES[:3])
    recover_missed_paragraphs(tree, body, chrome_text(tree))
    assert _texts(body)[1].startswith("One of the lawyers said in December that hundreds of exporters")


def test_what_is_no_story_prose_stays_out():
    short = "<p>Share this story with your friends.</p>"
    links = (
        "<p><a href='/a'>Treasury adds three Yelabuga suppliers to its sanctions list today</a> and "
        "<a href='/b'>A customs case over Iranian drone engines goes to court</a>.</p>"
    )
    unfinished = (
        "<p>Sign up for our daily briefing on the arms trade between Iran and Russia and the sanctions on it</p>"
    )
    sidebar = f"<aside><p>{SENTENCES[5]} (sidebar)</p></aside>"
    tree = _page(f"<p>{SENTENCES[0]}</p>{short}{links}{unfinished}<p>{SENTENCES[1]}</p>", sidebar)
    body = _body(SENTENCES[0], SENTENCES[1])
    assert recover_missed_paragraphs(tree, body, chrome_text(tree)) == 0
    assert _texts(body) == SENTENCES[:2]


def test_a_page_trafilatura_reads_whole_gets_nothing_recovered_or_doubled():
    html = "<html><body><article>" + "".join(f"<p>{text}</p>" for text in SENTENCES) + "</article></body></html>"
    article = extract_article(html, options=ExtractOptions(explain=True))
    assert not any(entry["recovered"] for entry in article.explanation)
    assert article.text.split("\n") == SENTENCES


def test_the_page_text_reads_each_paragraph_and_block_once_for_every_rule():
    tree = _page("".join(f"<p>{text}</p>" for text in SENTENCES[:3]) + "<p>  Spaced <b>out</b>\n line </p>")
    page = chrome_text(tree)
    assert list(page.paragraphs.values()) == [*SENTENCES[:3], "Spaced out line"]
    body = _body(SENTENCES[0], SENTENCES[2])
    recover_missed_paragraphs(tree, body, page)
    block = body[0]
    assert page.block_text(block) == SENTENCES[0]
    block.text = "edited"  # blocks are never edited once read: the cached text is what the rules saw
    assert page.block_text(block) == SENTENCES[0]


def test_a_lead_split_off_around_a_side_rail_comes_back_from_the_twin_wrapper():
    lead = "".join(f"<p><span class='dateline'></span> {text}</p>" for text in SENTENCES[:2])
    rest = "".join(f"<p>{text}</p>" for text in SENTENCES[2:])
    tree = _page(
        f"<div class='story-body first'><section>{lead}</section></div>"
        "<div class='side-rail'><p>Most read: five stories you should not miss today.</p></div>"
        f"<div class='story-body'><section>{rest}</section></div>"
    )
    body = _body(*SENTENCES[2:])
    assert recover_missed_paragraphs(tree, body, chrome_text(tree)) == 2
    assert _texts(body) == SENTENCES


@pytest.mark.parametrize(
    ("attributes", "headline"),
    [("", "<h1>Moscow and Tehran sign a rail deal</h1>"), (" data-url='/2026/03/05/rail-deal'", "<h2>Rail deal</h2>")],
)
def test_the_next_story_an_infinite_scroll_page_appends_is_no_twin(attributes, headline):
    # near-miss of the split story: the like-classed sibling has a headline or an address of its own
    first = "".join(f"<p>{text}</p>" for text in SENTENCES[:3])
    following = "".join(f"<p>{text} (the next story)</p>" for text in SENTENCES[3:5])
    tree = _page(
        f"<div class='story-body'><section>{first}</section></div><hr>"
        f"<div class='story-body'{attributes}>{headline}<section>{following}</section></div>"
    )
    body = _body(*SENTENCES[:3])
    assert recover_missed_paragraphs(tree, body, chrome_text(tree)) == 0
    assert _texts(body) == SENTENCES[:3]


def test_a_run_of_like_widgets_is_no_split_story():
    widgets = "".join(
        f"<div class='widget'><section><p>{text}</p><p>{text} Again.</p></section></div>" for text in SENTENCES[:3]
    )
    tree = _page(widgets)
    body = _body(SENTENCES[1], f"{SENTENCES[1]} Again.")
    assert recover_missed_paragraphs(tree, body, chrome_text(tree)) == 0


def test_a_paragraph_written_as_a_div_among_the_story_paragraphs_comes_back():
    as_div = "The ministry said on <strong>Tuesday</strong> that the drones had been <a href='/x'>assembled</a> in Tatarstan from kits."
    tree = _page(
        f"<p>{SENTENCES[0]}</p><div>{as_div}</div><p>{SENTENCES[1]}</p><p>{SENTENCES[2]}</p>"
        f"<div><p>{SENTENCES[3]}</p></div>"  # a wrapper, not a paragraph: its <p> speaks for it
        "<div>Photo gallery</div>"
    )
    body = _body(*SENTENCES[:3])
    recovered: list = []
    recover_missed_paragraphs(tree, body, chrome_text(tree), recovered)
    assert _texts(body)[1].startswith("The ministry said on Tuesday that the drones had been assembled in Tatarstan")
    assert [block.text for block in recovered] == [_texts(body)[1]] and len(body) == 4


LOOSE = [
    "The manifests list the engines as spare parts for farm machinery, a description the officers have learned to read as a warning.",
    "Inspectors began the count after a shipment seized in March held engines of the kind fitted to long-range attack drones.",
]


def _head(body: etree._Element, index: int, text: str, tail: str | None = None) -> None:
    head = etree.Element("head")
    head.text, head.tail = text, tail
    body.insert(index, head)


def test_loose_story_text_in_a_form_that_wraps_the_whole_page_comes_back():
    # ASP.NET and DNN pages put the whole page in one <form>: that form is the page's, not a comment form.
    story = f"<p>{SENTENCES[0]}</p>{LOOSE[0]}<p>{SENTENCES[1]}</p><p>{SENTENCES[2]}</p>"
    tree = fromstring(f"<html><body><form id='Form' method='post'><div class='post'>{story}</div></form></body></html>")
    body = _body(*SENTENCES[:3])
    assert recover_missed_paragraphs(tree, body, chrome_text(tree)) == 1
    assert _texts(body) == [SENTENCES[0], LOOSE[0], SENTENCES[1], SENTENCES[2]]


def test_prose_in_a_comment_form_under_the_story_stays_out():
    policy = "<p>Comments are reviewed by an editor before they appear on this page, which can take a day or two at busy times.</p>"
    story = "".join(f"<p>{text}</p>" for text in SENTENCES[:3])
    tree = fromstring(
        f"<html><body><form id='Form'><div class='post'>{story}"
        f"<form class='comment-form'>{policy}<textarea></textarea></form></div></form></body></html>"
    )
    body = _body(*SENTENCES[:3])
    assert recover_missed_paragraphs(tree, body, chrome_text(tree)) == 0


def test_loose_text_trafilatura_gave_as_a_heading_tail_is_not_given_twice():
    story = f"<p>{SENTENCES[0]}</p><h2>What the manifests show</h2>{LOOSE[0]}<p>{SENTENCES[1]}</p><p>{SENTENCES[2]}</p>"
    tree = _page(story)
    body = _body(*SENTENCES[:3])
    _head(body, 1, "What the manifests show", LOOSE[0])  # how trafilatura writes it: the text as the <head>'s tail
    assert recover_missed_paragraphs(tree, body, chrome_text(tree)) == 0
    assert len(body) == 4


def test_text_recovered_before_a_heading_goes_before_the_heading_not_after_it():
    story = (
        f"<p>{SENTENCES[0]}</p>{LOOSE[0]}<h2>Why the tally started</h2><p>{SENTENCES[1]}</p>"
        f"<p>{SENTENCES[2]}</p><div class='aside-text'>{LOOSE[1]}</div><h3>Next steps</h3><p>{SENTENCES[3]}</p>"
    )
    tree = _page(story)
    body = _body(*SENTENCES[:4])
    _head(body, 1, "Why the tally started")
    _head(body, 4, "Next steps")
    assert recover_missed_paragraphs(tree, body, chrome_text(tree)) == 2
    assert [block.text for block in body] == [
        SENTENCES[0],
        LOOSE[0],
        "Why the tally started",
        SENTENCES[1],
        SENTENCES[2],
        LOOSE[1],
        "Next steps",
        SENTENCES[3],
    ]


def test_loose_text_with_a_link_in_brackets_reads_as_written_and_is_not_given_twice():
    linked = "A series (<a href='/cribs'><span>the cribs tag</span></a>) toured startup offices in the style of a television show."
    story = f"<p>{SENTENCES[0]}</p><h2>Insights</h2>{linked}<p>{SENTENCES[1]}</p><p>{SENTENCES[2]}</p>"
    tree = _page(story)
    body = _body(*SENTENCES[:3])
    given = "A series (the cribs tag) toured startup offices in the style of a television show."
    _head(body, 1, "Insights", given)
    assert recover_missed_paragraphs(tree, body, chrome_text(tree)) == 0


def test_paragraphs_hidden_by_an_attribute_stay_out():
    # A <p> is never a chrome container: recovery's own check keeps these out, and only these.
    def recovered(hidden: str, aria_hidden: str) -> int:
        story = (
            f"<p>{SENTENCES[0]}</p><p {hidden}>{LOOSE[0]}</p><p>{SENTENCES[1]}</p>"
            f"<p {aria_hidden}>{LOOSE[1]}</p><p>{SENTENCES[2]}</p>"
        )
        tree = _page(story)
        return recover_missed_paragraphs(tree, _body(*SENTENCES[:3]), chrome_text(tree))

    assert recovered("hidden", "aria-hidden='true'") == 0
    assert recovered("title='x'", "aria-hidden='false'") == 2


_DEK = (
    "Two officials say the first Russian fighters will not reach Hamadan before spring, and blame the "
    "engines that went to Russia's own air force first."
)
_STORY = "".join(
    f"<p>Paragraph {n} of the story says the Su-35 programme slipped again, according to people who follow it.</p>"
    for n in range(1, 5)
)


def _dek_page(header: str, rail: str = "", description: str = _DEK) -> str:
    return (
        f"<html><head><title>Su-35 deliveries slip again</title><meta property='og:description' content=\"{description}\">"
        f"</head><body><article>{header}<div itemprop='articleBody'>{_STORY}</div></article>{rail}</body></html>"
    )


def test_the_standfirst_under_the_headline_opens_the_text_once():
    page = _dek_page(f"<header><h1>Su-35 deliveries slip again</h1><div class='dek'>{_DEK}</div></header>")
    article = extract_article(page, options=ExtractOptions(explain=True))
    # the headline over it, which trafilatura left out too, is put back as the text's first line
    assert article.text.startswith(f"Su-35 deliveries slip again\n{_DEK}") and article.text.count("Two officials say") == 1
    assert all(entry["recovered"] and entry["kept"] for entry in article.explanation[:2])


def test_the_standfirst_goes_before_a_short_block_that_opens_the_story():
    # an interview opens with its first question, a live blog with an entry's heading: the standfirst
    # stands over them on the page, so it opens the text, not the first long paragraph
    question = "<h3>Q: How close are Iran and Russia today?</h3>"
    page = _dek_page(f"<header><h1>Su-35 deliveries slip again</h1><div class='dek'>{_DEK}</div></header>")
    page = page.replace("<div itemprop='articleBody'>", f"<div itemprop='articleBody'>{question}")
    text = extract_article(page).text
    assert text.startswith(f"Su-35 deliveries slip again\n{_DEK}") and text.index("Q: How close") < text.index("Paragraph 1")


def test_a_description_shown_only_as_a_teaser_link_or_over_the_headline_stays_out():
    teaser = f"<aside><ul><li><a href='/su35'>Su-35 deliveries slip again <span>{_DEK}</span></a></li></ul></aside>"
    over = f"<header><div class='tagline'>{_DEK}</div><h1>Su-35 deliveries slip again</h1></header>"
    hidden = f"<header><h1>Su-35 deliveries slip again</h1><div hidden>{_DEK}</div></header>"
    for page in (
        _dek_page("<header><h1>Su-35 deliveries slip again</h1></header>", rail=teaser),
        _dek_page(over),
        _dek_page(hidden),
    ):
        assert "Two officials say" not in extract_article(page).text


def test_a_description_that_is_the_lead_or_a_short_tagline_is_not_added():
    lead = "Paragraph 1 of the story says the Su-35 programme slipped again, according to people who follow it."
    as_lead = _dek_page(
        f"<header><h1>Su-35 deliveries slip again</h1><p class='dek'>{lead}</p></header>", description=lead
    )
    assert extract_article(as_lead).text.count("Paragraph 1 of the story") == 1
    tagline = _dek_page(
        "<header><h1>Su-35 deliveries slip again</h1><p>News from the Caspian</p></header>",
        description="News from the Caspian",
    )
    assert "News from the Caspian" not in extract_article(tagline).text


def test_a_skipped_subheading_goes_back_over_its_paragraph_inside_the_story_only():
    from crawler.extraction.recovery import recover_missed_headings

    tree = fromstring(
        "<html><body><h2 class='date-header'>November 01, 2012</h2><div class='post'>"
        f"<p>{SENTENCES[0]}</p><h3>The release plan</h3><p>{SENTENCES[1]}</p>"
        f"<h3><a href='/other'>A teaser headline elsewhere</a></h3><p>{SENTENCES[2]}</p></div></body></html>"
    )
    body = _body(*SENTENCES[:3])
    recovered: list = []
    assert recover_missed_headings(tree, body, chrome_text(tree), recovered) == 1
    assert [block.tag for block in body] == ["p", "head", "p", "p"] and body[1].text == "The release plan"
    # the date header over the story and the linked teaser heading stay out
    assert recovered == [body[1]]


def _list_block(*items: str) -> etree._Element:
    block = etree.Element("list")
    for text in items:
        etree.SubElement(block, "item").text = text
    return block


def test_skipped_subheadings_go_back_over_the_lists_they_head_in_page_order():
    from crawler.extraction.recovery import recover_missed_headings

    drones, shells = ["Range: 2,000 km, one way", "Built at Alabuga"], ["Calibres: 122 mm and 152 mm", "By ship"]
    tree = fromstring(
        f"<html><body><article><p>{SENTENCES[0]}</p>"
        "<h3>Shahed-136 drones</h3><figure><img src='/d.jpg'></figure>"  # a picture between heading and list
        f"<ul>{''.join(f'<li>{item}</li>' for item in drones)}</ul>"
        f"<h3>Artillery shells</h3><ul>{''.join(f'<li>{item}</li>' for item in shells)}</ul>"
        f"<h3>What Russia sent back</h3><p>{SENTENCES[1]}</p></article></body></html>"
    )
    body = _body(SENTENCES[0])
    body.append(_list_block(*drones))
    body.append(_list_block(*shells))
    etree.SubElement(body, "p").text = SENTENCES[1]
    assert recover_missed_headings(tree, body, chrome_text(tree)) == 3
    assert [(block.tag, block.text) for block in body if block.tag in ("head", "p")] == [
        ("p", SENTENCES[0]), ("head", "Shahed-136 drones"), ("head", "Artillery shells"),
        ("head", "What Russia sent back"), ("p", SENTENCES[1]),
    ]
    assert [block.tag for block in body] == ["p", "head", "list", "head", "list", "head", "p"]


def test_a_heading_over_a_list_that_was_not_kept_heads_no_later_paragraph():
    # near-miss: the box's list went; its heading must not land over the story paragraph after it
    from crawler.extraction.recovery import recover_missed_headings

    tree = fromstring(
        f"<html><body><article><p>{SENTENCES[0]}</p><h3>Popular this week</h3>"
        f"<ul><li>One story elsewhere today</li><li>Another story elsewhere</li></ul><p>{SENTENCES[1]}</p>"
        "</article></body></html>"
    )
    body = _body(*SENTENCES[:2])
    assert recover_missed_headings(tree, body, chrome_text(tree)) == 0


_TWEET = "Our friends in Moscow know that Iranian engineering works. 2,000 more units this year is a contract. #Shahed"


def _embedded_tweet(text: str = _TWEET) -> str:
    linked = text.replace("#Shahed", "<a href='https://twitter.com/hashtag/Shahed'>#Shahed</a>")
    return (
        f"<figure class='kg-embed-card'><blockquote class='twitter-tweet'><p lang='en' dir='ltr'>{linked}</p>"
        "&mdash; Ahmad Rezaei (@a_rezaei) <a href='https://twitter.com/a_rezaei/status/1'>March 11, 2025</a>"
        "</blockquote></figure>"
    )


def test_an_embedded_post_the_story_quotes_between_its_paragraphs_comes_back_without_its_signature():
    # trafilatura leaves out the embed's blockquote; the post is what the story is about
    paragraphs = [f"<p>{text}</p>" for text in SENTENCES[:4]]
    tree = _page("".join(paragraphs[:2]) + _embedded_tweet() + "".join(paragraphs[2:]))
    body = _body(*SENTENCES[:4])
    assert recover_missed_paragraphs(tree, body, chrome_text(tree)) == 1
    assert _texts(body) == [*SENTENCES[:2], _TWEET, *SENTENCES[2:4]]


@pytest.mark.parametrize(
    "where",
    ["after the story", "in a sidebar"],
)
def test_an_embedded_post_after_the_story_or_in_a_sidebar_stays_out(where):
    # near-miss: the outlet's latest tweet under the story or in its rail is no quote of the story's
    story = "".join(f"<p>{text}</p>" for text in SENTENCES[:4])
    if where == "after the story":
        tree = _page(story + _embedded_tweet())
    else:
        tree = _page(story, extra=f"<aside class='rail'><h3>Follow us</h3>{_embedded_tweet()}</aside>")
    body = _body(*SENTENCES[:4])
    assert recover_missed_paragraphs(tree, body, chrome_text(tree)) == 0


def _client_rendered(article_body: str, visible: str = "") -> str:
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Su-35 deliveries stall",
                     "articleBody": article_body})
    return (
        f"<html><head><title>Su-35 deliveries stall | Ledger</title><script type='application/ld+json'>{ld}</script>"
        f"</head><body><div id='__next'>{visible}</div><script src='/_next/main.js'></script></body></html>"
    )


@pytest.mark.parametrize("joined", ["\n\n".join(SENTENCES[:3]), "".join(f"<p>{text}</p>" for text in SENTENCES[:3])])
def test_a_client_rendered_pages_declared_body_comes_in_its_paragraphs(joined):
    # trafilatura falls back on the JSON-LD articleBody as one block: it is split where the body is
    article = extract_article(_client_rendered(joined), "https://ledger.example/2026/11/20/su35-stall")
    assert article.text.split("\n") == SENTENCES[:3]


def test_a_declared_body_unlike_the_shown_story_changes_nothing():
    # near-miss: a stale articleBody beside the story the page shows
    shown = "".join(f"<p>{text}</p>" for text in SENTENCES[3:])
    article = extract_article(_client_rendered("\n\n".join(SENTENCES[:3]), shown), "https://ledger.example/a/b-c-d-e")
    assert article.text.split("\n") == SENTENCES[3:]
