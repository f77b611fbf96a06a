"""Metadata defects of real pages, as kinds: entities, masthead titles, placeholder dates, UI words as authors."""

from __future__ import annotations

import pytest

from crawler.extraction import extract_article
from crawler.extraction.metadata import clean_author_names, strip_site_name, unescape

BODY = "".join(
    f"<p>Paragraph {n} says the ferry between Baku and Turkmenbashi carried more lorries this winter than in any "
    f"year before, the port authority said in its report.</p>" for n in range(1, 5)
)


@pytest.mark.parametrize(
    "word",
    ["Share", "Reply", "Name", "Tweet", "Posted by", "About the Author", "Comments", "Share This", "Leave A Comment", "Email Us"],
)
def test_ui_words_are_not_authors(word):
    assert clean_author_names([word]) == []


def test_written_by_prefix_is_dropped():
    assert clean_author_names(["Written by Nina Aliyeva"]) == ["Nina Aliyeva"]
    assert clean_author_names(["Interview by Jack Mills"]) == ["Jack Mills"]
    assert clean_author_names(["Story by Lilia Yapparova"]) == ["Lilia Yapparova"]


def test_a_photographers_credit_beside_the_byline_is_no_author():
    assert clean_author_names(["By Eric Yang | Photo by NWS"]) == ["Eric Yang"]
    assert clean_author_names(["Photographs by Maryam Sadeghi, text by Omid Rahimi"]) == ["Omid Rahimi"]


@pytest.mark.parametrize("placeholder", ["0001-01-01T00:00:00Z", "0001-01-01", "1066-10-14"])
def test_placeholder_and_far_past_dates_are_rejected(placeholder):
    head = f'<meta property="article:published_time" content="{placeholder}"><meta name="date" content="2024-01-09">'
    html = f"<html><head>{head}</head><body><article>{BODY}</article></body></html>"
    assert extract_article(html).published == "2024-01-09"


def test_entities_escaped_twice_are_decoded():
    assert unescape("Iran&amp;#8217;s &amp;amp; Russia&#x27;s") == "Iran’s & Russia's"


def test_suffix_naming_the_domain_is_stripped():
    assert strip_site_name("Iran buys jets - Tehran Times", "tehrantimes.com") == "Iran buys jets"


def test_more_bylines_than_a_story_has_come_from_elsewhere():
    related = "".join(f"<li><span class='byline'>By Writer{c} Person{c}</span></li>" for c in "ABCDEF")
    html = (f"<html><body><article><div class='byline'>By Nina Aliyeva</div>{BODY}</article>"
            f"<ul class='x'>{related}</ul></body></html>")
    assert extract_article(html).authors == ["Nina Aliyeva"]
    no_own = f"<html><body><article>{BODY}</article><div class='byline'>{', '.join(f'Writer{c} Person{c}' for c in 'ABCDEF')}</div></body></html>"
    assert extract_article(no_own).authors == []


def test_a_masthead_h1_is_not_the_title():
    html = ("<html><head><title>Caspian ports reopen after storm | Baku Wire</title></head><body>"
            "<header><h1><a href='/'>Baku Wire</a></h1></header>"
            f"<article>{BODY}</article></body></html>")
    assert extract_article(html).title == "Caspian ports reopen after storm"


_TABLE_STORY = "<tr><td class='body'>" + BODY + "</td></tr>"


@pytest.mark.parametrize(
    ("title", "headline"),
    [
        ("خبرگزاری نمونه - تحویل جنگنده‌های سوخو ۳۵ به تعویق افتاد", "تحویل جنگنده‌های سوخو ۳۵ به تعویق افتاد"),
        ("Caspian ferry fares rise for the third time | Каспийский вестник", "Caspian ferry fares rise for the third time"),
    ],
)
def test_a_site_name_we_cannot_spell_goes_when_the_page_shows_the_headline_alone(title, headline):
    # no <h1>, no og:site_name, a site name unlike the domain: the part shown as a cell's text is the headline
    html = (f"<html><head><title>{title}</title></head><body><table><tr><td><img src='/logo.gif'></td></tr>"
            f"<tr><td class='titr'><b>{headline}</b></td></tr>{_TABLE_STORY}</table></body></html>")
    assert extract_article(html, "https://www.namoone.example/news/48219").title == headline


def test_a_section_title_keeps_its_site_name_when_only_the_logo_shows_it():
    # near-miss: "News - The Caspian Herald" on a section page; the site's name is shown only as its link home
    html = ("<html><head><title>News - The Caspian Herald</title></head><body><header>"
            "<a href='https://www.kaspi.example/'>The Caspian Herald</a></header>"
            f"<main><div class='card'>{BODY}</div></main></body></html>")
    assert extract_article(html, "https://www.kaspi.example/news").title == "News - The Caspian Herald"


@pytest.mark.parametrize(("start", "end"), [("<![CDATA[", "]]>"), ("//<![CDATA[", "//]]>"), ("<!--", "-->")])
def test_json_ld_wrapped_in_cdata_or_a_comment_is_read(start, end):
    ld = '{"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2024-12-06T22:00:40Z"}'
    head = f'<script type="application/ld+json">\n{start}\n{ld}\n{end}\n</script><meta property="article:published_time" content="2024-12-07T12:43:39Z">'
    html = f"<html><head>{head}</head><body><article>{BODY}</article></body></html>"
    assert extract_article(html).published == "2024-12-06T22:00:40+00:00"


def test_a_blog_name_h1_before_a_colon_in_the_title_is_not_the_title():
    html = ("<html><head><title>Caspian Notes: How ferry fares are set</title></head><body>"
            "<div id='top'><h1>Caspian Notes</h1></div><div class='post'><h2>March 3, 2024</h2>"
            f"<h3>How ferry fares are set</h3>{BODY}</div></body></html>")
    assert extract_article(html).title == "How ferry fares are set"
    # An <h1> that is the whole headline stays, colon and all.
    html = ("<html><head><title>Analysis: ferry fares rise again</title></head><body>"
            f"<h1>Analysis: ferry fares rise again</h1><h3>Analysis</h3>{BODY}</body></html>")
    assert extract_article(html).title == "Analysis: ferry fares rise again"


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("Posted on <a href='/2024/03/03'>March 3, 2024</a> by <a href='/u/dr'>Dana Roe</a>", ["Dana Roe"]),
        ("Posted by Phil Windley on November 1, 2012 12:01 AM", ["Phil Windley"]),
        ("Posted 3 hours ago by Share This", []),
        ("Posted in News by Leave A Comment", []),
        ("Posted by admin on March 3, 2024", []),
    ],
)
def test_a_posted_by_line_names_the_writer_and_never_a_ui_word(line, authors):
    html = f"<html><body><article><h1>Ferry fares</h1><div class='entry-meta'>{line}</div>{BODY}</article></body></html>"
    assert extract_article(html).authors == authors


def test_posted_by_lines_of_comments_name_no_author():
    comments = "".join(
        f"<div class='c'><p>Posted by {name} on March 4, 2024</p><p>I agree with this.</p></div>"
        for name in ("Ali Karimov", "Sara Lind")
    )
    html = f"<html><body><article><h1>Ferry fares</h1>{BODY}</article><div id='talk'>{comments}</div></body></html>"
    assert extract_article(html).authors == []


def test_a_weekday_beside_the_bylines_date_is_no_author():
    page = (
        "<html lang='uk'><head><title>Удар по Харкову</title></head><body><article><h1>Удар по Харкову</h1>"
        "<div class='post__author'><span class='post__author-name'>Олег Павлюк</span> — <span class='post__time'>"
        "Четвер, 3 жовтня 2024, 16:48</span></div><p>Російські війська вночі атакували Харків керованими авіабомбами, "
        "повідомив голова обласної військової адміністрації, додавши, що поранено щонайменше шість людей.</p>"
        "</article></body></html>"
    )
    assert extract_article(page, "https://www.pravda.com.ua/news/2024/10/3/7477000/").authors == ["Олег Павлюк"]
