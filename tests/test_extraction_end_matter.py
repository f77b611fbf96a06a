"""Inline promo lines, wire credits and think-tank end matter leave the text; story sentences shaped like them stay.

Each test pairs the chrome kind with a story sentence that looks like it (the near-miss), so it fails
both when the chrome leaks and when the rule grows to take story with it.
"""

from __future__ import annotations

import pytest

from crawler.extraction import extract_article

PARAS = [
    f"Paragraph {n} of the story says that Iranian engineers visited the Alabuga plant in Tatarstan "
    f"to help Russia raise production of Geran-2 drones, according to the report."
    for n in range(1, 7)
]


def _text(middle: str = "", end: str = "") -> str:
    """The text of a six-paragraph story with `middle` after paragraph 3 and `end` after the last."""
    body = "".join(f"<p>{p}</p>" for p in PARAS[:3]) + middle + "".join(f"<p>{p}</p>" for p in PARAS[3:]) + end
    html = f"<html><body><article><h1>Iran receives Su-35 jets</h1>{body}</article></body></html>"
    text = extract_article(html, "https://example.org/news/su35").text
    assert all(p in text for p in PARAS), text
    return text


def _leaked(line: str, text: str) -> bool:
    """Whether `line` (its tags taken out) is a line of `text`, or opens one when it is long."""
    key = line.replace("<a href='/map'>", "").replace("</a>", "").strip("()— ")
    return any(
        kept.strip("()— ") == key or (len(key) > 25 and kept.startswith(key[:25])) for kept in text.split("\n")
    )


TEASER = "Iran unveils a new drone carrier ship in the Gulf"


@pytest.mark.parametrize("promo", [
    f"<strong>ALSO READ |</strong> <a href='/a'>{TEASER}</a>",
    f"<strong>Related Story:</strong> <a href='/a'>{TEASER}</a>",
    f"[<a href='/a'>Related: {TEASER}</a>]",
    f"<b>Watch:</b> <a href='/a'>{TEASER}</a>",
    f"Must Read: <a href='/a'>{TEASER}</a>",
    f"Recommended: <a href='/a'>{TEASER}</a>",
    f"Check out: <a href='/a'>{TEASER}</a>",
    f"In Other News: <a href='/a'>{TEASER}</a>",
    f"Further reading: <a href='/a'>{TEASER}</a>",
    f"Related — <a href='/a'>{TEASER}</a>",
    f"→ <a href='/a'>{TEASER}</a>",
    f"<a href='/a'>{TEASER}</a>",
])
def test_inline_promo_line_of_any_label_is_dropped(promo):
    # near-misses: a sentence opening with a label word, and a sentence that is one link with a full stop
    story = (
        "<p>Watch the skies, officials told residents of Kyiv as <a href='/b'>the drones approached</a> overnight.</p>"
        "<p>Iran said on Monday that <a href='/c'>it had received the first jets</a>.</p>"
    )
    text = _text(f"<p>{promo}</p>", story)
    assert "drone carrier" not in text
    assert "Watch the skies" in text and "received the first jets" in text


def test_lone_link_paragraph_is_a_teaser_only_between_story_paragraphs():
    # a post's title made of a link, above the story, is no teaser; the same kind of line mid-story is
    html = (
        "<html><body><article><p><a href='/p/1'>Iran and Russia sign a new deal on drone engines</a></p>"
        + "".join(f"<p>{p}</p>" for p in PARAS[:3]) + f"<p><a href='/a'>{TEASER}</a></p>"
        + "".join(f"<p>{p}</p>" for p in PARAS[3:]) + "</article></body></html>"
    )
    text = extract_article(html, "https://example.org/news/su35").text
    assert "new deal on drone engines" in text and TEASER not in text


@pytest.mark.parametrize("credit", [
    "___",
    "Additional reporting by Maziar Motamedi in Tehran.",
    "Litvinova reported from Tallinn. Associated Press writer Illia Novikov in Kyiv, Ukraine, contributed to this report.",
    "Follow AP’s coverage of Iran at https://apnews.com/hub/iran.",
    "Our Standards: The Thomson Reuters Trust Principles., opens new tab",
    "(With inputs from Reuters)",
    "— With files from Reuters and AFP",
    "Edited by Jane Doe and John Roe",
    "Contact the author: thomas@example.com",
    "Got a tip? Contact us securely via Signal at +1 202 555 0100.",
])
def test_wire_credit_lines_after_the_story_are_dropped(credit):
    near_misses = [
        "Edited by hand, the photos released by the ministry showed a bomber over the Caspian Sea.",
        "With files from the ministry in hand, investigators found the cache of drone parts near Kazan.",
    ]
    text = _text(end=f"<p>{credit}</p>" + "".join(f"<p>{line}</p>" for line in near_misses))
    assert not _leaked(credit, text)
    assert all(line in text for line in near_misses)


@pytest.mark.parametrize("line", [
    "Click <a href='/map'>here</a> to see ISW’s interactive map of the Russian invasion of Ukraine.",
    "Nicole Grajewski is a fellow at the Carnegie Endowment and a nonresident fellow with the Project on Nuclear Issues.",
    "Jane Roe is the director of the Missile Defense Project at the Center for Strategic Studies.",
    "This report is made possible by general support to CSIS. No direct sponsorship contributed to this report.",
    "Have an idea for a Commentary you’d like to write for us? Send a short pitch to editors@example.org.",
    "[1] https://gur.gov.ua/content/alabuga-2700.html",
    "[3] https://example.org/a.html; https://www.example.com/b",
    "Download the PDF",
    "Pinned post",
])
def test_think_tank_end_matter_is_dropped(line):
    near_misses = [
        "Smith, a fellow at the institute, said the engines were made in Iran.",
        "John Smith is a senior fellow at the institute who said the engines were Iranian.",
        "Pinned posts on the ministry's channel showed the launch sites.",
        "See https://example.org/report for the ministry's full statement.",
        # an interview's intro of its guest
        "Hanna Notte is the director of the Eurasia Nonproliferation Program at the Martin Center. She spoke to "
        "us about military cooperation between Moscow and Tehran.",
    ]
    text = _text(end=f"<p>{line}</p>" + "".join(f"<p>{near}</p>" for near in near_misses))
    assert not _leaked(line, text)
    assert all(near in text for near in near_misses)


@pytest.mark.parametrize("line", [
    "Carnegie does not take institutional positions on public policy issues; the views here are the author's.",
    "Translated by Carnegie Politika from the Russian original.",
    "Story by Lilia Yapparova",
    "Translation by Sam Breazeale",
    "[ Edited By: Press TV Online ]",
    "When citing and using any materials on the Internet, links to the website not lower than the first paragraph are required.",
    "При цитировании и использовании материалов ссылка на сайт обязательна.",
    "Listen to this article 03:41",
    "skip past newsletter promotion",
    "Privacy Notice: Newsletters may contain info about charities, online ads, and content funded by outside parties.",
    "Bloomberg AI summaries are generated automatically and reviewed by editors.",
    "#Россия #БПЛА #Иран",
    "View in Telegram",
    "This week: Iran's air defence after the October strikes | View this email in your browser",
    "You are receiving this email because you opted in via our website.",
    "You can update your preferences or unsubscribe from this list.",
])
def test_outlet_furniture_among_the_story_is_dropped(line):
    near_misses = [
        "Translated from Farsi, the note said the engines had been shipped through Astrakhan in May.",
        "The story by the state broadcaster said the drones were made in Iran, officials confirmed.",
        "Listen to the recordings, the prosecutor told the jury, and you will hear who gave the order.",
        "When citing the ministry's figures, the report noted that deliveries had slowed since the spring.",
    ]
    text = _text(middle=f"<p>{line}</p>", end="".join(f"<p>{near}</p>" for near in near_misses))
    assert not _leaked(line, text)
    assert all(near in text for near in near_misses)


def test_a_machine_summary_over_the_story_goes_with_its_bullets():
    box = (
        "<div class='gist-box'><h3>Takeaways by Bloomberg AI</h3><ul><li>Oil rose as traders assessed the risk "
        "to Iranian supply.</li><li>Biden said strikes on oil facilities were being discussed.</li></ul></div>"
    )
    html = f"<html><body><article><h1>Oil surges</h1>{box}" + "".join(f"<p>{p}</p>" for p in PARAS) + "</article></body></html>"
    text = extract_article(html, "https://example.org/news/oil").text
    assert "Takeaways" not in text and "traders assessed" not in text and all(p in text for p in PARAS)


def test_a_tables_source_line_stays_and_a_photo_credit_goes():
    table = (
        "<table><tr><th>Year</th><th>Entities designated</th></tr><tr><td>2023</td><td>412</td></tr>"
        "<tr><td>2024</td><td>527</td></tr></table><p>Source: US Treasury, Council of the EU.</p>"
    )
    text = _text(middle=table, end="<p>Source: Reuters</p>")
    assert "Source: US Treasury, Council of the EU." in text and "Source: Reuters" not in text


_ABOUT = (
    "<h3>About Aerosentry</h3><p>Aerosentry OÜ was founded in 2019 in Tallinn, Estonia, and develops sensing software "
    "for air defence. The company employs 85 people in Estonia, Poland and Ukraine.</p>"
)
_FORWARD = (
    "<h3>Forward-Looking Statements</h3><p>This press release may contain forward-looking statements. Actual results "
    "may differ materially from those projected.</p>"
)


@pytest.mark.parametrize("end", [_ABOUT, _FORWARD, _ABOUT + _FORWARD, _FORWARD + _ABOUT])
def test_a_press_releases_about_the_issuer_and_forward_looking_sections_are_dropped(end):
    text = _text(end=end)
    assert "founded in 2019" not in text and "forward-looking" not in text.lower()


@pytest.mark.parametrize(
    ("heading", "paragraph"),
    [
        ("About the deal", "The deal, signed in Tehran in January, covers forty aircraft and their engines over six years."),
        ("About Rheinmetall", "Analysts say the German group could supply the shells faster than any rival in Europe."),
    ],
)
def test_a_late_about_subheading_over_the_storys_prose_stays(heading, paragraph):
    # near-misses: "About" over the story's own prose, naming no issuer the paragraph opens with
    text = _text(end=f"<h3>{heading}</h3><p>{paragraph}</p>")
    assert paragraph in text
