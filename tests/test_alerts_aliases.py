"""The shipped alias table, group by group, in every language each group says it was checked in.

CASES holds one hand-written sentence per (group, language): the query is the group's name, and the
sentence uses another form of it, inflected where the language inflects (Russian cases, Persian
plurals and ZWNJ suffixes, Persian digits). A test checks that every group has a case in each language
it claims, and another that every member as written finds itself's group name.
"""

from __future__ import annotations

from collections import Counter

import pytest

from crawler.alerts.aliases import AliasTable, load_groups, shipped_groups
from crawler.alerts.query import Document, parse_query

# (group name, language, text): the group's name as a query must match the text.
CASES = [
    ("Shahed", "en", "Ukraine downs 37 Geran drones overnight"),
    ("Shahed", "ru", "Над городом сбиты несколько Шахедов"),
    ("Shahed", "fa", "پهپادهای شاهد بر فراز شهر دیده شدند"),
    ("Shahed-131", "en", "the older Geran-1 has a smaller warhead"),
    ("Shahed-131", "ru", "сбита Герань-1"),
    ("Shahed-131", "fa", "پهپاد شاهد-۱۳۱ رونمایی شد"),
    ("Shahed-136", "en", "the Shahid 136, known in Russia as Geran-2"),
    ("Shahed-136", "ru", "удары Геранями-2 по энергетике"),
    ("Shahed-136", "fa", "پهپاد شاهد-۱۳۶ در رزمایش"),
    ("Shahed-238", "en", "the jet-powered Geran-3 was shown"),
    ("Shahed-238", "ru", "реактивная Герань-3"),
    ("Shahed-238", "fa", "نسخه جت شاهد-۲۳۸"),
    ("Mohajer-6", "en", "a Mohajer 6 over the Gulf"),
    ("Mohajer-6", "ru", "поставки Мохаджеров-6"),
    ("Mohajer-6", "fa", "پهپادهای مهاجر-۶"),
    ("Arash", "en", "the Arash-2 loitering munition"),
    ("Arash", "ru", "дрон Араш-2"),
    ("Arash", "fa", "پهپاد آرش در نمایشگاه"),
    ("Orlan-10", "en", "an Orlan 10 reconnaissance drone"),
    ("Orlan-10", "ru", "разведка с Орланов-10"),
    ("Fath-360", "en", "Fath 360 missiles were shipped"),
    ("Fath-360", "ru", "ракеты Фатх-360 переданы"),
    ("Fath-360", "fa", "موشک‌های فتح-۳۶۰"),
    ("Fateh-110", "en", "a Fateh 110 launch"),
    ("Fateh-110", "ru", "пуск ракеты Фатех-110"),
    ("Fateh-110", "fa", "موشک فاتح-۱۱۰ شلیک شد"),
    ("Zolfaghar", "en", "the Zolfaqar ballistic missile"),
    ("Zolfaghar", "fa", "موشک‌های ذوالفقار"),
    ("Kh-55", "en", "an AS-15 Kent cruise missile"),
    ("Kh-55", "ru", "ракета Х-55СМ"),
    ("Kh-101", "en", "Kh 101 cruise missiles"),
    ("Kh-101", "ru", "удар ракетами Х-101"),
    ("Iskander", "en", "an Iskander-M brigade"),
    ("Iskander", "ru", "дивизион Искандеров"),
    ("Iskander", "fa", "موشک اسکندر روسیه"),
    ("Sukhoi", "en", "a Suhoj fighter"),
    ("Sukhoi", "fa", "جنگنده‌های سوخو"),
    ("Su-35", "en", "Sukhoi-35 jets"),
    ("Su-35", "ru", "истребители Су-35С"),
    ("Su-35", "fa", "جنگنده‌های سوخو-۳۵"),
    ("Yak-130", "en", "Yakovlev Yak-130 trainers"),
    ("Yak-130", "ru", "учебные Як-130"),
    ("Yak-130", "fa", "هواپیماهای یاک-۱۳۰"),
    ("Mi-28", "en", "Mil Mi-28 attack helicopters"),
    ("Mi-28", "ru", "вертолеты Ми-28НЭ"),
    ("S-300", "en", "an S300 battery"),
    ("S-300", "ru", "комплексы С-300"),
    ("S-300", "fa", "سامانه اس-۳۰۰"),
    ("S-400", "en", "the Triumf system"),
    ("S-400", "ru", "дивизионы Триумфов"),
    ("S-400", "fa", "سامانه اس-۴۰۰"),
    ("Bavar-373", "en", "Bavar 373 air defence"),
    ("Bavar-373", "ru", "ЗРК Бавар-373"),
    ("Bavar-373", "fa", "سامانه باور-۳۷۳"),
    ("Pantsir-S1", "en", "a Pantsir battery"),
    ("Pantsir-S1", "ru", "комплексы Панцирь-С1"),
    ("Tor-M1", "en", "Tor M1 systems"),
    ("Tor-M1", "ru", "ЗРК Тор-М1"),
    ("Alabuga", "en", "the Yelabuga plant"),
    ("Alabuga", "ru", "завод в Елабуге"),
    ("Tatarstan", "en", "factories in Tatarstan"),
    ("Tatarstan", "ru", "в Татарстане"),
    ("Tatarstan", "fa", "جمهوری تاتارستان"),
    ("Kashan", "en", "an airfield near Kashan"),
    ("Kashan", "ru", "аэродром под Кашаном"),
    ("Kashan", "fa", "فرودگاه کاشان"),
    ("Isfahan", "en", "a factory in Esfahan"),
    ("Isfahan", "ru", "завод в Исфахане"),
    ("Isfahan", "fa", "کارخانه‌ای در اصفهان"),
    ("Tehran", "en", "Teheran said"),
    ("Tehran", "ru", "переговоры в Тегеране"),
    ("Tehran", "fa", "در تهران"),
    ("Moscow", "en", "talks in Moscow"),
    ("Moscow", "ru", "переговоры в Москве"),
    ("Moscow", "fa", "سفر به مسکو"),
    ("Russia", "en", "the Russian Federation"),
    ("Russia", "ru", "поставки России"),
    ("Russia", "fa", "روسیه و ایران"),
    ("Iran", "en", "the Islamic Republic of Iran"),
    ("Iran", "ru", "поставки в Иране"),
    ("Iran", "fa", "ايران و روسیه"),
    ("Caspian Sea", "en", "across the Caspian Sea"),
    ("Caspian Sea", "ru", "по Каспийскому морю"),
    ("Caspian Sea", "fa", "از طریق دریای خزر"),
    ("Caspian ports", "en", "a Caspian port"),
    ("Caspian ports", "ru", "грузы через Астрахань"),
    ("Astrakhan", "en", "the port of Astrakhan"),
    ("Astrakhan", "ru", "из Астрахани"),
    ("Astrakhan", "fa", "بندر آستاراخان"),
    ("Makhachkala", "en", "ships left Makhachkala"),
    ("Makhachkala", "ru", "в порту Махачкалы"),
    ("Olya port", "en", "the port of Olya"),
    ("Olya port", "ru", "через порт Оля"),
    ("Bandar Anzali", "en", "ships from Anzali"),
    ("Bandar Anzali", "ru", "порт Энзели"),
    ("Bandar Anzali", "fa", "بندر انزلی"),
    ("Amirabad port", "en", "Bandar Amirabad terminal"),
    ("Amirabad port", "fa", "بندر امیرآباد"),
    ("Astara", "en", "the Astara crossing"),
    ("Astara", "ru", "через Астару"),
    ("Astara", "fa", "مرز آستارا"),
    ("Nowshahr", "en", "the port of Noshahr"),
    ("Nowshahr", "fa", "بندر نوشهر"),
    ("IRGC", "en", "the Revolutionary Guards said"),
    ("IRGC", "ru", "Корпуса стражей исламской революции"),
    ("IRGC", "fa", "سپاه پاسداران انقلاب اسلامی"),
    ("Quds Force", "en", "the Qods Force commander"),
    ("Quds Force", "ru", "командир сил Кудс"),
    ("Quds Force", "fa", "فرمانده نیروی قدس"),
    ("IRGC Aerospace Force", "en", "IRGC Aerospace Forces launched"),
    ("IRGC Aerospace Force", "ru", "Аэрокосмических сил КСИР"),
    ("IRGC Aerospace Force", "fa", "نیروی هوافضای سپاه"),
    ("MODAFL", "en", "the Ministry of Defense and Armed Forces Logistics"),
    ("MODAFL", "fa", "وزارت دفاع و پشتیبانی نیروهای مسلح"),
    ("Rosoboronexport", "en", "a Rosoboronexport contract"),
    ("Rosoboronexport", "ru", "контракт с Рособоронэкспортом"),
    ("Rostec", "en", "Rostech said"),
    ("Rostec", "ru", "госкорпорация Ростех"),
]

GROUPS = {g.name: g for g in shipped_groups()}


def _phrase(name: str) -> str:
    return f'"{name}"' if " " in name else name


@pytest.mark.parametrize(("name", "language", "text"), CASES, ids=[f"{n}-{lang}" for n, lang, _ in CASES])
def test_group_matches_in_language(name: str, language: str, text: str) -> None:
    assert language in GROUPS[name].checked
    assert parse_query(_phrase(name)).match(Document("", text)) is not None


def test_every_group_has_a_case_in_each_language_it_claims() -> None:
    covered = {(name, lang) for name, lang, _ in CASES}
    claimed = {(g.name, lang) for g in GROUPS.values() for lang in g.checked}
    assert claimed == covered


def test_cases_passed_per_language() -> None:
    """The closing note's figure: alias cases per language (all of them pass, by the tests above)."""
    per_language = Counter(lang for _, lang, _ in CASES)
    assert per_language["en"] >= 40 and per_language["ru"] >= 35 and per_language["fa"] >= 30
    assert len(GROUPS) >= 40


@pytest.mark.parametrize("group", shipped_groups(), ids=lambda g: g.name)
def test_every_member_as_written_finds_the_group(group) -> None:  # noqa: ANN001
    for member in group.members:
        assert parse_query(_phrase(group.name)).match(Document("", f"— {member} —")) is not None, member


def test_a_model_does_not_match_its_family_name() -> None:
    assert parse_query("shahed-136").match(Document("", "Shahed drones overnight")) is None
    assert parse_query("su-35").match(Document("", "a Sukhoi jet")) is None


def test_family_name_matches_every_member_of_the_family() -> None:
    query = parse_query("shahed")
    for text in ("Geran-2", "Герань-2", "شاهد-۱۳۶", "Shahed-238", "Geran-1", "Шахеды"):
        assert query.match(Document("", text)) is not None, text
    assert parse_query("geran").match(Document("", "Shahed-136")) is not None


def test_the_shipped_table_loads_and_bad_tables_are_refused() -> None:
    assert len(AliasTable.default().groups) == len(GROUPS)
    with pytest.raises(ValueError, match="family"):
        load_groups('[[group]]\nname = "A-1"\nfamily = "Nothing"\n')
    with pytest.raises(ValueError, match="unknown field"):
        load_groups('[[group]]\nname = "A-1"\nde = ["x"]\n')
    with pytest.raises(ValueError, match="checked"):
        load_groups('[[group]]\nname = "A-1"\nchecked = ["ru"]\n')
