"""Published dates from the URL path, from CJK, Korean, dotted, slash, Hindi and Urdu datelines, and
from a live blog's opening; reporters' role words after their names."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from lxml import html

from crawler.extraction import extract_article
from crawler.extraction.metadata import clean_author_names, date_in_url, extract_metadata, parse_date_in_text

NOW = datetime(2024, 12, 1, 12, 0, tzinfo=UTC)
BODY = "".join(
    f"<p>Paragraph {n} says the council voted to keep the tram depot open for another decade, after a "
    f"long debate on the cost of new trams and on the works the line needs.</p>" for n in range(1, 5)
)


def _page(inside: str = "", head: str = "", lang: str = "en") -> str:
    return f"<html lang='{lang}'><head><title>Tram depot stays</title>{head}</head><body><article>" \
        f"<h1>Tram depot stays</h1>{inside}{BODY}</article></body></html>"


def _published(page: str, url: str | None = None) -> str | None:
    return extract_metadata(html.fromstring(page), url, NOW).published


def _ld(obj: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# --- M1: a date only in the URL path ----------------------------------------------------------
@pytest.mark.parametrize(("url", "day"), [
    ("https://example.org/news/2024/06/21/council-vote", "2024-06-21"),
    ("https://example.org/2024/6/2/council-vote/", "2024-06-02"),
    ("https://example.org/news/2024-04-03-council-vote", "2024-04-03"),
    ("https://example.org/local/20240312/c_1130089.htm", "2024-03-12"),
])
def test_a_date_in_the_url_path_is_the_last_resort(url, day):
    assert _published(_page(), url) == day


def test_the_canonical_url_dates_a_page_fetched_at_an_undated_address():
    head = '<link rel="canonical" href="https://example.org/2024/05/16/council-vote/">'
    assert _published(_page(head=head), "https://example.org/?p=123") == "2024-05-16"


@pytest.mark.parametrize("url", [
    "https://example.org/news/2024/05/council-vote",  # a month names no day
    "https://example.org/news/2024/02/30/council-vote",  # no such day
    "https://example.org/news/2025/06/21/council-vote",  # after now
    "https://example.org/news/1850/06/21/council-vote",  # far past: a placeholder or an archive id
    "https://example.org/news/2024/05/1234567/council-vote",  # an id after the month
    "https://example.org/article/202403121/council-vote",  # nine digits: an id
    "https://example.org/news/council-vote?date=2024-06-21",  # the query string is no path
])
def test_no_date_is_read_from_a_path_that_names_no_plausible_day(url):
    assert _published(_page(), url) is None


def test_a_date_on_the_page_wins_over_the_url():
    # near-miss: the URL is used only when the page gives no date at all
    head = '<meta property="article:published_time" content="2024-06-22T09:00:00Z">'
    assert _published(_page(head=head), "https://example.org/2024/06/21/council-vote") == "2024-06-22T09:00:00+00:00"
    dateline = '<p class="date">June 23, 2024</p>'
    assert _published(_page(dateline), "https://example.org/2024/06/21/council-vote") == "2024-06-23"


def test_date_in_url_without_an_url():
    assert date_in_url(None) is None
    assert date_in_url("https://example.org/2024/06/21/x") == date(2024, 6, 21)


# --- M2: datelines in more scripts and orders ---------------------------------------------------
@pytest.mark.parametrize(("text", "day"), [
    ("2024年3月12日 09:15:32", "2024-03-12"),  # zh, ja
    ("２０２４年３月１２日", "2024-03-12"),  # full-width digits
    ("2024년 3월 12일 오후 2:05", "2024-03-12"),  # ko
    ("입력 2024.03.12 11:20", "2024-03-12"),  # ko, year first with dots
    ("2024. 3. 12. 11:20", "2024-03-12"),
    ("2024/03/12 11:20", "2024-03-12"),  # ja
    ("Stand: 25.03.24 08:30", "2024-03-25"),  # de, ru: day.month.two-digit year, a day over 12
    ("16 अप्रैल 2024", "2024-04-16"),  # hi
    ("16 सितम्बर, 2024", "2024-09-16"),
    ("22 جولائی 2024", "2024-07-22"),  # ur
    ("5 دسمبر 2023", "2023-12-05"),
    ("Posted 16/6/2023", "2023-06-16"),  # a part over 12 says which is the day
    ("Posted 6/16/2023", "2023-06-16"),
])
def test_more_written_dates_are_parsed(text, day):
    assert str(parse_date_in_text(text)) == day


@pytest.mark.parametrize("text", [
    "Version 1.2.3 of the app",  # a version number is no dotted date
    "Release 10.4.1",
    "192.168.10.12",
    "2024.13.45",  # no such month
    "31.02.24",  # no such day
    "3月12日",  # no year
    "Score 3/4/2024 draw",  # a slash date that reads both ways, on a page of no known language
])
def test_near_misses_give_no_date(text):
    assert parse_date_in_text(text) is None


def test_an_ambiguous_slash_date_is_day_first_only_outside_english():
    assert parse_date_in_text("3/4/2024", "vi") == date(2024, 4, 3)
    assert parse_date_in_text("3/4/2024", "de") == date(2024, 4, 3)
    assert parse_date_in_text("3/4/2024", "en") is None  # US pages write it month first
    assert parse_date_in_text("3/14/2024", "vi") == date(2024, 3, 14)  # unambiguous whatever the language


def test_a_two_digit_year_dotted_date_is_day_first_outside_english():
    assert parse_date_in_text("Stand: 12.03.24 08:30", "de") == date(2024, 3, 12)
    assert parse_date_in_text("12.03.24, 08:30", "ru") == date(2024, 3, 12)
    # near-miss: US blogs write it month first ("11.05.12" is 5 November), so it is left unread there
    assert parse_date_in_text("11.05.12", "en") is None
    assert parse_date_in_text("11.05.12") is None
    assert parse_date_in_text("11.25.12", "en") == date(2012, 11, 25)
    assert parse_date_in_text("31.12.99", "de") == date(1999, 12, 31)  # a two-digit year over 68 is 19yy


def test_existing_dates_read_as_before():
    # near-miss: the new forms do not change dates read before
    assert parse_date_in_text("12 März 2024") == date(2024, 3, 12)
    assert parse_date_in_text("01.12.2025 14:05") == date(2025, 12, 1)
    assert parse_date_in_text("Monday, 11.05.2012") == date(2012, 11, 5)
    assert parse_date_in_text("۱۴۰۴/۰۹/۱۰") == date(2025, 12, 1)


@pytest.mark.parametrize(("inside", "lang", "day"), [
    ('<div class="h-info"><span class="h-time">2024年3月12日 09:15:32</span></div>', "zh", "2024-03-12"),
    ('<div class="byline"><span class="date">입력 2024.03.12 11:20</span></div>', "ko", "2024-03-12"),
    ('<span class="date">Thứ sáu, 3/6/2023, 20:05 (GMT+7)</span>', "vi", "2023-06-03"),
])
def test_a_page_dateline_in_these_forms_dates_the_story(inside, lang, day):
    assert _published(_page(inside, lang=lang)) == day


def test_an_english_page_does_not_guess_an_ambiguous_slash_date():
    assert _published(_page('<span class="date">3/6/2023</span>')) is None
    assert _published(_page('<span class="date">3/16/2023</span>')) == "2023-03-16"


# --- M6: role words after a reporter's name -------------------------------------------------------
@pytest.mark.parametrize(("byline", "names"), [
    ("김지현 기자", ["김지현"]),
    ("김지현기자", ["김지현"]),
    ("김지현 기자 jihyun@example.kr", ["김지현"]),
    ("田中太郎 記者", ["田中太郎"]),
    ("李明 记者", ["李明"]),
    ("王芳 特派员", ["王芳"]),
    ("陳美玲 特派員", ["陳美玲"]),
    ("Jane Doe (jane.doe@example.org)", ["Jane Doe"]),
])
def test_role_suffixes_and_emails_are_stripped(byline, names):
    assert clean_author_names([byline]) == names


@pytest.mark.parametrize(("byline", "names"), [
    ("기자", []),  # the role alone names nobody
    ("기자회견 김지현", ["기자회견 김지현"]),  # the word is stripped at the end only
    ("Jane Doe", ["Jane Doe"]),
    ("@janedoe", []),  # a handle stays no name
])
def test_near_misses_of_role_suffixes(byline, names):
    assert clean_author_names([byline]) == names


def test_a_korean_byline_gives_the_bare_name():
    page = _page('<div class="byline"><span class="name">김지현 기자</span> '
                 '<span class="date">입력 2024.03.12 11:20</span></div>', lang="ko")
    article = extract_article(page, "https://example.kr/news/articleView.html?idxno=1")
    assert article.authors == ["김지현"]


# --- M7: a live blog's published date ------------------------------------------------------------
def _live_blog(ld: dict) -> str:
    entries = "".join(
        f'<div class="live-entry"><time datetime="2024-11-05T{hour}:00:00-05:00">{hour}:00</time>'
        f"<p>Entry at {hour}.</p></div>" for hour in ("22", "21", "20")  # newest first
    )
    return _page(f'<div class="live-feed">{entries}</div>', head=_ld(ld))


def test_a_live_blog_is_dated_by_its_coverage_start_not_its_latest_entry():
    ld = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Live",
          "coverageStartTime": "2024-11-05T19:30:00-05:00"}
    assert _published(_live_blog(ld)) == "2024-11-06T00:30:00+00:00"


def test_a_live_blogs_date_published_wins_over_its_coverage_start():
    ld = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Live",
          "datePublished": "2024-11-05T18:00:00-05:00", "coverageStartTime": "2024-11-05T19:30:00-05:00"}
    assert _published(_live_blog(ld)) == "2024-11-05T23:00:00+00:00"


def test_a_live_blog_whose_coverage_starts_after_now_falls_back_to_the_page():
    # near-miss: a scheduled live blog's future start is no publication date
    ld = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Live",
          "coverageStartTime": "2025-11-05T19:30:00-05:00"}
    assert _published(_live_blog(ld)) == "2024-11-06T03:00:00+00:00"


# --- M3: an unmarked "Posted …" line above the story ----------------------------------------------
def test_an_unmarked_posted_line_above_the_story_dates_it():
    page = _page("<p><font size='2'><i>Posted October 30, 2023</i></font></p>")
    assert _published(page) == "2023-10-30"


def test_a_posted_line_below_the_story_is_no_date_of_it():
    # near-miss: after the first paragraph, such a line dates a comment or a teaser
    page = _page().replace("</article>", "<p><i>Posted October 30, 2023</i></p></article>")
    assert _published(page) is None
    in_comments = _page("<div class='comments'><p><i>Posted October 30, 2023</i></p></div>")
    assert _published(in_comments) is None


def test_a_persian_update_label_written_with_a_zero_width_non_joiner_marks_the_update_not_the_publication():
    # "آخرین به‌روزرسانی" holds a ZWNJ, which extraction hides from lxml and trafilatura as another
    # character: the label must be read in either form, or the update's date passes for the published one
    paragraphs = "".join(
        f"<p>پاراگراف شماره {n} خبر می‌گوید که مهندسان ایرانی از کارخانه آلابوگا در تاتارستان بازدید کردند.</p>"
        for n in range(4)
    )
    html = (
        "<html lang='fa'><head><title>t</title></head><body><article><h1>عنوان خبر درباره پهپاد</h1>"
        "<div class='date'>آخرین به\u200cروزرسانی: <time datetime='2025-03-05'>۱۵ اسفند</time> | تاریخ انتشار: "
        f"<time datetime='2025-03-01'>۱۱ اسفند ۱۴۰۳</time></div>{paragraphs}</article></body></html>"
    )
    assert extract_article(html, "https://khabar.example/news/1").published == "2025-03-01"
