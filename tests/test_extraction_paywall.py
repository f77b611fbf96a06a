"""Paywall judgement on a page declaring its body paywalled (schema.org hasPart): an offer box a
reader cannot see, or a cookie dialog, is no wall and no free part; a wall in sight is one."""

from __future__ import annotations

from pathlib import Path

from crawler.extraction import extract_article

PAGE = (Path(__file__).parent / "fixtures" / "pages" / "paywall_declared_served_hidden_upsell.html").read_text()
URL = "https://www.financialreview.example/content/2025/11/29/how-iran-sanctions-evasion-funds-russian-war-machine"
LAST = "Iran had earned more than $4bn from military sales to Russia"


def test_a_hidden_upsell_box_shows_no_wall_and_the_served_body_stays():
    article = extract_article(PAGE, URL)
    assert not article.paywalled and LAST in article.text


def test_an_upsell_box_in_sight_is_a_wall():
    shown = PAGE.replace('<div class="barrier-upsell" style="display:none">', '<div class="barrier-upsell">')
    assert shown != PAGE
    assert extract_article(shown, URL).paywalled


def test_a_cookie_dialog_is_no_free_part_beside_a_declared_wall():
    # with the wall in sight and the whole body declared paywalled, the body is the teaser the page
    # shows: kept, as the cookie dialog's paragraph is no free part that would stand in its place
    shown = PAGE.replace('<div class="barrier-upsell" style="display:none">', '<div class="barrier-upsell">')
    article = extract_article(shown, URL)
    assert article.is_article and "Ocean Jewel" in article.text and "We use cookies" not in article.text


_WALLED = (
    "<html><head><title>Inside the secret deal | The Ledger</title>"
    "<meta name='description' content='Documents seen by The Ledger reveal how a network of front companies "
    "arranged the transfer.'><script type='application/ld+json'>{{\"@type\": \"NewsArticle\", \"headline\": "
    "\"Inside the secret deal\", \"isAccessibleForFree\": false}}</script></head><body><article>"
    "<h1>Inside the secret deal</h1><p class='standfirst'>Documents seen by The Ledger reveal how a network of "
    "front companies arranged the transfer.</p><p class='byline'>By Helen Marsh in London · December 1 2026</p>"
    "{free}<div class='paywall'><h3>Subscribe to unlock this article</h3><p>Try unlimited access for $1.</p></div>"
    "</article></body></html>"
)


def test_a_walled_page_showing_only_its_deck_and_byline_has_no_story():
    article = extract_article(_WALLED.format(free=""), "https://ledger.example/world/2026/12/01/secret-deal")
    assert article.kind == "empty" and "subscription wall" in article.reason and article.text == ""


def test_a_walled_page_showing_its_first_paragraphs_is_a_paywalled_article():
    # near-miss: the free lead the page shows is the story's start
    free = (
        "<p>A network of front companies in Dubai and Istanbul arranged the shipment of Iranian missiles to a "
        "Russian port on the Caspian Sea last spring, according to documents seen by The Ledger.</p>"
    )
    article = extract_article(_WALLED.format(free=free), "https://ledger.example/world/2026/12/01/secret-deal")
    assert article.is_article and article.paywalled and "front companies in Dubai" in article.text


_FREE_LEAD = (
    "<p>A network of front companies in Dubai and Istanbul arranged the shipment of Iranian missiles to a "
    "Russian port on the Caspian Sea last spring, according to documents seen by The Ledger.</p>"
)
_DECK = "Documents seen by The Ledger reveal how a network of front companies arranged the transfer."


def test_a_paywalled_pages_deck_is_its_description_and_no_part_of_the_free_text():
    article = extract_article(_WALLED.format(free=_FREE_LEAD), "https://ledger.example/world/2026/12/01/secret-deal")
    assert article.paywalled and article.description == _DECK
    assert _DECK not in article.text and "front companies in Dubai" in article.text


def test_a_free_pages_deck_stays_in_the_text():
    # near-miss: the same page with no wall keeps its deck, as the devset's hand-marked bodies do
    free = _WALLED.replace('"isAccessibleForFree": false', '"isAccessibleForFree": true').replace(
        "<div class='paywall'><h3>Subscribe to unlock this article</h3><p>Try unlimited access for $1.</p></div>", ""
    )
    article = extract_article(free.format(free=_FREE_LEAD), "https://ledger.example/world/2026/12/01/secret-deal")
    assert not article.paywalled and _DECK in article.text
