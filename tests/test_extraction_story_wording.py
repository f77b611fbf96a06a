"""Story text worded like chrome: a story about cookies, paywalls or newsletters, a subheading that
reads like a box's heading. The story stays; the chrome beside it still goes."""

from __future__ import annotations

import pytest

from crawler.extraction import extract_article
from crawler.extraction.extractor import ExtractOptions

URL = "https://www.example-news.com/business/2026/03/04/cookie-fine"
STORY = [
    "The data protection authority fined four of the country's largest news sites on Tuesday for cookie banners "
    "that, it said, pushed readers into accepting advertising trackers they did not want.",
    "\u201cWe use cookies to improve your experience\u201d was the sentence that opened the banner, and the regulator "
    "found that it told readers nothing about the 140 advertising firms that received their data.",
    "Under the ruling, the sites must show a button to refuse tracking that is as large and as easy to find as the "
    "button that accepts it, and they have three months to comply.",
    "The publishers said they would appeal, arguing that advertising pays for most of the journalism they give "
    "away for free and that the authority had misread the law.",
]


def _page(body: str, after: str = "") -> str:
    return (
        "<html lang='en'><head><title>Regulator fines news sites over cookie banners</title></head><body>"
        "<header><nav><a href='/'>Home</a> <a href='/business'>Business</a></nav></header><main><article>"
        f"<h1>Regulator fines news sites over cookie banners</h1><div class='entry-content'>{body}</div></article>"
        f"{after}</main><footer><p>About us</p></footer></body></html>"
    )


def _paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


def test_a_story_paragraph_quoting_a_cookie_banner_is_no_pitch_box():
    article = extract_article(_page(_paragraphs(STORY)), URL)
    assert all(text[:60] in article.text for text in STORY)


def test_a_pitch_line_among_the_story_paragraphs_still_goes():
    # near-miss: a short line addressing the reader is the pitch itself
    pitch = "Sign up for our newsletter and get the day's news delivered to your inbox."
    article = extract_article(_page(_paragraphs(STORY[:2]) + f"<p>{pitch}</p>" + _paragraphs(STORY[2:])), URL)
    assert "delivered to your inbox" not in article.text
    assert all(text[:60] in article.text for text in STORY)


@pytest.mark.parametrize(
    "quoting",
    [
        "Dessen Website zeigte ein Banner mit dem Text: „Jetzt Newsletter abonnieren und 10 Prozent sparen.“",
        "Посты заканчиваются одинаково: «Подписывайтесь на наш канал, ставьте лайки».",
        'Some added a card number and the words "Subscribe now to keep reading the truth."',
    ],
    ids=["de", "ru", "en"],
)
def test_a_short_story_paragraph_quoting_a_pitch_is_no_pitch_box(quoting: str):
    # a brief's paragraphs are short; the pitch stands in quotation marks among the story's own words
    short = [
        "The court ruled on Tuesday against the retailer.",
        "Its lawyers said they would appeal the ruling.",
        "The retailer must pay a fine of two million roubles.",
        "It has thirty days to remove the posts from its channel.",
    ]
    article = extract_article(_page(_paragraphs(short[:1] + [quoting] + short[1:])), URL)
    assert quoting[:30] in article.text


def test_an_op_eds_author_note_goes_with_its_box():
    note = (
        "<p class='author-note'><em>Elena Varga is a former EU trade official and a senior fellow at the Centre "
        "for European Security Studies in Brussels.</em></p>"
    )
    article = extract_article(_page(_paragraphs(STORY) + note), URL)
    assert "Elena Varga" not in article.text and STORY[-1][:60] in article.text


_RELATED = (
    "<aside class='related'><h3>More stories</h3><ul><li><a href='/a'>Ferry traffic grows on the Caspian</a></li>"
    "<li><a href='/b'>Airline adds flights to Baku</a></li></ul></aside>"
)


def test_a_late_subheading_worded_like_a_box_heading_keeps_the_story_after_it():
    more = [
        "The ministry said a second package of measures would follow in the spring, aimed at the firms that insure "
        "the ships carrying drone parts across the Caspian Sea to Russian ports.",
        "Shipping companies have already begun to reroute cargo through the Volga, according to two brokers in "
        "Astrakhan who asked not to be named because they were not allowed to speak to the press.",
    ]
    body = _paragraphs(STORY) + "<h2>More bad news</h2>" + _paragraphs(more)
    explained = extract_article(_page(body, _RELATED), URL, options=ExtractOptions(explain=True)).explanation
    kept = [entry["text"] for entry in explained if entry["kept"]]
    assert kept[-1] == more[-1] and "More bad news" in kept
    assert not any("Ferry traffic" in text for text in kept)


def test_the_same_heading_over_other_stories_still_ends_the_article():
    # near-miss: the heading over teasers (each opening with its link) is the box's
    teasers = "".join(
        f"<p><a href='/s{n}'>Story number {n} about the Caspian ferry line and its cargo</a> A blurb of that "
        f"other story, two lines long, about ships and ports and the trade in drone parts.</p>"
        for n in range(3)
    )
    article = extract_article(_page(_paragraphs(STORY) + "<h2>More news</h2>" + teasers), URL)
    assert article.text.endswith(STORY[-1])


def test_a_story_quoting_a_paywall_notice_in_a_sentence_is_not_paywalled():
    quoting = (
        "« La suite est réservée aux abonnés » : la formule, affichée au milieu des articles, est devenue familière "
        "aux lecteurs, mais elle reste mal acceptée par une partie du public, selon une étude de l'institut Ifop."
    )
    article = extract_article(_page(_paragraphs(STORY[:2]) + f"<p>{quoting}</p>" + _paragraphs(STORY[2:])), URL)
    assert not article.paywalled and "selon une étude" in article.text
    # near-miss: the notice as a line of its own says the story goes on behind the wall
    notice = "<p>Il vous reste 70 % de cet article à lire. La suite est réservée aux abonnés.</p>"
    assert extract_article(_page(_paragraphs(STORY[:2]) + notice), URL).paywalled


_ZH = [
    "伊朗外交部发言人周二表示，德黑兰与莫斯科就苏-35战斗机交付问题的谈判已进入最后阶段，双方将在下月签署相关文件。",
    "分析人士指出，俄罗斯在乌克兰战场上的需求放慢了交付进度，伊朗今年可能只会收到少量飞机，其余将在未来几年内陆续交付。",
    "以色列国防部长周一称，以方正密切关注相关转让，并将采取行动维护其空中优势，但没有透露具体措施的细节。",
    "欧盟官员表示，布鲁塞尔正在考虑对参与无人机零部件运输的航运公司实施新的制裁，相关方案预计将在春季前公布。",
]


def test_words_are_counted_alike_in_every_script():
    # the block rules' word thresholds: a Chinese paragraph has no spaces but many words; Korean is spaced
    from crawler.extraction.article import count_words

    assert count_words(_ZH[0]) > 40 and count_words("Su-35 战斗机 deal") == 5 and count_words("a b  c") == 3
    assert count_words("이란 외교부 대변인은 화요일 밝혔다") == 5


def test_a_story_sentence_reporting_speech_is_no_boilerplate():
    reported = [
        "The views expressed in the reports do not reflect reality, the interior ministry said in a statement on "
        "Tuesday, adding that the journalists named in them had broken the law.",
        "This research was funded by the US National Institutes of Health, a point the authors stressed when they "
        "presented the results to reporters in Geneva on Monday.",
    ]
    article = extract_article(_page(_paragraphs(STORY[:2] + reported + STORY[2:])), URL)
    assert all(text[:60] in article.text for text in reported)
    # near-miss: the same kinds of line, unreported, are the page's boilerplate
    disclaimer = "The views expressed in this article are those of the author and do not reflect the newspaper's."
    assert disclaimer not in extract_article(_page(_paragraphs(STORY) + f"<p>{disclaimer}</p>"), URL).text


@pytest.mark.parametrize(
    "reported",
    [
        "To keep receiving the free alerts about the strikes, the second text message demands, readers must now "
        "sign up for the channel's paid newsletter.",
        "The views expressed in the leaflet do not reflect the government's position, the foreign ministry "
        "confirmed on Wednesday, and it asked the printers to withdraw it.",
        "«Подписывайтесь на наш канал и ставьте лайки», написал в среду вербовщик завода, обещая студентам "
        "высокую зарплату и общежитие рядом с цехом.",
    ],
    ids=["demands", "confirmed", "ru"],
)
def test_a_story_sentence_reporting_speech_with_other_verbs_is_no_boilerplate(reported: str):
    article = extract_article(_page(_paragraphs(STORY[:2] + [reported] + STORY[2:])), URL)
    assert reported[:60] in article.text


def test_a_timeline_closing_the_story_is_no_run_of_dated_teasers():
    timeline = [
        ("July 2022", "US officials say Iran is preparing to send hundreds of drones to Russia for use in Ukraine."),
        ("September 2022", "Shahed-136 drones are first shot down over Ukraine, near the city of Kupiansk."),
        ("January 2023", "Iran and Russia agree to build a drone factory in Tatarstan, officials say."),
        ("March 2023", "Tehran says it has finalised a deal to buy Su-35 fighter jets from Moscow."),
    ]
    body = _paragraphs(STORY) + "<p>Below are the key moments of the partnership since 2022.</p>"
    body += "".join(f"<h3>{when}</h3><p>{what}</p>" for when, what in timeline)
    text = extract_article(_page(body), URL).text
    assert all(what in text for _, what in timeline) and "March 2023" in text
    # near-miss: teasers stamped with the time they were posted, after the story, still go
    teasers = "".join(f"<p>Updated 10:0{n} AM, March 5, 2026</p><p>{what}</p>" for n, (_, what) in enumerate(timeline))
    assert extract_article(_page(_paragraphs(STORY) + teasers), URL).text.endswith(STORY[-1])


def test_a_story_sentence_naming_an_address_is_no_postal_footer():
    sentence = (
        "The new headquarters, at 1200 Harbor Boulevard, Suite 400, in Weehawken, NJ 07086, is a former shipping "
        "office that the drone maker bought last year."
    )
    footer = "Example News Ltd, 12 Fleet Street, London EC4Y 1AA. Tel: +44 20 7946 0000. news@example.co.uk"
    text = extract_article(_page(_paragraphs(STORY + [sentence, footer])), URL).text
    assert sentence in text and "Fleet Street" not in text  # near-miss: the footer's address still goes


def test_a_headline_running_on_past_the_declared_title_is_the_headline():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Regulator fines news sites"}</script>'
    running_on = "<h2>Regulator fines news sites over cookie banners, live updates</h2>"  # trafilatura keeps it
    page = _page(running_on + _paragraphs(STORY)).replace("<title>", ld + "<title>")
    article = extract_article(page, URL)
    headline = "Regulator fines news sites over cookie banners, live updates"
    assert article.title == "Regulator fines news sites" and article.text.startswith(f"{headline}\n{STORY[0]}")
    # near-miss: a heading that merely opens with a short title is a subheading
    subheading = "<h2>Cookie fines and what they mean for readers</h2>"
    short_title = ld.replace("Regulator fines news sites", "Cookie fines")
    page = _page(_paragraphs(STORY[:1]) + subheading + _paragraphs(STORY[1:])).replace("<title>", short_title + "<title>")
    assert "Cookie fines and what they mean for readers" in extract_article(page, URL).text


def test_an_arabic_story_sentence_with_the_verb_follows_is_no_follow_us_line():
    # "More than a million people follow the ministry's account on Twitter": يتابع holds تابع ("follow us")
    sentence = "يتابع أكثر من مليون شخص حساب الوزارة على تويتر، وفق أرقام المنصة."
    follow_us = "تابعونا على تويتر"
    text = extract_article(_page(_paragraphs(STORY + [sentence, follow_us])), URL).text
    assert sentence in text and follow_us not in text


_WRAPPED = [
    "The shift has made it harder for the public to see who is paying for what, because streaming services are not "
    "covered by the public files that broadcasters must keep.",
    "Campaign finance groups have asked the election commission to extend disclosure rules to streaming, but the "
    "commission has been deadlocked on the issue for two years.",
]


def test_story_paragraphs_in_a_wrapper_named_like_chrome_between_the_story_paragraphs_stay():
    wrapper = f"<div class='story-ads-analysis'>{_paragraphs(_WRAPPED)}</div>"
    article = extract_article(_page(_paragraphs(STORY[:2]) + wrapper + _paragraphs(STORY[2:])), URL)
    assert all(text[:60] in article.text for text in _WRAPPED + STORY)


def test_a_box_of_linked_teasers_between_the_story_paragraphs_still_goes():
    # near-miss: the same place, but the wrapper's paragraphs are links to other stories
    teasers = "".join(f"<p><a href='/s{n}'>{text}</a></p>" for n, text in enumerate(_WRAPPED))
    box = f"<div class='related-stories'>{teasers}</div>"
    article = extract_article(_page(_paragraphs(STORY[:2]) + box + _paragraphs(STORY[2:])), URL)
    assert not any(text[:60] in article.text for text in _WRAPPED)
