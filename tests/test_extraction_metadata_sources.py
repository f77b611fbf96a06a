"""Metadata taken from the right source: publication vs update dates, JSON-LD references, agencies and
outlets beside a byline, names set in capitals, and a declared paywall whose story is served in full."""

from __future__ import annotations

import json

import pytest

from crawler.extraction import extract_article
from crawler.extraction.metadata import clean_author_names

BODY = "".join(
    f"<p>Paragraph {n} says the ferry between Baku and Turkmenbashi carried more lorries this winter than in any "
    f"year before, the port authority said in its report on Tuesday.</p>" for n in range(1, 6)
)
URL = "https://example.org/news/2024/03/ferry"


def _page(head: str = "", above: str = "", body: str = BODY) -> str:
    return f"<html lang='en'><head><title>Ferry traffic grows</title>{head}</head><body><main><article>" \
        f"<h1>Ferry traffic grows</h1>{above}<div class='body'>{body}</div></article></main></body></html>"


def _ld(obj: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# --- published, not updated ------------------------------------------------------------------
@pytest.mark.parametrize(
    "dateline",
    [
        # update first, as several US outlets print it
        '<p class="dates"><span>Updated <time datetime="2024-03-09T08:00:00Z">Mar 9</time></span> '
        '<span>Published <time datetime="2024-03-02T08:00:00Z">Mar 2</time></span></p>',
        # the label in its own element, with a colon
        '<div class="meta"><span class="label">Last modified:</span> <time datetime="2024-03-09T08:00:00Z">9/3</time>'
        ' · <time datetime="2024-03-02T08:00:00Z">2/3</time></div>',
        # the label outside an inline wrapper, in French
        '<p class="dates">Mis à jour le <span><time datetime="2024-03-09T08:00:00Z">9 mars</time></span>, '
        'publié le <time datetime="2024-03-02T08:00:00Z">2 mars</time></p>',
        # marked up as the modification date
        '<p><time itemprop="dateModified" datetime="2024-03-09T08:00:00Z">Mar 9</time> '
        '<time datetime="2024-03-02T08:00:00Z">Mar 2</time></p>',
    ],
)
def test_an_updated_time_does_not_win_over_the_published_one(dateline):
    assert extract_article(_page(above=dateline), URL).published == "2024-03-02T08:00:00+00:00"


def test_a_written_dateline_gives_the_published_date_not_the_updated_one():
    dateline = '<div class="article-date">Updated March 9, 2024 · Published March 2, 2024</div>'
    assert extract_article(_page(above=dateline), URL).published == "2024-03-02"


def test_an_updated_date_is_still_used_when_it_is_the_only_one():
    # near-miss: with no other date, the update's is the best there is (as before)
    dateline = '<p class="dates">Updated <time datetime="2024-03-09T08:00:00Z">Mar 9</time></p>'
    assert extract_article(_page(above=dateline), URL).published == "2024-03-09T08:00:00+00:00"
    written = '<div class="article-date">Last updated 9 March 2024</div>'
    assert extract_article(_page(above=written), URL).published == "2024-03-09"


def test_a_date_marked_both_published_and_updated_is_the_published_one():
    # near-miss: WordPress marks a never-edited post's date "published updated"; a later updated time loses to it
    dateline = '<div class="entry-meta"><time class="entry-date published updated" datetime="2024-03-02T08:00:00Z">' \
        'Mar 2</time></div><div class="sidebar"><time class="updated" datetime="2024-03-09T08:00:00Z">9</time></div>'
    assert extract_article(_page(above=dateline), URL).published == "2024-03-02T08:00:00+00:00"
    later = '<p><time class="updated" datetime="2024-03-09T08:00:00Z">Mar 9</time> ' \
        '<time class="entry-date published" datetime="2024-03-02T08:00:00Z">Mar 2</time></p>'
    assert extract_article(_page(above=later), URL).published == "2024-03-02T08:00:00+00:00"


def test_a_posted_date_after_an_update_label_in_a_sentence_is_kept():
    # the update label opens a segment; "Posted" closes it, so the posted date is read
    dateline = '<div class="entry-date">Story updated with comment from the port · Posted 4 March 2024</div>'
    assert extract_article(_page(above=dateline), URL).published == "2024-03-04"


# --- JSON-LD authors given by @id --------------------------------------------------------------
def test_authors_given_by_id_are_resolved_against_the_graph():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": "https://example.org/news/2024/03/ferry#webpage"},
            {"@type": "NewsArticle", "headline": "Ferry traffic grows", "datePublished": "2024-03-02",
             "author": [{"@id": "https://example.org/#/schema/person/1"}, {"@id": "https://example.org/#/schema/person/2"}]},
            {"@type": "Person", "@id": "https://example.org/#/schema/person/1", "name": "Leyla Huseynova"},
            {"@type": ["Person"], "@id": "https://example.org/#/schema/person/2", "name": "Orkhan Mammadov"},
        ],
    }
    assert extract_article(_page(head=_ld(graph)), URL).authors == ["Leyla Huseynova", "Orkhan Mammadov"]


def test_an_author_id_naming_the_publisher_gives_way_to_the_byline():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "NewsArticle", "headline": "Ferry traffic grows", "author": {"@id": "https://example.org/#org"},
             "publisher": {"@id": "https://example.org/#org"}},
            {"@type": "NewsMediaOrganization", "@id": "https://example.org/#org", "name": "Caspian Courier"},
        ],
    }
    byline = '<div class="byline">By Leyla Huseynova</div>'
    assert extract_article(_page(head=_ld(graph), above=byline), URL).authors == ["Leyla Huseynova"]


# --- agencies and outlets beside a byline ------------------------------------------------------
@pytest.mark.parametrize(
    "byline",
    [
        "By Leyla Huseynova and Orkhan Mammadov | AFP",
        "Leyla Huseynova and Orkhan Mammadov, The Associated Press",
        "By Leyla Huseynova, Orkhan Mammadov · Agence France-Presse",
        "By Leyla Huseynova and Orkhan Mammadov | Caspian Courier",  # the outlet itself
    ],
)
def test_an_agency_or_the_outlet_after_the_names_is_no_author(byline):
    head = '<meta property="og:site_name" content="Caspian Courier">'
    above = f'<div class="article-byline">{byline}</div>'
    assert extract_article(_page(head=head, above=above), URL).authors == ["Leyla Huseynova", "Orkhan Mammadov"]


def test_an_agency_as_the_only_credit_stays():
    head = '<meta property="og:site_name" content="Caspian Courier">'
    above = '<div class="byline">By AFP | Caspian Courier</div>'
    assert extract_article(_page(head=head, above=above), URL).authors == ["AFP"]
    ld = _ld({"@type": "NewsArticle", "headline": "Ferry", "author": {"@type": "Organization", "name": "Reuters"}})
    assert extract_article(_page(head=ld), URL).authors == ["Reuters"]


def test_names_like_an_agency_stay():
    # near-miss: a person whose name holds an agency's word is a person
    assert clean_author_names(["By Ann Press and Tom Bloomberg"]) == ["Ann Press", "Tom Bloomberg"]
    page = _page(above='<div class="byline">By Michael Reuters and Ann Press</div>')
    assert extract_article(page, URL).authors == ["Michael Reuters", "Ann Press"]


def test_a_json_ld_organization_author_gives_way_to_a_byline_naming_people():
    ld = _ld({"@type": "NewsArticle", "headline": "Ferry", "author": [{"@type": "Organization", "name": "Reuters"}]})
    above = '<div class="article-byline">By Leyla Huseynova and Orkhan Mammadov</div>'
    assert extract_article(_page(head=ld, above=above), URL).authors == ["Leyla Huseynova", "Orkhan Mammadov"]


# --- names in capitals -------------------------------------------------------------------------
def test_names_written_in_capitals_are_title_cased():
    ld = _ld({"@type": "NewsArticle", "headline": "Ferry",
              "author": [{"@type": "Person", "name": "ANNA-LENA O'HARA"}, {"@type": "Person", "name": "RUSTAM ALIYEV"}]})
    assert extract_article(_page(head=ld), URL).authors == ["Anna-Lena O'Hara", "Rustam Aliyev"]


def test_names_in_their_own_case_stay_as_written():
    # near-miss: "McKay", "DeSantis" and a one-word credit in capitals are left alone
    assert clean_author_names(["By Ewan McKay and Rosa DeSantis"]) == ["Ewan McKay", "Rosa DeSantis"]
    assert clean_author_names(["By BBC"]) == ["BBC"]
    assert clean_author_names(["By J.R. HOLLIS"]) == ["J.R. Hollis"]


def test_a_headline_opened_by_the_word_for_by_is_no_byline():
    # German "Von" is "By": "Von Teheran lernen" ("Learning from Tehran") names no one
    assert clean_author_names(["Von Teheran lernen"]) == []
    # near-miss: a name's own lower-case particles
    assert clean_author_names(["Von Anna von der Heide"]) == ["Anna von der Heide"]
    assert clean_author_names(["By Maria de la Cruz and Ali bin Hamad"]) == ["Maria de la Cruz", "Ali bin Hamad"]


def test_an_acronym_in_a_name_in_capitals_stays_in_capitals():
    assert clean_author_names(["BBC NEWS"]) == ["BBC News"]
    assert clean_author_names(["By ITV NEWS"]) == ["ITV News"]
    assert clean_author_names(["THE ASSOCIATED PRESS"]) == ["The Associated Press"]
    # near-miss: a short name beside no newsroom's word is a person's, and Cyrillic names have no Latin vowels
    assert clean_author_names(["By TOM LYNN and IVY WU"]) == ["Tom Lynn", "Ivy Wu"]
    assert clean_author_names(["ИВАН ПЕТРОВ"]) == ["Иван Петров"]


# --- a declared paywall whose story is served --------------------------------------------------
_NOT_FREE = _ld({"@type": "NewsArticle", "headline": "Ferry traffic grows", "isAccessibleForFree": "False"})


def test_a_declared_paywall_with_the_whole_story_served_is_not_paywalled():
    lede = "<p>The Caspian ferry line carried a record number of lorries this winter, and the port of Baku says " \
        "it will add two berths before the summer to keep up with the traffic from Central Asia.</p>"
    body = f"{lede}<div class='paywall'>{BODY}</div>"
    article = extract_article(_page(head=_NOT_FREE, body=body), URL)
    assert not article.paywalled and "Paragraph 5" in article.text


@pytest.mark.parametrize(
    "body",
    [
        # a teaser and a pitch
        BODY[: BODY.index("<p>Paragraph 3")] + "<div class='offer'><p>Subscribe to continue reading.</p></div>",
        # the full-length page with an empty wall box (the story stripped for non-subscribers)
        BODY + "<div class='paywall'></div>",
        # a short teaser alone
        BODY[: BODY.index("<p>Paragraph 3")],
    ],
)
def test_a_declared_paywall_that_shows_a_wall_or_a_teaser_stays_paywalled(body):
    assert extract_article(_page(head=_NOT_FREE, body=body), URL).paywalled


# --- a whole body declared paywalled, its teaser inside ------------------------------------------
_WHOLE_BODY_WALLED = _ld(
    {
        "@type": "NewsArticle", "headline": "Ferry traffic grows", "isAccessibleForFree": "False",
        "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": ".body"},
    }
)
_TEASER = (
    "<p>The Caspian ferry line carried a record number of lorries this winter, and the port of Baku says it will "
    "add two berths before the summer to keep up with the traffic from Central Asia.</p>"
)
_OFFER = (
    "<div class='o-barrier'><p>Subscribe to unlock this article</p><p>Then $75 per month. Complete digital access "
    "to quality journalism on any device, cancel anytime during your trial.</p></div>"
)


def test_a_teaser_inside_a_body_declared_paywalled_is_the_text():
    page = _page(head=_WHOLE_BODY_WALLED, body=_TEASER).replace("</article>", f"</article>{_OFFER}")
    article = extract_article(page, URL)
    assert article.paywalled and article.text.startswith("The Caspian ferry line carried")
    assert "Subscribe to unlock" not in article.text


def test_a_declared_part_beside_a_free_lead_is_still_taken_out():
    # near-miss: a free lead outside the declared part; the part (the rest, hidden) goes
    lead = _TEASER.replace("<p>", "<p class='lead'>")
    page = _page(head=_WHOLE_BODY_WALLED, above=lead, body=BODY).replace("</article>", f"</article>{_OFFER}")
    article = extract_article(page, URL)
    assert article.paywalled and "Caspian ferry line" in article.text and "Paragraph 5" not in article.text
