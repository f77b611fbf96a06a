"""Blocker pages are decided on what is left once the banners are set aside, not on a banner phrase."""

from __future__ import annotations

import pytest

from benchmarks.blocker_robustness import BANNERS, with_banner
from crawler.extraction import ExtractOptions, PageKind, extract_article
from crawler.extraction.pagekind import blocking_kind, prose_beside_banners
from tests.conftest import page_expectations

STORY = (
    "<html><head><title>Grain barges return to the Volga-Caspian canal</title></head><body><article>"
    "<h1>Grain barges return to the Volga-Caspian canal</h1>"
    "<p>Barges loaded with wheat began moving again through the Volga-Caspian canal on Monday after a "
    "month in which low water had kept the larger vessels at their moorings near Astrakhan.</p>"
    "<p>Shipping agents said about sixty barges were waiting to pass and that the backlog should clear "
    "within two weeks if the river level holds.</p></article></body></html>"
)


@pytest.mark.parametrize("banner", list(BANNERS), ids=list(BANNERS))
def test_a_short_article_with_a_banner_is_an_article(banner):
    article = extract_article(with_banner(STORY, BANNERS[banner]))
    assert article.kind is PageKind.ARTICLE, article.reason
    assert "Barges loaded with wheat" in article.text


@pytest.mark.parametrize("banner", ["cookie bar", "consent dialog"])
def test_the_banner_is_set_aside_from_the_prose(banner):
    from trafilatura.utils import load_html

    plain = prose_beside_banners(load_html(STORY))
    assert prose_beside_banners(load_html(with_banner(STORY, BANNERS[banner]))) == plain > 0


def test_recaptcha_is_no_challenge_but_captcha_is():
    from trafilatura.utils import load_html

    note = "<p>This site is protected by reCAPTCHA and the Google Privacy Policy apply.</p>"
    assert blocking_kind(load_html(f"<html><body>{note}</body></html>"), None) is None
    page = "<html><body><div class='box'><h1>One more step</h1><p>Please complete the CAPTCHA below.</p></div></body></html>"
    assert blocking_kind(load_html(page), None)[0] is PageKind.CHALLENGE


def test_a_block_page_titled_as_a_challenge_stays_one_despite_its_explanation():
    explanation = (
        "<p>This website is using a security service to protect itself from online attacks. The action you "
        "just performed triggered the security solution. There are several actions that could trigger this "
        "block including submitting a certain word or phrase, a SQL command or malformed data.</p>"
        "<p>You can email the site owner to let them know you were blocked. Please include what you were "
        "doing when this page came up and the identifier found at the bottom of this page.</p>"
    )
    page = f"<html><head><title>Attention Required! | Cloudflare</title></head><body><div id='w'><h1>Sorry, you have been blocked</h1>{explanation}</div></body></html>"
    assert extract_article(page).kind is PageKind.CHALLENGE


@pytest.mark.parametrize(
    "html", [html for html, expect in page_expectations() if expect["kind"] in ("challenge", "consent")],
    ids=lambda p: p.stem,
)
def test_real_blocker_fixtures_stay_blockers_with_a_cookie_bar(html):
    expected = dict(page_expectations())[html]["kind"]
    page = with_banner(html.read_bytes().decode("utf-8", "replace"), BANNERS["cookie bar"])
    assert str(extract_article(page).kind) == expected


_CAPTCHA_BRIEF = (
    "<html><head><title>Ticket bots swamp concert sale</title></head><body><article>"
    "<h1>Ticket bots swamp concert sale</h1>"
    "<p>Fans trying to buy tickets on Monday were asked to complete a captcha three times, and many said the "
    "puzzle kept telling them to verify you are human even after they had solved it.</p>"
    "<p>The promoter said bots had sent more than a million requests in the first minute, and that it would "
    "refund anyone charged twice while the checks were failing.</p></article></body></html>"
)


def test_a_brief_about_captchas_under_its_headline_is_an_article():
    # its paragraphs name the challenge phrases, in sentences, in no banner box
    article = extract_article(_CAPTCHA_BRIEF)
    assert article.kind is PageKind.ARTICLE, article.reason
    assert "more than a million requests" in article.text


def test_a_challenge_line_under_a_headline_is_still_a_challenge():
    # near-miss: a challenge's own short lines, under an <h1>, in no box
    page = (
        "<html><head><title>Checking your browser</title></head><body><h1>One more step</h1>"
        "<p>Please verify you are human to continue.</p><p>Ray ID: 7d2f9a</p></body></html>"
    )
    assert extract_article(page).kind is PageKind.CHALLENGE


_COURT_BRIEF = (
    "<html><head><title>Former mayoral aide sentenced to 18 months</title><meta property='og:type' "
    "content='article'></head><body>"
    "<header><nav><a href='/'>Home</a> <a href='/courts'>Courts</a></nav></header><div class='col-main'>"
    "<div class='story-header'><span class='kicker'>Courts</span><h1>Former mayoral aide sentenced to 18 months</h1>"
    "<div class='meta'><span class='author'>Staff reporter</span> | <a href='#comments'>12 comments</a></div></div>"
    "<div class='story-body' id='story'>"
    "<p>A former aide to the mayor was sentenced on Friday to 18 months in prison for taking bribes.</p>"
    "<p>Jonathan Ruiz, 44, pleaded guilty in October.</p><p>His lawyer said he would appeal.</p>"
    "<p class='editors-note'><em>Update: This story has been updated with the lawyer's comments.</em></p></div>"
    "<div class='tags'><span>Topics:</span><a href='/tag/courts'>Courts</a></div></div>"
    "<footer><a href='/about'>About us</a> <a href='/privacy'>Privacy Policy</a> <a href='/cookies'>Cookie settings</a>"
    "<p>&copy; 2024 City Courier. All rights reserved.</p></footer></body></html>"
)


@pytest.mark.parametrize("banner", list(BANNERS), ids=list(BANNERS))
def test_a_brief_of_short_paragraphs_under_a_banner_is_an_article_with_all_of_them(banner):
    # a brief's paragraphs are short sentences: under its headline, outside the furniture, they are
    # story; on a page declaring an article, 40 words of them are enough
    article = extract_article(with_banner(_COURT_BRIEF, BANNERS[banner]))
    assert article.kind is PageKind.ARTICLE, article.reason
    for sentence in ("for taking bribes.", "pleaded guilty in October.", "he would appeal.", "lawyer's comments."):
        assert sentence in article.text


def test_a_consent_wall_of_short_sentences_stays_one():
    # near-miss: a wall's own short sentences beside its dialog do not make a story
    page = (
        "<html><head><title>Before you continue</title></head><body><h1>Before you continue to City Courier</h1>"
        "<div class='consent-dialog' role='dialog'><p>We use cookies and data to deliver our services.</p>"
        "<button>Accept all</button><button>Reject all</button><a href='/cookie-policy'>Cookie policy</a></div>"
        "<p>You can change your choices at any time.</p><p>Some features need these cookies to work.</p>"
        "</body></html>"
    )
    assert extract_article(page).kind is PageKind.CONSENT


def test_a_brief_under_a_banner_and_under_the_headline_its_title_names_is_a_story():
    # undeclared, but the <h1> is the headline the <title> names: the page is the story's
    undeclared = _COURT_BRIEF.replace("<meta property='og:type' content='article'>", "")
    assert extract_article(with_banner(undeclared, BANNERS["cookie bar"])).is_article


def test_a_brief_under_a_banner_on_a_page_declaring_no_article_and_titled_otherwise_needs_more_story():
    # near-miss: the same 40 words, undeclared, under a title that names no headline (the site's
    # name), could be a wall's own lines
    undeclared = _COURT_BRIEF.replace("<meta property='og:type' content='article'>", "").replace(
        "<title>Former mayoral aide sentenced to 18 months</title>", "<title>City Courier</title>"
    )
    assert extract_article(with_banner(undeclared, BANNERS["cookie bar"])).kind is PageKind.CONSENT


_ODESA = (
    "<html lang='en'><head><title>Drone strike hits Odesa port | Black Sea Monitor</title></head><body>"
    "<header><a href='/'>Black Sea Monitor</a></header><main><h1>{headline}</h1><p>{text}</p></main>"
    "<footer>© Black Sea Monitor</footer></body></html>"
)
_ODESA_STORY = (
    "Russian Geran-2 drones struck grain silos in the port of Odesa overnight, the regional governor said on "
    "Tuesday. Two workers were injured and a fire was put out by morning."
)


@pytest.mark.parametrize("banner", ["cookie bar", "consent dialog"])
def test_a_one_paragraph_brief_on_an_untyped_page_under_a_banner_is_a_story(banner):
    page = with_banner(_ODESA.format(headline="Drone strike hits Odesa port", text=_ODESA_STORY), BANNERS[banner])
    article = extract_article(page)
    assert article.is_article and article.text == f"Drone strike hits Odesa port\n{_ODESA_STORY}"


def test_a_wall_headed_as_a_wall_is_a_wall_whatever_its_title():
    # near-miss: the <h1> is a consent dialog's heading, and the lines under it are the dialog's
    wall = _ODESA.format(
        headline="We value your privacy",
        text="We and our partners store and access information on your device, such as cookies, to "
        "personalise ads and content. Accept all or manage your preferences to continue.",
    ).replace("Drone strike hits Odesa port | ", "We value your privacy | ")
    assert extract_article(with_banner(wall, BANNERS["cookie bar"])).kind is PageKind.CONSENT


@pytest.mark.parametrize("page", [
    "<html><head><title>Just a moment...</title></head><body><p>Checking your browser before accessing.</p></body></html>",
    "<html><head><title>Page not found</title></head><body><h1>Sorry</h1><p>No such page.</p></body></html>",
])
def test_a_page_that_is_no_article_asked_for_markdown_has_an_empty_one_whatever_stopped_it(page):
    # a blocker returns before extraction, an error page after it: both say "markdown": "" alike
    article = extract_article(page, options=ExtractOptions(markdown=True))
    assert not article.is_article and article.text == "" and article.to_dict()["markdown"] == ""
