"""Watch-rule query semantics: one table of query/text cases, then errors, aliases and spans."""

from __future__ import annotations

import random

import pytest

from crawler.alerts.aliases import AliasTable
from crawler.alerts.highlight import highlight
from crawler.alerts.query import Document, Match, QueryError, parse_query

# (query, title, text, expected): False = no match, True = a match, a string = the match, shown as
# highlight(title) + " || " + highlight(text) (or only the text's highlight when the title is empty).
CASES = [
    # implicit AND, AND, OR, NOT, -, +
    ("iran drones", "", "Iran sells drones", "[Iran] sells [drones]"),
    ("iran drones", "", "Iran sells missiles", False),
    ("iran AND drones", "", "drones from Iran", "[drones] from [Iran]"),
    ("iran OR russia", "", "Russia only", "[Russia] only"),
    ("iran OR russia", "", "China only", False),
    ("iran NOT russia", "", "Iran and Russia", False),
    ("iran AND NOT russia", "", "Iran alone", "[Iran] alone"),
    ("iran -russia", "", "Iran alone", "[Iran] alone"),
    ("iran -russia", "", "Iran and Russia", False),
    ("+iran drones", "", "Iran drones", "[Iran] [drones]"),
    ("-exercise", "", "nothing here", True),
    ("-exercise", "", "a joint exercise", False),
    ("NOT exercise", "Drills", "live fire", True),
    ("NOT exercise", "Exercise", "live fire", False),
    # precedence: AND over OR, OR over implicit AND
    ("iran OR russia AND drones", "", "Iran only", "[Iran] only"),
    ("iran OR russia AND drones", "", "Russia only", False),
    ("russia AND drones OR iran", "", "Iran only", True),
    ("iran OR russia drones", "", "Iran only", False),
    ("iran OR russia drones", "", "Russia buys drones", "[Russia] buys [drones]"),
    # nesting
    ("(iran OR russia) AND (drones OR missiles)", "", "Russia fires missiles", "[Russia] fires [missiles]"),
    ("(iran OR russia) AND (drones OR missiles)", "", "Russia fires shells", False),
    ("((iran AND drones) OR (russia AND jets)) -exercise", "", "Russia buys jets", "[Russia] buys [jets]"),
    ("((iran AND drones) OR (russia AND jets)) -exercise", "", "Russia buys jets for an exercise", False),
    ("iran -(exercise OR drill)", "", "Iran drill", False),
    # phrases
    ('"iranian drones"', "", "the Iranian drones hit", "the [Iranian drones] hit"),
    ('"drones iranian"', "", "the Iranian drones hit", False),
    ('"iranian drones"', "", "Iranian jets and drones", False),
    # trailing wildcards, alone and in a phrase
    ("missile*", "", "Missiles were fired", "[Missiles] were fired"),
    ("missile*", "", "antimissile defence", False),
    ('"ballistic missile*"', "", "two ballistic missiles", "two [ballistic missiles]"),
    ("drone* -shahed*", "", "drones and Shaheds", False),
    # proximity, both syntaxes, both directions
    ('"iran drones"~3', "", "drones, said Iran", "[drones], said [Iran]"),
    ('"iran drones"~2', "", "Iran has delivered many more drones", False),
    ('"iran drones"~5', "", "Iran has delivered many more drones", "[Iran] has delivered many more [drones]"),
    ("iran NEAR/2 drones", "", "drones that Iran sold", "[drones] that [Iran] sold"),
    ("iran NEAR/2 drones", "", "Iran sold drones", "[Iran] sold [drones]"),
    ("iran NEAR/1 drones", "", "Iran has delivered many drones", False),
    ('iran NEAR/3 "su-35"', "", "Iran wants the Su-35 jets", "[Iran] wants the [Su-35] jets"),
    ("x OR iran NEAR/1 drones", "", "Iran drones", True),
    ("title:(iran NEAR/2 drones)", "Iran news", "drones", False),
    # field scopes
    ("title:iran", "Iran news", "Tehran said", "[Iran] news || Tehran said"),
    ("title:iran", "News", "Iran", False),
    ("text:iran", "Iran", "nothing", False),
    ("title:drones iran", "Drones", "Iran said", "[Drones] || [Iran] said"),
    ('title:"su-35"', "Su35 deal", "", "[Su35] deal || "),
    # case, accents, hyphens, scripts
    ("IRAN", "", "iran", "[iran]"),
    ("sukhoi", "", "SUKHOÏ", "[SUKHOÏ]"),
    ("café", "", "CAFE", "[CAFE]"),
    ("su-35", "", "Su-35, Su35, SU 35 and su\u201135", "[Su-35], [Su35], [SU 35] and [su\u201135]"),
    ("Su35", "", "the Su-35 deal", "the [Su-35] deal"),
    ("su-35", "", "Su 3 5", False),
    ("s-400", "", "Iran's 400 drones", False),
    ("anti-aircraft", "", "anti aircraft guns", "[anti aircraft] guns"),
    ("136", "", "شاهد-۱۳۶", "شاهد-[۱۳۶]"),
    ("ایران", "", "ايران", "[ايران]"),
    ("کشور", "", "كشور", "[كشور]"),
    ("пво", "", "ПВО", "[ПВО]"),
    # aliases across Latin, Cyrillic and Persian
    ("shahed-136", "", "Россия получила партию «Герань-2»", "Россия получила партию «[Герань-2]»"),
    ("geran-2", "", "سپاه پاسداران از پهپاد شاهد-۱۳۶ استفاده کرد", "سپاه پاسداران از پهپاد [شاهد-۱۳۶] استفاده کرد"),
    ("shahed-136", "", "Москва запускает Герани-2 каждую ночь", "Москва запускает [Герани-2] каждую ночь"),
    ("shahed", "", "партия «Герань-2»", "партия «[Герань-2]»"),  # a family name matches its members
    ("su-35", "", "Иран получил первые Су-35", "Иран получил первые [Су-35]"),
    ("sukhoi-35", "", "the Su35 deal", "the [Su35] deal"),
    ("s-400", "", "ЗРК С-400 развернут", "ЗРК [С-400] развернут"),
    ("triumf", "", "the S 400 system", "the [S 400] system"),
    ("alabuga", "", "завод в Елабуге", "завод в [Елабуге]"),
    ("yelabuga", "", "the Alabuga special economic zone", "the [Alabuga] special economic zone"),
    ("fath-360", "", "ракеты Фатх-360", "ракеты [Фатх-360]"),
    ("fath-360", "", "موشک فتح-۳۶۰", "موشک [فتح-۳۶۰]"),
    ("mohajer-6", "", "پهپاد مهاجر-۶", "پهپاد [مهاجر-۶]"),
    ("mohajer-6", "", "беспилотник Мохаджер-6", "беспилотник [Мохаджер-6]"),
    ("IRGC", "", "Корпус стражей исламской революции (КСИР)", "[Корпус стражей исламской революции] ([КСИР])"),
    ("IRGC", "", "سپاه پاسداران", "[سپاه پاسداران]"),
    ('"revolutionary guards"', "", "the IRGC said", "the [IRGC] said"),
    ('"islamic revolutionary guard corps"', "", "КСИР заявил", "[КСИР] заявил"),
    ('"shahed-136 alabuga"~5', "", "«Герань-2» собирают в Елабуге", "«[Герань-2]» собирают в [Елабуге]"),
    ("drones -IRGC", "", "drones of the КСИР", False),
]


def _shown(title: str, text: str, match: Match) -> str:
    body = highlight(text, match.field_spans("text"))
    return f"{highlight(title, match.field_spans('title'))} || {body}" if title else body


@pytest.mark.parametrize(("query", "title", "text", "expected"), CASES)
def test_query_cases(query: str, title: str, text: str, expected: bool | str) -> None:
    match = parse_query(query).match(Document(title=title, text=text))
    assert (match is not None) == bool(expected)
    if isinstance(expected, str):
        assert _shown(title, text, match) == expected


def test_case_table_is_large_enough() -> None:
    assert len(CASES) >= 40


# (query, 1-based column, words the hint must contain)
BAD = [
    ('iran "drones', 6, "close the quote opened at column 6"),
    ("iran NEAR drones", 6, "NEAR needs a distance, like NEAR/10"),
    ("iran NEAR/x drones", 6, "NEAR/10"),
    ("body:iran", 1, "unknown field 'body': use title: or text:"),
    ("iran AND", 6, "add a term after AND"),
    ("(iran OR russia", 1, "close the parenthesis opened at column 1"),
    ("iran) drones", 5, "remove this ')'"),
    ("mis*le", 1, "only a trailing *"),
    ("iran && drones", 6, "use AND"),
    ("iran~2", 5, '"iran drones"~10'),
    ('"iran drones"~ x', 14, "whole number after ~"),
    ("", 1, "at least one term"),
    ("title:", 1, "title:iran"),
    ("iran OR OR drones", 9, "between two terms"),
    ('""', 1, "words between the quotes"),
    ("(iran OR russia) NEAR/5 drones", 18, "not (groups)"),
    ("iran NEAR/5", 6, "between two terms"),
    ("iran NEAR/5 drones NEAR/7 jets", 20, "one distance"),
    ("title:text:iran", 7, "drop 'text:'"),
    ("[a TO b]", 1, "words themselves"),
    ("*", 1, "letters before the *"),
    ("iran\\", 5, "backslash"),
    ("!iran", 1, "use NOT or -term"),
]


@pytest.mark.parametrize(("query", "column", "hint"), BAD)
def test_bad_query_is_refused_with_column_and_hint(query: str, column: int, hint: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    error = caught.value
    assert error.position == column - 1
    assert hint in error.hint
    assert str(error) == f"column {column}: {error.message}: {error.hint}"
    assert "\n" not in str(error)


def test_error_message_reads_as_one_line() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query('iran "su-35 jets')
    assert str(caught.value) == "column 6: unbalanced quote: close the quote opened at column 6"
    assert isinstance(caught.value, ValueError)


FUZZ_PIECES = [
    "iran",
    "su-35",
    "Герань-2",
    "شاهد",
    "AND",
    "OR",
    "NOT",
    "NEAR/3",
    "NEAR",
    "-",
    "+",
    "(",
    ")",
    '"',
    "~",
    "~2",
    "*",
    ":",
    "title:",
    "body:",
    "^",
    "[",
    "]",
    "{",
    "}",
    "\\",
    "/",
    "!",
    "&&",
    "?",
    " ",
    " ",
    "'",
]


def test_fuzzed_queries_parse_or_raise_query_error() -> None:
    rng = random.Random(4)
    doc = Document(title="Iran Su-35", text="Россия получила «Герань-2» и شاهد-۱۳۶ iran drones")
    refused = accepted = 0
    for _ in range(600):
        if rng.random() < 0.3:  # raw random characters, not only syntax pieces
            text = "".join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x400, 0x700)])) for _ in range(12))
        else:
            text = "".join(rng.choice(FUZZ_PIECES) + rng.choice(["", " "]) for _ in range(rng.randrange(1, 9)))
        try:
            query = parse_query(text)
        except QueryError as error:
            assert 0 <= error.position <= len(text) and error.hint
            refused += 1
        else:
            query.match(doc)
            accepted += 1
    assert refused > 50 and accepted > 50


def test_spans_point_into_the_original_text_when_folding_changes_lengths() -> None:
    text = "Ma\u0301rz: the ﬁnal Su-35 deal with straße and Sukhoï"
    match = parse_query("su-35 OR final OR strasse OR sukhoi").match(Document("", text))
    assert [text[a:b] for a, b in match.field_spans("text")] == ["ﬁnal", "Su-35", "straße", "Sukhoï"]


def test_match_reports_the_terms_as_written() -> None:
    match = parse_query('iran NEAR/5 drones OR "su-35" -exercise').match(Document("", "Iran drones and Су-35"))
    assert match.terms == ("iran", "drones", '"su-35"')


def test_pure_negation_matches_without_spans() -> None:
    assert parse_query("-exercise").match(Document("Iran", "drones")) == Match(spans=(), terms=())


def test_aliases_extend_from_config_and_merge_groups() -> None:
    table = AliasTable.default().with_groups([["Kinzhal", "Кинжал"], ["Geran-2", "Geranium-2"]])
    assert parse_query("kinzhal", table).match(Document("", "ракета «Кинжал»"))
    merged = next(g for g in table.groups if "Geranium-2" in g)
    assert "Shahed-136" in merged and "Герань-2" in merged
    assert parse_query("geranium-2", table).match(Document("", "شاهد-۱۳۶"))


def test_no_aliases_when_given_an_empty_table() -> None:
    assert parse_query("shahed-136", AliasTable()).match(Document("", "«Герань-2»")) is None


def test_alias_member_without_letters_is_refused() -> None:
    with pytest.raises(ValueError, match="letters or digits"):
        AliasTable([["Kinzhal", "--"]])


def test_query_keeps_its_text() -> None:
    assert str(parse_query("iran drones")) == "iran drones"
