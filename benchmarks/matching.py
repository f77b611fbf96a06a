"""Watch-rule matching at scale: time per article with 10, 100 and 1,000 rules, in one run.

    python benchmarks/matching.py [--articles 10000] [--naive-articles 300] [--seed 1] [--rounds 3] [--spans]

Generates --articles synthetic articles. Each has a headline and about 250 words of news prose
that mixes the watch's vocabulary (weapons, places, organisations, people) with general news
words, and one in five is in Russian or Persian. It then generates 1,000 rules in the shapes
analysts write: an entity or an OR of entities, with a phrase, a wildcard, a NEAR/n or "…"~n, a
title: scope, an alias (Geran-2, Су-35, IRGC, a family name like Shahed…) or a -negation; the
Russian and Persian sentences are inflected (Шахеды, России, پهپادهای), so stems are exercised.
The 10- and 100-rule sets are the first 10 and 100 of these.

For each size it prints the mean ms per article of `RuleMatcher.matching` (the document analysis
included) and then the ratio of the 1,000-rule cost to the 10-rule cost (goal: at most 3x). Times
are CPU time of this process (the machine is shared), the best of --rounds passes. A match's spans
are built when first read; --spans reads every match's spans too (what a caller that shows them all
pays).
For comparison it also prints the naive cost of evaluating all 1,000 rules one by one on a
document analysed once, over the first --naive-articles articles.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.alerts.analysis import Analyzed  # noqa: E402
from crawler.alerts.matcher import RuleMatcher  # noqa: E402
from crawler.alerts.query import Document, Query, parse_query  # noqa: E402

WEAPONS = ["Shahed-136", "Geran-2", "Su-35", "S-400", "S-300", "Fath-360", "Mohajer-6", "Shahed-238", "Kh-101",
           "Iskander", "Kinzhal", "Lancet", "Orlan-10", "Arash-2", "Zolfaghar", "Fateh-110", "Tor-M1", "Pantsir",
           "Mi-28", "Yak-130", "Bavar-373", "Khordad-15", "Ababil-3", "Karrar", "Sukhoi-35"]
PLACES = ["Alabuga", "Yelabuga", "Tatarstan", "Isfahan", "Tehran", "Moscow", "Kazan", "Caspian Sea", "Astrakhan",
          "Bandar Abbas", "Crimea", "Kharkiv", "Odesa", "Kyiv", "Damascus", "Minsk", "Tabriz", "Makhachkala",
          "Novorossiysk", "Baku", "Yerevan", "Ashgabat", "Shiraz", "Kerman", "Sochi", "Belgorod", "Kursk"]
ORGS = ["IRGC", "Revolutionary Guards", "Rosoboronexport", "Rostec", "Kremlin", "Pentagon", "Treasury",
        "European Union", "United Nations", "IAEA", "Wagner", "Hezbollah", "Houthis", "NATO", "Quds Force",
        "Ministry of Defence", "Central Bank", "Mahan Air", "Iran Aircraft Manufacturing", "Qods Aviation"]
FIRST = ["Ali", "Hossein", "Mohammad", "Sergei", "Dmitry", "Yuri", "Maria", "Anna", "Reza", "Abbas", "Igor",
         "Olga", "Javad", "Ahmad", "Viktor", "Elena", "Hassan", "Mikhail", "Nasser", "Pavel"]
LAST = ["Bagheri", "Shoigu", "Lavrov", "Araghchi", "Borisov", "Salami", "Gerasimov", "Rezaei", "Volkov",
        "Hajizadeh", "Petrov", "Tehrani", "Sokolov", "Karimi", "Kuznetsov", "Ahmadi", "Morozov", "Jafari",
        "Novikov", "Hosseini", "Orlov", "Rahimi", "Lebedev", "Moradi", "Zaitsev"]
PEOPLE = [f"{f} {last}" for f in FIRST for last in LAST]  # 500 people
GENERAL = ("the a of to and in said on for with that was by at from as it its has have after officials "
           "government week report reported according analysts sources ministry minister statement deal "
           "agreement talks meeting visit spokesman country countries military defence security economy "
           "sanctions oil exports prices market trade bank financial attack attacks strike strikes forces "
           "troops border region regional war conflict peace ceasefire president prime parliament election "
           "year years month months new first last two three several many more than about also would could "
           "will not but which while during since under against between over into production factory plant "
           "delivery deliveries contract shipment shipments batch units systems launch launched fired air "
           "missile missiles drone drones jets aircraft fighter navy port ship ships satellite images").split()
VERBS = ["delivered", "received", "bought", "sold", "launched", "tested", "assembled", "shipped", "deployed",
         "ordered", "produced", "showed", "denied", "confirmed", "intercepted", "downed", "upgraded"]
RUSSIAN = ["Россия получила новую партию «Герань-2» с завода в Елабуге.",
           "Министерство обороны сообщило о поставках Су-35 в Иран.",
           "Зенитные ракетные комплексы С-400 развернуты под Москвой.",
           "КСИР провел учения с беспилотниками Мохаджер-6 и ракетами Фатх-360.",
           "По данным источников, Герани-2 собирают в Татарстане.",
           "Ночью Шахеды атаковали порты, сообщили в России.",
           "Поставки Искандеров и Су-35С в Иран обсуждались в Тегеране."]
PERSIAN = ["سپاه پاسداران از پهپاد شاهد-۱۳۶ در رزمایش استفاده کرد.",
           "ایران و روسیه درباره خرید سوخو-۳۵ گفتگو کردند.",
           "موشک فتح-۳۶۰ به روسیه تحویل داده شد.",
           "پهپاد مهاجر-۶ در نمایشگاه نظامی تهران به نمایش درآمد.",
           "جنگنده‌های سوخو-۳۵ و پهپادهای شاهد در اصفهان دیده شدند."]
ALIASED = ["Shahed-136", "Geran-2", "Su-35", "S-400", "Alabuga", "Fath-360", "Mohajer-6", "IRGC", "Triumf",
           '"Revolutionary Guards"', "Yelabuga", "Sukhoi-35", "Shahed", "Geran", "Iskander", "Isfahan", "Russia",
           '"Quds Force"', "Sukhoi", "Kashan"]
CONTEXT = ["deliver*", "shipment*", '"new batch"', "factory", "sanction*", "contract*", "launch*", "assembl*",
           '"air defence"', "export*", "intercept*", "deploy*", "production", "train*", "payment*"]
NEGATED = ["exercise", "Ukraine", "rumour*", '"opinion piece"', "football"]


def _entity(rng: random.Random) -> str:
    pool = rng.choices([WEAPONS, PLACES, ORGS, PEOPLE], weights=[3, 3, 2, 4])[0]
    return rng.choice(pool[:60] if pool is PEOPLE else pool)  # articles talk about the best-known people


def _sentence(rng: random.Random, cast: list[str]) -> str:
    words = [rng.choice(GENERAL) for _ in range(rng.randrange(8, 16))]
    for _ in range(rng.randrange(1, 3)):  # mostly the story's own cast, now and then someone else
        words.insert(rng.randrange(len(words)), rng.choice(cast) if rng.random() < 0.9 else _entity(rng))
    words.insert(rng.randrange(len(words)), rng.choice(VERBS))
    return " ".join(words).capitalize() + "."


def make_articles(rng: random.Random, n: int) -> list[Document]:
    articles = []
    for _ in range(n):
        cast = [_entity(rng) for _ in range(rng.randrange(3, 6))]
        title = " ".join([cast[0], rng.choice(VERBS), *rng.sample(GENERAL, 4), cast[1]])
        sentences = [_sentence(rng, cast) for _ in range(rng.randrange(14, 22))]
        roll = rng.random()
        if roll < 0.1:
            sentences += rng.sample(RUSSIAN, 3)
        elif roll < 0.2:
            sentences += rng.sample(PERSIAN, 2)
        rng.shuffle(sentences)
        articles.append(Document(title=title, text=" ".join(sentences)))
    return articles


def _quoted(term: str) -> str:
    return f'"{term}"' if " " in term and not term.startswith('"') else term


def make_rule(rng: random.Random) -> str:
    name = _quoted(rng.choice(PEOPLE) if rng.random() < 0.4 else _entity(rng))
    if rng.random() < 0.25:
        name = f"({name} OR {_quoted(rng.choice(ALIASED))})"
    shape = rng.random()
    if shape < 0.2:
        rule = f"{name} {rng.choice(CONTEXT)}"
    elif shape < 0.35:
        rule = f"{name} NEAR/{rng.randrange(3, 15)} {rng.choice(CONTEXT)}" if not name.startswith("(") else name
    elif shape < 0.5:
        single = _quoted(rng.choice(PLACES + WEAPONS)).strip('"')
        rule = f'"{single} {rng.choice(VERBS)}"~{rng.randrange(2, 12)}'
    elif shape < 0.65:
        rule = f"title:{name} {rng.choice(CONTEXT)}"
    elif shape < 0.8:
        rule = f"{name} AND ({rng.choice(CONTEXT)} OR {rng.choice(CONTEXT)})"
    else:
        rule = f"{name} {_quoted(_entity(rng))}"
    if rng.random() < 0.3:
        rule += " -" + rng.choice(NEGATED)
    return rule


def _time(matcher: RuleMatcher, articles: list[Document], rounds: int = 1, spans: bool = False) -> tuple[float, int]:
    best = float("inf")
    for _ in range(rounds):
        start, matched = time.process_time(), 0
        for doc in articles:
            found = matcher.matching(doc)
            matched += len(found)
            if spans:
                for _, match in found:
                    _ = match.spans
        best = min(best, (time.process_time() - start) * 1000 / len(articles))
    return best, matched


def _naive(rules: list[tuple[str, Query]], articles: list[Document]) -> tuple[float, int]:
    start, matched = time.process_time(), 0
    for doc in articles:
        analyzed = Analyzed(doc.title, doc.text)
        matched += sum(query.match_analyzed(analyzed) is not None for _, query in rules)
    return (time.process_time() - start) * 1000 / len(articles), matched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--naive-articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--spans", action="store_true", help="also read every match's spans")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    articles = make_articles(rng, args.articles)
    words = sum(len(a.text.split()) for a in articles) / len(articles)
    start = time.perf_counter()
    rules = [(f"rule{i}", parse_query(make_rule(rng))) for i in range(1000)]
    print(f"{len(articles)} articles, {words:.0f} words each on average; 1000 rules parsed in "
          f"{time.perf_counter() - start:.2f} s")
    RuleMatcher(rules[:10]).matching(articles[0])
    for doc in articles[:300]:  # warm the character-folding table, so that the first size is not charged for it
        _ = Analyzed(doc.title, doc.text).text
    cost = {}
    for size in (10, 100, 1000):
        start = time.perf_counter()
        matcher = RuleMatcher(rules[:size])
        built = (time.perf_counter() - start) * 1000
        cost[size], matched = _time(matcher, articles, args.rounds, args.spans)
        print(f"{size:>5} rules: {cost[size]:.3f} ms/article  ({matched} matches, matcher built in {built:.0f} ms)")
    print(f"ratio 1000/10 rules: {cost[1000] / cost[10]:.1f}x (rules grew 100x)")
    sample = articles[: args.naive_articles]
    naive, _ = _naive(rules, sample)
    fast, _ = _time(RuleMatcher(rules), sample, args.rounds, args.spans)
    print(f"naive, every one of 1000 rules evaluated ({len(sample)} articles): {naive:.3f} ms/article; "
          f"RuleMatcher on the same articles: {fast:.3f} ms/article ({naive / fast:.1f}x faster)")


if __name__ == "__main__":
    main()
