"""RuleMatcher: many rules in one pass must give exactly what evaluating each rule alone gives."""

from __future__ import annotations

import random

import pytest

from crawler.alerts.matcher import RuleMatcher
from crawler.alerts.query import Document, Query, parse_query

WORDS = [
    "iran",
    "russia",
    "drones",
    "drone",
    "missiles",
    "jets",
    "deal",
    "sanctions",
    "exercise",
    "tehran",
    "su-35",
    "Су-35",
    "shahed-136",
    "Герань-2",
    "شاهد-۱۳۶",
    "alabuga",
    "Елабуге",
    "IRGC",
    "سپاه",
    "КСИР",
    "s-400",
    "triumf",
    "fath-360",
    "mohajer-6",
    "the",
    "said",
    "new",
    "Россия",
    "ایران",
]
TERMS = [
    "iran",
    "russia",
    "drone*",
    "missile*",
    "jets",
    "deal",
    "exercise",
    "su-35",
    "su35",
    "shahed-136",
    "geran-2",
    "alabuga",
    "IRGC",
    "s-400",
    "fath-360",
    "mohajer-6",
    '"new deal"',
    '"iran drones"',
    '"revolutionary guards"',
    "tehran",
    "росси*",
    "sanction*",
    "ایران",
]


def _atom(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return f'"{rng.choice(TERMS).strip(chr(34))} {rng.choice(TERMS).strip(chr(34))}"~{rng.randrange(0, 6)}'
    if roll < 0.25:
        return f"{rng.choice(TERMS)} NEAR/{rng.randrange(0, 6)} {rng.choice(TERMS)}"
    if roll < 0.35:
        return f"{rng.choice(['title', 'text'])}:{rng.choice(TERMS)}"
    return rng.choice(TERMS)


def _expression(rng: random.Random, depth: int = 0) -> str:
    if depth > 2 or rng.random() < 0.4:
        atom = _atom(rng)
        return f"-{atom}" if rng.random() < 0.15 and "NEAR" not in atom else atom
    op = rng.choice([" AND ", " OR ", " "])
    parts = [_expression(rng, depth + 1) for _ in range(rng.randrange(2, 4))]
    text = op.join(parts)
    return f"NOT ({text})" if rng.random() < 0.1 else f"({text})"


def _rules(rng: random.Random, n: int) -> list[tuple[str, Query]]:
    rules = [(f"rule{i}", parse_query(_expression(rng))) for i in range(n)]
    rules += [("pure-negation", parse_query("-exercise")), ("not-or", parse_query("NOT iran OR drones"))]
    return rules


def _doc(rng: random.Random) -> Document:
    def words(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    return Document(title=words(rng.randrange(0, 6)), text=words(rng.randrange(0, 40)))


def _one_by_one(rules: list[tuple[str, Query]], doc: Document) -> list:
    return [(name, m) for name, query in rules if (m := query.match(doc)) is not None]


@pytest.mark.parametrize("seed", range(4))
def test_matcher_equals_evaluating_every_rule(seed: int) -> None:
    rng = random.Random(seed)
    rules = _rules(rng, 80)
    matcher = RuleMatcher(rules)
    pairs = matched = 0
    for _ in range(100):
        doc = _doc(rng)
        expected = _one_by_one(rules, doc)
        assert matcher.matching(doc) == expected
        pairs += len(rules)
        matched += len(expected)
    assert pairs >= 8000 and 0 < matched < pairs  # a few hundred docs x rules, both outcomes exercised


def test_matcher_evaluates_only_rules_whose_terms_occur(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = [(f"r{i}", parse_query(f"term{i} drones")) for i in range(200)] + [("neg", parse_query("-exercise"))]
    matcher = RuleMatcher(rules)
    calls: list[str] = []
    original = RuleMatcher._evaluate

    def counting(self: RuleMatcher, index: int, fields):  # noqa: ANN001
        calls.append(rules[index][1].text)
        return original(self, index, fields)

    monkeypatch.setattr(RuleMatcher, "_evaluate", counting)
    result = matcher.matching(Document("", "term7 drones over term9"))
    assert [name for name, _ in result] == ["r7", "r9", "neg"]
    assert sorted(calls) == sorted(["term7 drones", "term9 drones", "-exercise"])


def test_matcher_finds_aliases_and_wildcards_in_one_pass() -> None:
    matcher = RuleMatcher(
        [
            ("shahed", parse_query("shahed-136")),
            ("missiles", parse_query("title:missile*")),
            ("irgc", parse_query('"revolutionary guards" NEAR/3 drones')),
        ]
    )
    doc = Document("Missiles fired", "سپاه پاسداران drones and «Герань-2»")
    assert [name for name, _ in matcher.matching(doc)] == ["shahed", "missiles", "irgc"]


def test_matcher_with_no_rules_or_no_positive_terms() -> None:
    assert RuleMatcher([]).matching(Document("a", "b")) == []
    only_negative = RuleMatcher([("n", parse_query("-iran"))])
    assert [name for name, _ in only_negative.matching(Document("Russia", ""))] == ["n"]
    assert only_negative.matching(Document("Iran", "")) == []
    assert len(only_negative) == 1
