"""The rule tables stay consistent, and the rule mechanisms work on markup no fixture has."""

from __future__ import annotations

import re

import pytest

from crawler.extraction import ExtractOptions, extract_article, rules
from crawler.extraction.metadata import clean_author_names, format_date, parse_date, strip_site_name

TABLES = [name for name in dir(rules) if name.isupper() and isinstance(getattr(rules, name), tuple)]
BODY = "".join(
    f"<p>Paragraph {n} of the story says that Iranian engineers visited the Alabuga plant in Tatarstan "
    f"to help Russia raise production of Geran-2 drones, according to the report.</p>"
    for n in range(1, 7)
)


def _text_with_line(line: str, before: str = BODY, after: str = "") -> str:
    """The text extracted from a story holding `line` as a paragraph between `before` and `after`."""
    return extract_article(f"<html><body><article>{before}<p>{line}</p>{after}</article></body></html>").text


def _is_dropped(line: str) -> bool:
    """Whether `line`, a paragraph of a six-paragraph story, leaves the text (the story staying)."""
    text = _text_with_line(line)
    assert "Paragraph 6 of the story" in text
    return line not in text


@pytest.mark.parametrize("table", TABLES)
def test_every_rule_compiles(table):
    for pattern in getattr(rules, table):
        re.compile(pattern)


def test_every_call_to_action_pattern_has_a_keyword():
    for pattern in rules.CALL_TO_ACTION_PATTERNS:
        assert any(keyword in pattern for keyword in rules.CALL_TO_ACTION_KEYWORDS), pattern


def test_pitch_patterns_are_lower_case():
    # They run case-sensitively over lower-cased page text, for speed.
    for pattern in (*rules.CALL_TO_ACTION_PATTERNS, *rules.CALL_TO_ACTION_KEYWORDS):
        assert re.sub(r"\\[A-Z]", "", pattern) == re.sub(r"\\[A-Z]", "", pattern).lower(), pattern


def test_a_sources_drop_list_removes_its_chrome():
    html = f"<html><body><article>{BODY[:400]}<div class='x1'><p>Our partner Kestrel Bank offers the best rates to every reader of this fine outlet today.</p></div>{BODY[400:]}</article></body></html>"
    assert "Kestrel Bank" in extract_article(html).text
    for selector in ("div.x1", "//div[@class='x1']"):
        assert "Kestrel Bank" not in extract_article(html, options=ExtractOptions(drop_selectors=(selector,))).text


def test_pitch_box_with_meaningless_class_between_paragraphs_is_dropped():
    box = "<div class='q9z'><h4>Never miss a story</h4><p>Sign up for our daily newsletter and get it delivered straight to your inbox.</p></div>"
    html = f"<html><body><article>{BODY[:600]}{box}{BODY[600:]}</article></body></html>"
    text = extract_article(html).text
    assert "newsletter" not in text and "Never miss" not in text
    assert all(f"Paragraph {n} of the story" in text for n in range(1, 7))


@pytest.mark.parametrize(("byline", "names"), [
    ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
    ("By Jane Doe, John Roe and Ann Lee", ["Jane Doe", "John Roe", "Ann Lee"]),
    ("Jane Doe Follow", ["Jane Doe"]),
    ("Email the author", []),
    ("Staff", []),
    ("Al-Monitor Staff • Mar 29", []),
    ("Tom Bell, Defence Correspondent", ["Tom Bell"]),
    ("Автор: Иван Петров", ["Иван Петров"]),
])
def test_byline_names(byline, names):
    assert clean_author_names([byline]) == names


@pytest.mark.parametrize(("value", "iso"), [
    ("2023-03-29T14:05:00-04:00", "2023-03-29T18:05:00+00:00"),
    ("2024-02-12T10:00:00.000Z", "2024-02-12T10:00:00+00:00"),
    ("2023-03-29", "2023-03-29"),
    ("2023-03-29 09:12:00+0300", "2023-03-29T06:12:00+00:00"),
    ("Wed, 29 Mar 2023 09:12:00 GMT", "2023-03-29T09:12:00+00:00"),
    ("March 15, 2023", "2023-03-15"),
    ("15 марта 2023", "2023-03-15"),
])
def test_dates_normalise(value, iso):
    assert format_date(parse_date(value)) == iso


def test_future_date_is_rejected_for_the_next_candidate():
    head = '<meta name="date" content="2099-01-01"><meta property="article:published_time" content="2024-05-01T08:00:00Z">'
    html = f"<html><head>{head}</head><body><article>{BODY}</article></body></html>"
    assert extract_article(html).published == "2024-05-01T08:00:00+00:00"


@pytest.mark.parametrize(("title", "site", "clean"), [
    ("Iran buys jets | Tehran Times", "Tehran Times", "Iran buys jets"),
    ("Tehran Times - Iran buys jets", "Tehran Times", "Iran buys jets"),
    ("Iran - Russia: a deal", None, "Iran - Russia: a deal"),
])
def test_site_name_is_stripped_from_titles(title, site, clean):
    assert strip_site_name(title, site) == clean


@pytest.mark.parametrize(("text", "language"), [
    ("Iran has been facing relentless international pressure over the drones it has been supplying to Russia.", "en"),
    ("You don't have permission to access this page on this server. Reference #18.2f1e.", "en"),
    ("Иран и Россия подписали договор о стратегическом партнерстве.", "ru"),
    ("Іран та Росія підписали договір про стратегічне партнерство.", "uk"),
    ("ایران و روسیه قرارداد همکاری نظامی را امضا کردند که شامل تحویل جنگنده است.", "fa"),
    ("Der Iran hat die Lieferung von Drohnen an Russland nicht bestätigt, sagte ein Sprecher.", "de"),
    ("Hi", None),
])
def test_language_detection(text, language):
    from crawler.extraction.language import detect_language

    assert detect_language(text) == language


def test_patterns_matched_on_lowered_text_are_lower_case():
    # They run case-sensitively over lower-cased page text, for speed.
    for pattern in (
        *rules.CHALLENGE_PATTERNS, *rules.CONSENT_PATTERNS, *rules.BOILERPLATE_BLOCK_PATTERNS,
        *rules.END_OF_ARTICLE_PATTERNS, *rules.MID_STORY_BOX_PATTERNS, *rules.COMMENTS_HEADING_PATTERNS,
    ):
        assert re.sub(r"\\[A-Z]", "", pattern) == re.sub(r"\\[A-Z]", "", pattern).lower(), pattern


def test_a_data_table_stays_a_table_and_a_layout_table_is_unwrapped():
    data = (
        "<table><tr><th>Year</th><th>Drones delivered</th></tr><tr><td>2023</td><td>about 2,400</td></tr>"
        "<tr><td>2024</td><td>about 6,000</td></tr></table>"
    )
    kept = extract_article(f"<html><body><article>{BODY[:600]}{data}{BODY[600:]}</article></body></html>")
    assert "| 2023 | about 2,400 |" in kept.text  # rendered as a table, in the story
    layout = (
        "<html><head><title>Deliveries rise - Ledger</title></head><body><table><tr><td><h1>Ledger</h1>"
        f"<h3>Deliveries rise</h3>{BODY}<h2>Post a comment</h2><p>Be kind to each other here, please.</p>"
        "</td></tr></table></body></html>"
    )
    article = extract_article(layout, options=ExtractOptions(explain=True))
    assert article.title == "Deliveries rise"
    assert article.text.startswith("Deliveries rise\nParagraph 1 of the story") and "|" not in article.text
    assert "Be kind" not in article.text
    rules_by_text = {entry["text"]: entry["rule"] for entry in article.explanation}
    assert rules_by_text["Ledger"] == "above-headline" and rules_by_text["Deliveries rise"] is None


def test_a_site_name_set_as_the_h1_over_the_headline_goes_and_the_headline_leads_the_text():
    page = (
        "<html><head><title>How drone makers split up</title><meta property='og:title' content='How drone makers split up'>"
        "</head><body><div class='post'>"
        f"<h1>Notes on Security</h1><div class='date'>November 9</div><h2>How drone makers split up</h2>{BODY}"
        "</div></body></html>"
    )
    article = extract_article(page, options=ExtractOptions(explain=True))
    assert article.text.startswith("How drone makers split up\nParagraph 1 of the story")
    rules_by_text = {entry["text"]: entry["rule"] for entry in article.explanation}
    assert rules_by_text["Notes on Security"] == "masthead-heading"
    # near-miss: with no block worded as the title, the <h1> is the headline and leads the text
    alone = page.replace("<h2>How drone makers split up</h2>", "").replace("Notes on Security", "Drone makers part ways")
    assert extract_article(alone).text.startswith("Drone makers part ways\n")


def _page_with(ld_type: str, story: str) -> str:
    teasers = "".join(
        f"<li><a href='/2025/03/{n}.html'>Story number {n} about the drone deliveries to Russia</a></li>"
        for n in range(12)
    )
    ld = f'<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "{ld_type}"}}</script>'
    return (
        f"<html><head><meta property='og:type' content='article'>{ld}</head><body><main>{story}"
        f"<ul>{teasers}</ul></main></body></html>"
    )


def test_a_front_page_declared_a_collection_in_json_ld_is_an_index_whatever_its_og_type():
    front = extract_article(_page_with("CollectionPage", "<p>Today's top stories.</p>"))
    assert str(front.kind) == "index" and front.text == ""
    # An article whose only JSON-LD is a list of related stories keeps its og:type.
    story = extract_article(_page_with("ItemList", BODY))
    assert str(story.kind) == "article" and "Paragraph 6 of the story" in story.text


def test_a_comment_section_heading_ends_the_story_before_a_longer_sidebar():
    offers = "".join(
        f"<p>Offer {n}: earn a bonus of cash back after you spend five hundred in your first three months, "
        f"with a zero percent introductory rate on balance transfers for eighteen months.</p>"
        for n in range(1, 10)
    )
    html = (
        f"<html><body><div>{BODY}<p><strong>3 Responses to “Deliveries rise”</strong></p>"
        f"<div><h3>Top cards by category</h3></div>{offers}</div></body></html>"
    )
    text = extract_article(html).text
    assert "Paragraph 6 of the story" in text and "Offer" not in text


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("Home | Video | Trends | U.S. | World | Politics | Justice | Tech | Health", True),
        ("He said the U.S. was wrong. | Then | they | left | it | there as the talks ended.", False),
    ],
)
def test_a_navigation_row_with_abbreviations_is_boilerplate(line, dropped):
    text = _text_with_line(line)
    assert (line not in text) is dropped


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Rosoboronexport, ул. Гоголевский бульвар, д. 21, 119019 Москва, тел. +7 495 534-61-83", True),
        ("تهران، خیابان انقلاب، پلاک ۱۲، تلفن: ۰۲۱۸۸۸۸۸۸۸۸", True),
        ("Caspian Freight Ltd., 12 Harbour Road, Suite 400, Baku. Tel: +994 12 555 0100", True),
        ("The drones were launched from 12 sites along the coast road, and 34 of them were downed.", False),
        ("Contact the press office: press@caspianfreight.example", False),
    ],
)
def test_postal_address_footers_are_told_from_story_lines(text, address):
    from crawler.extraction.cleaning import _postal_kinds

    assert bool(_postal_kinds(text)) is address


def test_a_trailing_sidebar_of_headlines_with_dates_and_blurbs_goes():
    teasers = "".join(
        f"<div class='x{n}'><p><a href='/news/{n}.html'>Customs seize drone engines bound for Russia, case {n}</a> "
        f"June {n}, 2025 Officers found the engines in crates declared as water pumps at the port.</p></div>"
        for n in range(1, 4)
    )
    html = f"<html><body><div>{BODY}<p>Other news:</p>{teasers}</div></body></html>"
    text = extract_article(html).text
    assert "Paragraph 6 of the story" in text and "Customs seize" not in text
    # A last paragraph that opens with a link and goes on as prose is the story's.
    closing = (
        "<p><a href='/report.html'>The full report of the panel of experts</a> runs to 140 pages. "
        + "It lists the ports, the ships and the dates of every crossing the panel could trace, " * 4
        + "and names the firms that paid for them.</p>"
    )
    kept = extract_article(f"<html><body><div>{BODY}{closing}</div></body></html>").text
    assert "The full report of the panel of experts runs to 140 pages." in kept


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("(Reporting by Khaled Oweies in Amman; Editing by Andrew Heavens)", True),
        ("Reporting by Jane Doe; writing by John Roe; editing by Ed Ito", True),
        ("(Additional reporting by Polina Devitt in Moscow)", True),
        ("Reporting by the state news agency suggested that the plant had doubled its output since spring.", False),
    ],
)
def test_a_wire_credit_line_is_no_story(line, dropped):
    assert _is_dropped(line) is dropped


@pytest.mark.parametrize(
    "line",
    [
        "Note: The views and opinions expressed in this article are those of the author and not of the site.",
        "Labels: drones, Iran, Russia, sanctions",
        "skip to main | skip to sidebar",
    ],
)
def test_disclaimers_labels_and_skip_links_are_boilerplate(line):
    text = _text_with_line(line)
    assert line not in text and "Paragraph 6 of the story" in text


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("Если вам важна независимая журналистика, поддержите нас. Каждый рубль идет на новые расследования.", True),
        ("Підписуйтеся на наш Telegram-канал, щоб першими дізнаватися головні новини.", True),
        ("If you value independent reporting on Iran, please support us with a monthly gift.", True),
        ("5 photos · November 28, 2025", True),
        ("4 min read", True),
        ("Просмотров: 1 284", True),
        ("12,345 views", True),
        # near-misses: a story's sentences about support, channels and photos
        ("Russia will support Iran's bid for the S-400, the deputy minister said, if the talks succeed.", False),
        ("Если Россия поддержит Иран, Вашингтон введет новые санкции, предупредил сенатор.", False),
        ("5 photos of the plant were published by the ministry on Monday, showing new hangars.", False),
        ("The video drew 12,345 views in its first hour, the channel said on Tuesday.", False),
    ],
)
def test_pleas_channels_and_count_lines_are_boilerplate_and_story_sentences_are_not(line, dropped):
    assert _is_dropped(line) is dropped


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("You should like Thought Catalog on Facebook here.", True),
        ("Please follow The Drone Desk on Twitter!", True),
        ("Follow on Twitter »", True),
        ("*Follow me @simon_har and subscribe ;)", True),
        ("Login or register to post comments", True),
        ("Please wait...", True),
        ("This feature is temporarily unavailable. Please try again later.", True),
        ("Posted by Becky | View all posts by Becky Leave a comment! | Published in Holidays", True),
        ("Drew Brees and his wife pose with their son Baylen. (@drewbrees/Twitter)", True),
        ("Workers at the Alabuga plant load a drone onto a truck. (AP Photo/Evan Vucci)", True),
        ("The new launcher at the range near Semnan. (Photo courtesy of the ministry)", True),
        ("Submit comments on this post to <editor@example.org>.", True),
        ("This website and all documents on it are licensed under a Creative Commons Attribution 3.0 License.", True),
        ("Connect With Us on Twitter", True),
        ("2 Comments Leave a comment", True),
        ("One Comment Leave a comment", True),
        ("Posted by Phil Windley on November 1, 2012 12:01 AM", True),
        ("Tweet Posted by mickmel at August 9, 2012 8:27 AM", True),
        ("Countdown to Election Day: 105 days", True),
        ("Now check your email account on your mobile phone to download your new app.", True),
        ("You should always seek independent financial advice and thoroughly read terms and conditions relating to"
         " any insurance, tax, legal, or financial issue, service, or product.", True),
        ("Countdown to GOP convention: 34 days Countdown to Election Day: 105 days", True),
        ("Sign Up for PROFIT CONFIDENTIAL and receive a FREE copy of our exclusive report: “A GOLDEN OPPORTUNITY”", True),
        ("Sign Up for PROFIT CONFIDENTIAL and", True),
        ("receive a FREE copy of our exclusive report:", True),
        # near-misses: the story's sentences about following, registering and licensing
        ("The ministry will connect with us on Twitter after the launch, a spokesman said.", False),
        ("Two comments left by the minister on the post were deleted within an hour.", False),
        ("The video was posted by the ministry on November 1, 2012, and shows the Shahed factory.", False),
        ("You should always seek a second opinion, the engineer said of the drone's flight logs.", False),
        ("Soldiers were told not to download the app, which tracked their phones, the ministry said.", False),
        ("The countdown to the launch of the Su-35 deliveries began in March, officials said.", False),
        ("Readers who sign up for the briefing receive a free copy of the ministry's annual report, it said.", False),
        ("Millions follow him on Twitter, where he posts the ministry's drone footage every night.", False),
        ("Buyers must register to post a bid, the auction house said of the Su-35 parts.", False),
        ("The ministry posted the video on its account (@mod_russia) late on Tuesday.", False),
        ("Please wait for the second launch, the officer told reporters at the range near Semnan.", False),
        ("The footage, which the ministry licensed under a Creative Commons license, shows the launch site.", False),
    ],
)
def test_follow_login_license_and_caption_credit_lines_are_boilerplate_and_story_sentences_are_not(line, dropped):
    assert _is_dropped(line) is dropped


def test_an_early_end_heading_ends_the_story_when_only_teasers_follow_it():
    from lxml import etree

    from crawler.extraction.cleaning import PageText, clean_blocks

    headlines = [f"A list of the ports where drone parts were found, part {n}" for n in range(1, 5)]
    blurb = " Customs officers in three countries describe what they found in the crates and who sent them."
    body = etree.Element("body")
    story = [f"Paragraph {n} says the Alabuga plant raised its output of Geran-2 drones again." for n in (1, 2, 3)]
    for text in story:
        etree.SubElement(body, "p").text = text
    etree.SubElement(body, "head").text = "Recently Cataloged"
    teasers = etree.SubElement(body, "list")
    for headline in headlines:  # longer than the story: the heading comes before half the text
        etree.SubElement(teasers, "item").text = headline + blurb
    clean_blocks(body, PageText(links=headlines))
    assert [block.text for block in body] == story


def test_a_table_of_links_after_the_story_is_a_teaser_run():
    from lxml import etree

    from crawler.extraction.cleaning import PageText, clean_blocks

    body = etree.Element("body")
    story = [f"Paragraph {n} says the Alabuga plant raised its output of Geran-2 drones again this month." for n in range(6)]
    for text in story:
        etree.SubElement(body, "p").text = text
    links = [f"Today's tale from the archive, number {n}" for n in range(4)]
    table = etree.SubElement(body, "table")
    for link in links:
        etree.SubElement(etree.SubElement(table, "row"), "cell").text = link
    clean_blocks(body, PageText(links=links))
    assert [block.text for block in body] == story


def _alabuga_story(paragraphs: int) -> list[str]:
    return [
        f"Paragraph {n} says the Alabuga plant raised its output of Geran-2 drones again this month, "
        "according to a report the investigators published on Tuesday in Kyiv." for n in range(paragraphs)
    ]


def _cleaned_paragraphs(blocks: list[str]) -> list[str]:
    """The paragraphs `blocks` left once the block rules have run over them."""
    from lxml import etree

    from crawler.extraction.cleaning import PageText, clean_blocks

    body = etree.Element("body")
    for text in blocks:
        etree.SubElement(body, "p").text = text
    clean_blocks(body, PageText())
    return [block.text for block in body]


def test_a_sidebar_of_dated_blurbs_after_the_story_goes_and_a_dated_last_paragraph_stays():
    story = _alabuga_story(8)
    sidebar = []
    for n in range(1, 4):
        sidebar += [f"updated 10:0{n} AM EST, Wed November 7, 2012", f"Another story's blurb number {n} in a sentence."]
    assert _cleaned_paragraphs(story + ["Part of complete coverage on"] + sidebar) == story
    ending = story + ["The last word of the story, short as it is.", "Updated March 5, 2024"]
    assert _cleaned_paragraphs(ending)[: len(story) + 1] == ending[:-1]


def test_a_sidebar_of_stamped_blurbs_longer_than_a_short_story_goes_but_a_live_blogs_stamped_entries_stay():
    story = _alabuga_story(3)
    sidebar = []
    for n in range(1, 9):
        sidebar += [
            f"updated {n}:15 PM EST, Tue November 6, 2012",
            f"Another story's blurb number {n}, a sentence or two long, that says what the linked report is about.",
        ]
    assert _cleaned_paragraphs(story + ["Part of complete coverage on"] + sidebar) == story
    # a live blog: its entries are stamped too, and one runs longer than a blurb: no more than half the text goes
    entry = "An entry of the live blog that runs on, " + "with more detail on the Shahed strikes overnight, " * 5
    live = story + ["updated 9:05 PM EST, Tue November 6, 2012", entry] + sidebar
    kept = _cleaned_paragraphs(live)
    assert entry in kept and sum(map(len, kept)) >= 0.5 * sum(map(len, live))


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("Read: <a href='/2025/05/what-to-watch.html'>What to look out for in the sanctions list</a>", True),
        ("Photos from Us: <a href='/gallery/1'>The Alabuga plant, then and now</a>", True),
        ("Читайте также: <a href='/news/2025/05/geran.html'>Поставки «Гераней» выросли вдвое</a>", True),
        ("Read the full statement on the ministry's site, where it was posted on Monday morning.", False),
    ],
)
def test_a_label_and_a_link_to_another_page_is_a_promo(line, dropped):
    text = _text_with_line(line, BODY[:500], BODY[500:])
    shown = re.sub(r"<[^>]+>", "", line)
    assert (shown not in text) is dropped and "Paragraph 6 of the story" in text


BOILERPLATE_LINES = [
    "© 2024 Example Media. All rights reserved.",
    "Posted in Defense | Tags: drones, Iran",
    "The views expressed here are the author's own and not those of this outlet.",
    "The president's visit to the plant. Watch video",
    "A Shahed drone over Kyiv. (Photo credit should read SERGEI SUPINSKY/AFP via Getty Images)",
    "Workers at the Alabuga plant. Photograph: Maria Ivanova",
    "A Su-35 at the MAKS air show. Ivan Petrov/Sputnik/AFP",
    "Debris of a drone in Odesa. via Getty Images",
    "Photo: courtesy of the ministry",
    "Advertisement",
    "To receive these entries once a month by e-mail, sign up for the Crypto-Gram Newsletter.",
    # story lines holding the guard literals without matching
    "The photo he took in 2019/2020 shows the plant, as the report says.",
    "All rights reserved, said the lawyer, are not all rights the treaty grants to Iran today in full.",
    "He would watch video feeds from the drones every night before the strikes began in earnest.",
    "Readers who sign up for the newsletter get the list a day early, the editor said, and most of them do.",
]


@pytest.mark.parametrize("line", BOILERPLATE_LINES)
def test_the_boilerplate_matcher_agrees_with_one_alternation_of_the_table(line):
    from crawler.extraction.cleaning import guarded_matcher, lowercase_matcher

    table = rules.BOILERPLATE_BLOCK_PATTERNS
    lowered = line.lower()
    found = guarded_matcher(table, anchored=True).find(lowered)
    assert bool(found) == bool(lowercase_matcher(table, anchored=True).match(lowered))


@pytest.mark.parametrize(
    "text",
    ["just a moment...", "checking your browser before accessing", "ray id: 1234", "request blocked", "plain news text"],
)
def test_the_challenge_matcher_finds_what_one_alternation_finds(text):
    from crawler.extraction.cleaning import guarded_matcher, lowercase_matcher

    text = f"welcome. {text} - protected by recaptcha and a captcha form: access denied"
    found = guarded_matcher(rules.CHALLENGE_PATTERNS).find(text)
    expected = lowercase_matcher(rules.CHALLENGE_PATTERNS).search(text)
    assert (found.start(), found.group(0)) == (expected.start(), expected.group(0))


def test_patterns_opening_with_a_phrase_anywhere_are_guarded_by_a_literal_they_need():
    from crawler.extraction.cleaning import guarded_matcher

    guards = {pattern: literal for pattern, literal, _ in guarded_matcher(rules.BOILERPLATE_BLOCK_PATTERNS, anchored=True)._guarded}
    assert guards[r".{0,300}\bvia getty images\.?$"] == "via getty images"
    disclaimer = next(pattern for pattern in guards if r"(?:opinions|views)\b" in pattern)
    assert guards[disclaimer] == "expressed"
    assert all(pattern.startswith(".{0,") for pattern in guards)
    assert sum(pattern.startswith(".{0,") for pattern in rules.BOILERPLATE_BLOCK_PATTERNS) == len(guards)


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        # links split the phrase across text nodes, so no pitch box is found: the block rule decides
        ("To receive these entries once a month by e-mail, sign up for the <a href='/n'>Crypto-Gram Newsletter</a>.", True),
        ("Get the week's drone trade news: <a href='/n'>subscribe to our free newsletter</a>!", True),
        ("To read the notices he had to <a href='/n'>sign up</a> for the newsletter, and then it stopped coming.", False),
        ("About the Author: Derek Ray is the marketing lead at Kestrel Themes and writes about sales.", True),
        ("If you enjoyed this article, enter your email below to get free updates!", True),
        ("About the author of the leaked report, officials said little, except that he had worked at the plant.", False),
        ("If you enjoyed this article's tone, the minister said, you have not read the sanctions list it quotes.", False),
        ("Do you think the sanctions will hold? Tell us on Facebook!", True),
        ("Welcome to our new commenting system. Please keep comments civil and relevant to the post.", True),
        ("The ministry told us on Twitter that the plant had closed, and it repeated the claim on Monday.", False),
        ("Moderators asked users to keep comments civil, the court heard, but the threats against the judge went on.", False),
    ],
)
def test_end_matter_lines_are_boilerplate_and_story_sentences_like_them_stay(line, dropped):
    # newsletter sign-ups, author bios, sign-off pitches, calls to social accounts, comment policies
    text = _text_with_line(line, BODY, BODY[:400])
    assert (re.sub(r"<[^>]+>", "", line) not in text) is dropped and "Paragraph 6 of the story" in text


def test_a_paragraph_wrapping_the_whole_page_is_split_so_the_rules_see_its_parts():
    from lxml import etree

    from crawler.extraction.cleaning import PageText, clean_blocks, unwrap_layout_tables

    # trafilatura's fallback on a page with no article node: one <p> holding the skip links, the
    # blog's masthead headings, the post and its footer, the post's text loose between them.
    wrapper = etree.fromstring(
        "<body><p>\n\n  skip to main |\n  skip to sidebar\n<head rend='h1'>Field Notes</head>"
        "<head rend='h3'>The drone plant at Alabuga</head>\n\t\tThe plant in Tatarstan now assembles most of "
        "the Geran-2 drones itself, according to three people who have worked there this year.<lb/>"
        "<p>Labels: drones, Tatarstan</p>\n\n</p></body>"
    )
    assert unwrap_layout_tables(wrapper) == 1
    texts = [block.xpath("string()") for block in wrapper]
    assert texts[0].startswith("skip to main") and texts[-1] == "Labels: drones, Tatarstan"
    assert any(text.startswith("The plant in Tatarstan") and text == text.strip() for text in texts)
    clean_blocks(wrapper, PageText())
    kept = " ".join(block.xpath("string()") for block in wrapper)
    assert "The plant in Tatarstan" in kept and "skip to" not in kept and "Labels:" not in kept


def test_a_paragraph_with_inline_code_is_no_wrapper():
    from lxml import etree

    from crawler.extraction.cleaning import unwrap_layout_tables

    body = etree.fromstring("<body><p>Run <code>newswatch crawl</code> every hour from cron.</p></body>")
    assert unwrap_layout_tables(body) == 0 and len(body) == 1


def test_boilerplate_after_an_early_end_heading_is_no_story_prose_that_keeps_the_story_going():
    from lxml import etree

    from crawler.extraction.cleaning import PageText, clean_blocks

    body = etree.Element("body")
    story = "The new batch of Shahed drones reached the front in October, two officials said on Monday."
    etree.SubElement(body, "p").text = story
    etree.SubElement(body, "p").text = "Related posts:"
    etree.SubElement(body, "p").text = "Where the drones are made"
    # longer than the story, so the heading comes before half the text; a post's footer, not prose
    etree.SubElement(body, "p").text = (
        "This entry was posted in Drones and tagged Shahed, Geran-2, Alabuga, Iran, Russia, supply chains. "
        "Bookmark the permalink."
    )
    clean_blocks(body, PageText())
    assert [block.text for block in body] == [story]


_WIDGET_STORY = [
    f"Paragraph {n} says the Alabuga plant in Tatarstan raised its output of Geran-2 drones again this month, "
    "according to satellite pictures and two people who work there." for n in range(1, 6)
]


def _wordpress_post(after_story: str, story_end: str = "") -> str:
    story = "".join(f"<p>{text}</p>" for text in _WIDGET_STORY) + story_end
    return (
        "<html><head><title>Alabuga doubles output – Drone Desk</title></head><body><div id='content'>"
        f"<div class='post'><h1>Alabuga doubles output</h1><div class='entry'>{story}</div></div>{after_story}"
        "</div><div id='footer'>&copy; Drone Desk</div></body></html>"
    )


def test_popular_posts_with_counts_and_a_recent_comments_widget_after_the_story_go():
    # WordPress widgets as trafilatura hands them back, their headings gone: "Title (506)", then
    # "Name: linked excerpt" and "Name on Linked post"
    from lxml import etree

    from crawler.extraction.cleaning import PageText, clean_blocks

    body = etree.Element("body")
    for text in _WIDGET_STORY:
        etree.SubElement(body, "p").text = text
    titles = ["Free drone icons for your blog", "Ten maps of the Caspian ports", "Why the Su-35 deal stalled again"]
    popular = etree.SubElement(body, "list")
    for title, count in zip(titles, (506, 383, 341), strict=True):
        etree.SubElement(popular, "item").text = f"{title} ({count})"
    excerpts = ["Great piece, thanks for the", "Any source for the second", titles[1]]
    recent = etree.SubElement(body, "list")
    for item in ("Dana Khalil: " + excerpts[0], "M. Rahimi: " + excerpts[1], "shareef on " + excerpts[2]):
        etree.SubElement(recent, "item").text = item
    clean_blocks(body, PageText(links=titles + excerpts))
    assert [block.text for block in body] == _WIDGET_STORY


def test_a_closing_list_of_named_statements_without_links_stays():
    # near-miss: "Name: words" items that are the story's, with no link in them
    statements = (
        "<ul><li>Tehran: the plant belongs to a private company.</li><li>Moscow: no comment on the pictures.</li>"
        "<li>Kyiv: the drones keep coming every night.</li></ul>"
    )
    page = _wordpress_post("", story_end=statements)
    text = extract_article(page, "https://dronedesk.example/alabuga-doubles-output").text
    assert "Moscow: no comment on the pictures." in text


def test_a_list_of_labelled_links_inside_the_story_stays():
    # near-miss: the same "Name: linked text" items, with the story going on after them
    from lxml import etree

    from crawler.extraction.cleaning import PageText, clean_blocks

    body = etree.Element("body")
    for text in _WIDGET_STORY[:3]:
        etree.SubElement(body, "p").text = text
    links = ["the ministry's statement of Monday", "the satellite operator's pictures", "the plant's tender notice"]
    sources = etree.SubElement(body, "list")
    for label, link in zip(("Tehran", "Planet Labs", "Alabuga"), links, strict=True):
        etree.SubElement(sources, "item").text = f"{label}: {link}"
    for text in _WIDGET_STORY[3:]:
        etree.SubElement(body, "p").text = text
    clean_blocks(body, PageText(links=links))
    assert len(body) == 6 and body[3] is sources


@pytest.mark.parametrize(
    ("row", "dropped"),
    [
        ("<a href='/print/1'>نسخه چاپی</a> | <a href='/send/1'>ارسال به دوستان</a>", True),
        ("<a href='/share'>Share</a> · <a href='/tweet'>Tweet</a> · <a href='/mail'>Email</a>", True),
        ("<a href='/ru'>Русский</a> | <a href='/en'>English</a> | <a href='/fa'>فارسی</a>", True),
        # near-misses: a line with words of its own between the links, a line with one link
        ("<a href='/a'>IRNA</a> | as the agency put it, <a href='/b'>the visit went well</a>", False),
        ("<a href='/news'>News</a> | Tehran, 2 December", False),
    ],
)
def test_a_line_of_links_and_separators_only_is_the_pages_tools(row, dropped):
    from lxml import etree
    from lxml.html import fromstring

    from crawler.extraction.cleaning import block_text, chrome_text, clean_blocks

    story = [f"Paragraph {n} says the Alabuga plant raised its output of Geran-2 drones again this month." for n in range(4)]
    tree = fromstring(f"<html><body>{''.join(f'<p>{text}</p>' for text in story)}<div>{row}</div></body></html>")
    body = etree.Element("body")
    for text in story[:2]:
        etree.SubElement(body, "p").text = text
    line = etree.SubElement(body, "p")
    line.text = block_text(fromstring(f"<div>{row}</div>"))
    for text in story[2:]:
        etree.SubElement(body, "p").text = text
    clean_blocks(body, chrome_text(tree))
    assert (line.getparent() is None) is dropped


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("Les opinions exprimées dans cette tribune n'engagent que leur auteur et ne reflètent pas la position de la rédaction.", True),
        ("Cette tribune n’engage que son auteur.", True),
        ("Gastbeiträge geben nicht unbedingt die Meinung der Redaktion wieder.", True),
        ("Las opiniones expresadas en este artículo no reflejan necesariamente la línea editorial del medio.", True),
        ("Мнение автора может не совпадать с позицией редакции.", True),
        ("Думка автора може не збігатися з позицією редакції.", True),
        ("Yazının içeriğinden yazarı sorumludur.", True),
        ("Bu içerik yatırım tavsiyesi değildir.", True),
        ("This article is not investment advice. Do your own research before trading.", True),
        ("Материал не является индивидуальной инвестиционной рекомендацией.", True),
        ("مطالب منتشر شده در این بخش لزوماً بیانگر دیدگاه سردبیری نیست.", True),
        ("الآراء الواردة في هذا المقال لا تعبر بالضرورة عن رأي الموقع.", True),
        ("无人机在写字楼楼顶降落。记者 陈晓明 摄", True),
        ("Get the Air Power newsletter", True),
        # near-misses: story sentences about opinions, advice, photographers and newsletters
        ("Les opinions exprimées par le ministre lors de la conférence ont surpris les diplomates russes présents.", False),
        ("Мнение автора доклада, по словам источника, не совпадает с выводами разведки.", False),
        ("The regulator said the bank's note was not investment advice but a forecast, and fined it anyway.", False),
        ("记者 陈晓明 在现场看到，无人机在写字楼楼顶降落后被警方带走。", False),
        ("Analysts get the newsletter's figures from the customs service, which publishes them monthly.", False),
    ],
)
def test_disclaimers_credits_and_newsletter_boxes_in_many_languages_are_boilerplate(line, dropped):
    assert _is_dropped(line) is dropped


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("12 December 2025, 10:45", True),
        ("Обновлено 03.12.2025 в 14:30", True),
        ("تاریخ انتشار: ۱۲ آذر ۱۴۰۵ - ۱۰:۴۵ | کد خبر: ۴۸۲۱۹", True),
        ("سه‌شنبه ۱۲ آذر ۱۴۰۵ ساعت ۱۰:۴۵", True),
        ("۱۲ آذر ۱۴۰۵ - ۱۰:۴۵", True),
        # near-misses: a story's sentences holding a date and a time
        ("The first Su-35 landed at Hamadan on 12 December 2025, 10:45 local time, officials said on Monday.", False),
        ("به گزارش خبرگزاری، نخستین جنگنده روز ۱۲ آذر ۱۴۰۵ ساعت ۱۰:۴۵ در پایگاه همدان فرود آمد.", False),
    ],
)
def test_a_date_and_time_line_standing_alone_is_the_pages_and_a_sentence_holding_one_is_the_storys(line, dropped):
    assert _is_dropped(line) is dropped


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("15 января 2025 09:41 |  | Просмотров: 11 204 | Комментарии: 38", True),
        ("March 3, 2025 · 4 min read · 12 comments", True),
        ("03.03.2025 14:20 · 1,204 views · 12 comments", True),
        ("Yorum: 5 | Görüntülenme: 1.204", True),
        ("Tweet 334 comments | Add comment | 0 recs |", True),
        # opened by the row's source or writer
        ("الوطن أخبار - وكالات | نشر في: 28/11/2025 - 14:32 | قراءات: 1842", True),
        ("By Dana Khalil | March 3, 2025 | 5 min read", True),
        ("The plant made 2,700 drones | Просмотров: 5 | 12:30", False),
        # near-misses: a row with words of its own, a sentence with a separator
        ("15 января 2025 09:41 | Москва | Комментарии: 38", False),
        ("The plant made 2,700 drones | the report says the number will double by 2026.", False),
        ("Leave a comment | the ministry asked readers to report drone sightings near the plant.", False),
    ],
)
def test_a_row_of_the_pages_facts_only_is_no_story(line, dropped):
    assert _is_dropped(line) is dropped


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("Topics: uber, libertarians, Sydney, Editor's Picks, sharing economy", True),
        ("Темы: Иран, Россия, беспилотники, санкции", True),
        ("برچسب‌ها: ایران، روسیه، پهپاد", True),
        ("Themen: Iran, Russland, Drohnen", True),
        # near-miss: a story's sentence opening with the word
        ("Topics on the agenda, officials said, include drones, jets, air defence and the rail corridor.", False),
    ],
)
def test_a_topics_line_is_no_story_wherever_it_stands(line, dropped):
    assert _is_dropped(line) is dropped


@pytest.mark.parametrize(("line", "dropped"), [("1 / 3", True), ("2 of 12", True), ("1 из 5", True),
                                               ("Only 1 / 3 of the drones reached their targets, the ministry said.", False)])
def test_a_slide_counter_standing_alone_beside_a_story_is_no_story(line, dropped):
    assert _is_dropped(line) is dropped


@pytest.mark.parametrize("inside", ["<div class='paywall'>{}</div>", "<div class='story'>{}</div>"])
def test_a_list_written_without_spaces_between_its_items_is_found_in_the_chrome_it_sits_in(inside):
    # "<li>Unlimited articles</li><li>Weekly briefing</li>" reads "Unlimited articlesWeekly briefing" as the
    # box's text: the list's items are compared without spaces, so the offer's list goes with its box;
    # the same list in the story stays (the near-miss)
    from lxml import etree
    from lxml.html import fromstring

    from crawler.extraction.cleaning import chrome_text, clean_blocks

    items = ["Unlimited articles on any device", "Weekly intelligence briefing", "Full archive since 1998"]
    story = [f"Paragraph {n} says the Alabuga plant raised its output of Geran-2 drones again this month." for n in range(4)]
    listing = "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
    tree = fromstring(f"<html><body>{''.join(f'<p>{t}</p>' for t in story)}{inside.format(listing)}</body></html>")
    body = etree.Element("body")
    for text in story:
        etree.SubElement(body, "p").text = text
    block = etree.SubElement(body, "list")
    for item in items:
        etree.SubElement(block, "item").text = item
    clean_blocks(body, chrome_text(tree))
    assert (block.getparent() is None) is ("paywall" in inside)


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("TAHRAN (AA)", True),
        ("MOSCOW (AP) —", True),
        ("Show transcript", True),
        ("Video Ad Feedback", True),
        ("Шановні читачі, просимо вас дотримуватися правил коментування", True),
        ("Anadolu Ajansı web sitesinde sunulan haberler özetlenerek yayımlanmaktadır. Abonelik için lütfen iletişime geçiniz.", True),
        ("See more on: Iran, Russia, Vladimir V. Putin", True),
        ("17.09.2025 - Güncelleme : 17.09.2025", True),
        # near-misses: a dateline opening the story's paragraph, a sentence about transcripts and comment rules
        ("MOSCOW (AP) — Russia launched an Iranian satellite on Tuesday, the space agency said in a statement.", False),
        ("The court asked for the transcript of the call, which the ministry has refused to show.", False),
        ("Шановні читачі пишуть нам про обстріли щодня, і ми публікуємо їхні свідчення з дозволу авторів.", False),
        ("Moscow - Tehran talks resumed on Monday, officials in both capitals said.", False),
    ],
)
def test_datelines_player_labels_comment_pleas_and_dated_rows_standing_alone_are_no_story(line, dropped):
    assert _is_dropped(line) is dropped


@pytest.mark.parametrize(
    ("line", "dropped"),
    [
        ("۱۸ مرداد ۱۴۰۴ - ۱۱:۳۲ کد خبر: ۳۳۷۲۸۱۵", True),
        ("رادیو فردا را در تلگرام دنبال کنید: radiofarda_official", True),
        ("«Медуза» внесена в реестр «иностранных агентов» и признана «нежелательной организацией».", True),
        ("ДАННОЕ СООБЩЕНИЕ (МАТЕРИАЛ) СОЗДАНО И (ИЛИ) РАСПРОСТРАНЕНО ИНОСТРАННЫМ СРЕДСТВОМ МАССОВОЙ ИНФОРМАЦИИ", True),
        # near-misses: stories about a channel and about the register
        ("Издание было внесено в реестр иностранных агентов в апреле 2021 года, напомнил Минюст в своем заявлении.", False),
        ("کاربران این کانال را در تلگرام دنبال می‌کنند و شمار آنها به یک میلیون رسیده است، به گفته مدیر آن.", False),
    ],
)
def test_persian_date_rows_follow_lines_and_russian_foreign_agent_notices_are_boilerplate(line, dropped):
    assert _is_dropped(line) is dropped
