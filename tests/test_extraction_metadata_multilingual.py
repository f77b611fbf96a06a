"""Metadata of ru/fa/ar/tr/fr/de pages: dates shown only in the text, bylines, and the language of
pages that declare none."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.extraction import extract_article
from crawler.extraction.language import detect_language
from crawler.extraction.metadata import clean_author_names, jalali_to_gregorian, parse_date_in_text

BODY = "".join(
    f"<p>Paragraph {n} says Iran took delivery of Su-35 fighters from Russia this autumn, and that talks on "
    f"S-400 air defence systems went on in Moscow, according to officials in both capitals.</p>"
    for n in range(1, 5)
)


def _page(inside: str, head: str = "", lang: str = "") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"<html{lang_attr}><head>{head}</head><body><article><h1>Su-35</h1>{inside}</article></body></html>"


@pytest.mark.parametrize(("text", "day"), [
    ("01.12.2025 14:05", "2025-12-01"),  # RIA, Kommersant, AA
    ("14:05 01.12.2025", "2025-12-01"),
    ("Stand: 05.03.2025 14:05 Uhr", "2025-03-05"),  # dotted dates are day first
    ("1 Aralık 2025 Pazartesi 14:05", "2025-12-01"),
    ("3 Şubat 2025", "2025-02-03"),
    ("1 ديسمبر 2025", "2025-12-01"),
    ("١ ديسمبر ٢٠٢٥", "2025-12-01"),  # Arabic-Indic digits
    ("1 كانون الأول 2025", "2025-12-01"),  # Levantine month
    ("15 آب 2024", "2024-08-15"),
    ("الاثنين 1 ديسمبر/كانون الأول 2025", "2025-12-01"),
    ("Publié le 1er décembre 2025 à 14h05", "2025-12-01"),
    ("1 дек 2025", "2025-12-01"),
    ("1 дек. 2025, 14:05", "2025-12-01"),
    ("۱۰ آذر ۱۴۰۴ - ۱۴:۲۰", "2025-12-01"),  # Jalali, Persian digits
    ("دوشنبه ۱۰ آذرماه ۱۴۰۴", "2025-12-01"),
    ("۱۴۰۴/۰۹/۱۰ - ۱۴:۲۰", "2025-12-01"),
])
def test_local_date_formats_are_read(text, day):
    assert str(parse_date_in_text(text)) == day


@pytest.mark.parametrize(("jalali", "gregorian"), [
    # each pair checked against a second, independent algorithm (jdf's 33-year arithmetic) and by hand
    ((1403, 1, 1), date(2024, 3, 20)),  # Nowruz 2024
    ((1404, 1, 1), date(2025, 3, 21)),
    ((1405, 9, 10), date(2026, 12, 1)),
    ((1403, 12, 30), date(2025, 3, 20)),  # 1403 is a leap year
    ((1399, 1, 1), date(2020, 3, 20)),
])
def test_jalali_dates_convert_to_gregorian(jalali, gregorian):
    assert jalali_to_gregorian(*jalali) == gregorian


@pytest.mark.parametrize("jalali", [(1404, 12, 30), (1404, 7, 31), (1404, 13, 1)])
def test_impossible_jalali_dates_are_rejected(jalali):
    with pytest.raises(ValueError):
        jalali_to_gregorian(*jalali)


def test_an_english_weekday_beside_a_dotted_date_reads_it_month_first():
    assert parse_date_in_text("Monday, 11.05.2012 / 8:05 PM") == date(2012, 11, 5)
    assert parse_date_in_text("Friday, 11.05.2012") == date(2012, 5, 11)


def test_a_date_shown_only_in_a_news_info_line_is_the_published_date():
    # Hürriyet's shape: no meta date, no date class, name and date in one info line
    info = '<div class="news-info"><span class="name">Mehmet Yılmaz</span> <span>01.12.2025 - 14:05</span></div>'
    assert extract_article(_page(info + BODY, lang="tr")).published == "2025-12-01"


def test_a_jalali_date_in_a_date_box_is_the_published_date():
    info = '<div class="item-date"><span>۱۰ آذر ۱۴۰۴، ۱۴:۲۰</span></div>'
    assert extract_article(_page(info + BODY, lang="fa")).published == "2025-12-01"


def test_an_info_line_dates_the_story_above_it_but_not_below_it():
    box = '<div class="company-info">Founded: 12.03.2011 Funding: $800k</div>'
    assert extract_article(_page(box + BODY)).published == "2011-03-12"
    assert extract_article(_page(BODY + box)).published is None  # a fact box further down dates something else


@pytest.mark.parametrize("shown", ["31.12.1899", "01.12.2099", "00.00.2025"])
def test_far_past_future_and_placeholder_visible_dates_give_way_to_the_next(shown):
    dates = f'<div class="article__info-date">{shown}</div><div class="article__info-date">01.12.2025</div>'
    assert extract_article(_page(dates + BODY, lang="ru")).published == "2025-12-01"


@pytest.mark.parametrize(("byline", "names"), [
    ("Иван Сафронов\nВсе материалы автора", ["Иван Сафронов"]),
    ("Иван Петров Подписаться", ["Иван Петров"]),
    ("Редакция ТАСС", []),
    ("Корреспондент ТАСС", []),
    ("Корреспондент Иван Петров", ["Иван Петров"]),
    ("Текст: Иван Петров, Анна Смирнова", ["Иван Петров", "Анна Смирнова"]),
    ("خبرنگار: علی رضایی", ["علی رضایی"]),
    ("خبرنگار بی‌بی‌سی", []),
    ("نویسنده، جیار گل", ["جیار گل"]),
    ("بقلم: محمد علي", ["محمد علي"]),
    ("الجزيرة نت + وكالات", []),
    ("Yazan: Mehmet Yılmaz", ["Mehmet Yılmaz"]),
    ("Ayşe Demir ve Ali Kaya", ["Ayşe Demir", "Ali Kaya"]),
    ("Haber Merkezi", []),
    ("AA muhabiri", []),
    ("Par Jean Dupont et Marie Martin", ["Jean Dupont", "Marie Martin"]),
    ("Le Monde avec AFP", []),
    ("Martin Untersinger (avec Damien Leloup et Morgane Tual)", ["Martin Untersinger", "Damien Leloup", "Morgane Tual"]),
    ("Jean Dupont, Correspondant à Moscou", ["Jean Dupont"]),
    ("Von Anna Schmidt, ARD-Hauptstadtstudio", ["Anna Schmidt"]),
    ("Anna Schmidt und Peter Müller", ["Anna Schmidt", "Peter Müller"]),
])
def test_bylines_in_other_languages(byline, names):
    assert clean_author_names([byline]) == names


def test_names_are_split_at_a_conjunction_only_where_it_is_one():
    assert clean_author_names(["محمد علي وأحمد حسن"]) == ["محمد علي", "أحمد حسن"]
    assert clean_author_names(["محمد وليد حسن"]) == ["محمد وليد حسن"]  # و opens the name Walid
    assert clean_author_names(["Ana López y Juan Pérez"]) == ["Ana López", "Juan Pérez"]
    assert clean_author_names(["José Ortega y Gasset"]) == ["José Ortega y Gasset"]  # one man


@pytest.mark.parametrize("byline_class", ["autorenzeile", "article-auteur", "news-yazar", "article__avtor"])
def test_byline_classes_in_other_languages_are_read(byline_class):
    page = _page(BODY + f'<p class="{byline_class}">Von Anna Schmidt, ARD-Hauptstadtstudio</p>', lang="de")
    assert extract_article(page).authors == ["Anna Schmidt"]


def test_a_labelled_byline_list_without_byline_classes_is_read():
    # BBC Persian's byline: hashed classes, the label «نویسنده، » in its own span
    byline = ('<ul class="bbc-1d5bq0g"><li><span class="bbc-m04vo2">نویسنده، </span><span>جیار گل</span></li>'
              '<li><span class="bbc-m04vo2">نقش، </span><span>خبرنگار بی‌بی‌سی</span></li></ul>')
    assert extract_article(_page(byline + BODY, lang="fa")).authors == ["جیار گل"]


def _ld(author: str) -> str:
    return ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Su-35", '
            f'"author": {author}, "publisher": {{"@type": "Organization", "name": "Al Jazeera"}}}}</script>')


def test_a_json_ld_organization_that_publishes_the_page_is_no_author():
    cases = {
        '{"@type": "Organization", "name": "Al Jazeera"}': [],
        '[{"@type": "NewsMediaOrganization", "name": "Al Jazeera"}, {"@type": "Person", "name": "Ali Hashem"}]':
            ["Ali Hashem"],
        # unchanged: people, untyped names, and another organisation (a wire credit) are kept
        '{"@type": "Person", "name": "Ali Hashem"}': ["Ali Hashem"],
        '"Ali Hashem"': ["Ali Hashem"],
        '{"@type": "Organization", "name": "Reuters"}': ["Reuters"],
    }
    assert {author: extract_article(_page(BODY, head=_ld(author))).authors for author in cases} == cases


ARABIC_WITH_PERSIAN_YEH = (
    "قال المتحدث باسم وزارة الخارجية الإيرانية إن التعاون الدفاعی بين إيران وروسيا مشروع ويتوافق مع القانون "
    "الدولي، ولا يستهدف أي دولة ثالثة، وذلك ردا على تهديدات أمريكية بفرض عقوبات جديدة على البلدين."
)
RUSSIAN_WITH_UKRAINIAN_WORD = (
    "Министерство обороны Украины (укр. «Міноборони України») заявило, что Россия начала применять "
    "модернизированные беспилотники «Шахед» с реактивным двигателем, полученные из Ирана."
)
PERSIAN_WITH_TAA_MARBUTA = "همکاری نظامی ایران و روسیه در چارچوب معاهدة مشارکت راهبردی گسترش یافته است."


def test_one_persian_keyboard_letter_does_not_make_arabic_persian():
    assert detect_language(ARABIC_WITH_PERSIAN_YEH) == "ar"
    assert detect_language(PERSIAN_WITH_TAA_MARBUTA) == "fa"  # nor one ة Persian Arabic


def test_one_quoted_ukrainian_word_does_not_make_russian_ukrainian():
    assert detect_language(RUSSIAN_WITH_UKRAINIAN_WORD) == "ru"
    assert detect_language("Міністерство оборони України заявило, що Росія почала застосовувати «Шахеди».") == "uk"


def test_an_undeclared_arabic_page_typed_on_a_persian_keyboard_is_arabic():
    page = f"<html><body><article><h1>طهران</h1><p>{ARABIC_WITH_PERSIAN_YEH}</p></article></body></html>"
    assert extract_article(page).language == "ar"
