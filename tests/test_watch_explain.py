"""`newswatch watch explain` and `watch try --explain`: which clause of a rule matched or failed an
article, and which alias, stem or fold carried each term; and that the explanation's verdict is the
matcher's on every case of the query, language and alias tables."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawler.alerts.aliases import AliasTable
from crawler.alerts.explain import Explanation, NodeExplanation, explain
from crawler.alerts.matcher import RuleMatcher
from crawler.alerts.query import Document, parse_query
from crawler.cli import app
from crawler.stages import store_page
from storage.db import make_engine, session_scope
from tests import test_alerts_aliases, test_alerts_languages, test_alerts_matcher, test_alerts_query
from tests.storage_fixtures import record
from tests.test_crawl_end_to_end import newswatch

WATCHES = """
[mail]
from = "newswatch@example.org"

[aliases]
groups = [["Kinzhal", "Кинжал"]]

[[watch]]
name = "iran-drones"
query = '(shahed OR "geran-2") AND russia'
recipients = ["analyst@example.org"]

[[watch]]
name = "su35"
query = 'title:su-35 OR "su-35" NEAR/10 deliver*'
recipients = ["desk@example.org"]

[[watch]]
name = "fighters-fa"
query = 'جنگنده AND su-35'
recipients = ["desk@example.org"]

[[watch]]
name = "no-drills"
query = 'shahed -exercise'
recipients = ["desk@example.org"]

[[watch]]
name = "close"
query = 'iran NEAR/2 drones'
recipients = ["desk@example.org"]

[[watch]]
name = "kommersant-only"
query = 'shahed'
recipients = ["desk@example.org"]
sources = ["Kommersant"]
languages = ["ru"]

[[watch]]
name = "kinzhal"
query = 'kinzhal'
recipients = ["desk@example.org"]
"""

ARTICLES = {
    "en": dict(url="https://www.reuters.com/world/iran-su35", source="Reuters", language="en",
               title="Iran gets its first Su-35s", text="Russia delivered the first batch of jets to Tehran on Monday."),
    "ru": dict(url="https://www.kommersant.ru/doc/123", source="Kommersant", language="ru", title="Шахедов стало больше",
               text="Россия получила новую партию «Герань-2» из Алабуги. Ракеты «Кинжал» не упоминались."),
    "fa": dict(url="https://www.isna.ir/news/456", source="ISNA", language="fa", title="جنگنده‌های سوخو-۳۵",
               text="جنگنده‌های سوخو-۳۵ در اصفهان دیده شدند."),
    "drill": dict(url="https://www.example.org/drill", source="Reuters", language="en", title="Shahed drones",
                  text="Shahed drones were flown during a joint exercise near Isfahan."),
    "far": dict(url="https://www.example.org/far", source="Reuters", language="en", title="Deliveries",
                text="Iran has delivered many more drones to Russia this year."),
}

runner = CliRunner()


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, dict[str, int]]:
    """A SQLite database with the five articles stored as a crawl stores them, and the watch file."""
    folder = tmp_path_factory.mktemp("explain")
    db_url = f"sqlite:///{folder / 'newswatch.db'}"
    engine = make_engine(db_url)
    ids = {}
    for key, fields in ARTICLES.items():
        fields = dict(fields)
        with session_scope(engine) as session:
            ids[key] = store_page(session, record(fields.pop("url"), fields.pop("text"), **fields)).article_id
    engine.dispose()
    watches = folder / "watches.toml"
    watches.write_text(WATCHES, "utf-8")
    return db_url, watches, ids


def run(stored: tuple[str, Path, dict[str, int]], *args: str):
    db_url, watches, _ = stored
    result = runner.invoke(app, ["watch", "explain", *args, "--db", db_url, "--watches", str(watches)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def as_json(stored, *args: str) -> dict:
    result = run(stored, *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def nodes(tree: dict) -> list[dict]:
    """Every node of a JSON tree, depth first."""
    return [tree, *(n for child in tree.get("children", []) for n in nodes(child))]


def node(tree: dict, query: str) -> dict:
    return next(n for n in nodes(tree) if n["query"] == query)


def test_russian_inflected_forms_carried_by_stems_and_the_family(stored) -> None:
    result = run(stored, "iran-drones", str(stored[2]["ru"]))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert f"iran-drones on #{stored[2]['ru']} Kommersant, ru: Шахедов стало больше" in out
    assert '"Шахедов" in title at 0–7: alias group Shahed, member Шахед; ru stem "шахед" of "шахедов" (Snowball)' in out
    assert '"Герань-2" in text at 30–38: alias family Shahed → group Shahed-136, member Герань-2' in out
    assert '"Россия" in text at 0–6: alias group Russia, member Россия; ru stem "росс" of "россия"' in out
    assert "verdict: alert (the query matched and the rule's filters pass)" in out
    tree = as_json(stored, "iran-drones", str(stored[2]["ru"]))["tree"]
    shahed = node(tree, "shahed")
    family_hit = next(h for h in shahed["hits"] if h["surface"] == "Герань-2")
    assert family_hit["carried_by"] == [{"variant": "геран 2", "stemmed": True, "prefix": False,
                                         "group": "Shahed-136", "member": "Герань-2", "family": "Shahed"}]
    assert family_hit["stems"] == ["геран", "2"] and family_hit["tokens"] == ["герань", "2"]


def test_english_title_clause_and_near_with_a_wildcard(stored) -> None:
    data = as_json(stored, "su35", str(stored[2]["en"]))
    assert (data["matched"], data["alert"]) == (True, True)
    title = node(data["tree"], "title:su-35")
    assert title["field"] == "title" and title["matched"]
    assert [(h["field"], h["surface"], h["tokens"]) for h in title["hits"]] == [("title", "Su-35", ["su", "35"])]
    near = node(data["tree"], '"su-35" NEAR/10 deliver*')
    assert near["kind"] == "near" and not near["matched"]  # the text names no Su-35: only the title does
    assert near["reason"] == 'never in the same field: "su-35" in the title, deliver* in the text'
    wildcard = node(near, "deliver*")
    assert wildcard["hits"][0]["surface"] == "delivered" and wildcard["hits"][0]["carried_by"][0]["prefix"]


def test_persian_zwnj_suffix_and_digits(stored) -> None:
    data = as_json(stored, "fighters-fa", str(stored[2]["fa"]))
    assert data["alert"] and data["article"]["language"] == "fa"
    fighter = node(data["tree"], "جنگنده")
    zwnj = fighter["hits"][0]
    assert zwnj["surface"] == "جنگنده\u200cهای" and zwnj["stems"] == ["جنگنده"]
    assert zwnj["analysis"] == ['fa stem "جنگنده" of "جنگنده\u200cهای" (suffix after ZWNJ dropped)']
    su35 = node(data["tree"], "su-35")["hits"][0]
    assert su35["surface"] == "سوخو-۳۵" and su35["carried_by"][0]["member"] == "سوخو-۳۵"
    assert "digits folded: ۳ → 3, ۵ → 5" in su35["analysis"]


def test_a_not_clause_that_excludes(stored) -> None:
    result = run(stored, "no-drills", str(stored[2]["drill"]))
    assert result.exit_code == 0  # explained: the verdict is in the output, not the exit status
    assert 'NOT exercise — not matched: excluded because exercise holds: "exercise" in the text at' in result.stdout
    assert "verdict: no alert (the query did not match: 1 of 2 do not hold: NOT exercise)" in result.stdout
    data = as_json(stored, "no-drills", str(stored[2]["drill"]))
    negation = node(data["tree"], "NOT exercise")
    assert negation["kind"] == "not" and not negation["matched"] and negation["children"][0]["matched"]
    assert not data["matched"] and not data["alert"]


def test_a_near_that_fails_by_distance(stored) -> None:
    data = as_json(stored, "close", str(stored[2]["far"]))
    near = data["tree"]
    assert (near["kind"], near["matched"], near["distance"]) == ("near", False, 2)
    assert near["closest"] == {"field": "text", "gap": 4}
    assert "too far apart: 4 words between them at the closest, in the text (NEAR/2 allows 2)" in near["reason"]
    assert [h["surface"] for h in near["hits"]] == ["Iran", "drones"]  # the closest window
    assert all(child["matched"] for child in near["children"])  # each operand is there, only too far apart
    shown = run(stored, "close", str(stored[2]["far"])).stdout
    assert 'closest in the text: "Iran" at 0, "drones" at 29' in shown


def test_filters_decide_the_alert_when_the_query_matches(stored) -> None:
    data = as_json(stored, "kommersant-only", str(stored[2]["drill"]))
    assert data["matched"] and not data["alert"]
    assert data["filters"] == [
        {"filter": "sources", "allowed": ["Kommersant"], "value": "Reuters", "passed": False},
        {"filter": "languages", "allowed": ["ru"], "value": "en", "passed": False},
    ]
    assert data["reason"].startswith("source Reuters is not among the rule's sources (Kommersant)")
    assert as_json(stored, "kommersant-only", str(stored[2]["ru"]))["alert"]


def test_a_watch_file_alias_group_carries_a_term(stored) -> None:
    hit = node(as_json(stored, "kinzhal", str(stored[2]["ru"]))["tree"], "kinzhal")["hits"][0]
    assert hit["surface"] == "Кинжал" and hit["carried_by"][0]["group"] == "Kinzhal"


def test_json_shape_and_lookup_by_url(stored) -> None:
    data = as_json(stored, "--url", "http://www.reuters.com/world/iran-su35?utm_source=feed", "su35")
    assert set(data) == {"rule", "query", "article", "matched", "filters", "alert", "reason", "tree"}
    assert data["article"] == {"id": stored[2]["en"], "source": "Reuters", "url": ARTICLES["en"]["url"],
                               "title": "Iran gets its first Su-35s", "language": "en"}
    keys = {"kind", "query", "field", "matched", "reason"}
    for n in nodes(data["tree"]):
        extra = {"term": {"hits", "hits_total"}, "near": {"children", "distance", "closest", "hits"}}
        assert set(n) == keys | extra.get(n["kind"], {"children"}), n["kind"]
    hit = node(data["tree"], "title:su-35")["hits"][0]
    assert set(hit) == {"field", "start", "end", "tokens_at", "surface", "tokens", "stems", "carried_by", "analysis",
                        "snippet", "snippet_span"}
    start, end = hit["snippet_span"]
    assert hit["snippet"][start:end] == hit["surface"] == ARTICLES["en"]["title"][hit["start"] : hit["end"]]


def test_bad_input_is_one_line(stored) -> None:
    unknown_id = run(stored, "su35", "999999")
    assert (unknown_id.exit_code, unknown_id.stderr) == (1, "error: no article with id 999999\n")
    unknown_url = run(stored, "su35", "--url", "https://nowhere.example/story")
    assert (unknown_url.exit_code, unknown_url.stderr) == (1, "error: no article stored under https://nowhere.example/story\n")
    bad_url = run(stored, "su35", "--url", "ftp://files.example/x")
    assert (bad_url.exit_code, bad_url.stderr) == (2, "error: --url 'ftp://files.example/x': not an http(s) URL\n")
    neither = run(stored, "su35")
    assert neither.exit_code == 2 and neither.stderr == "error: name the article either by its id or with --url\n"
    db_url, watches, ids = stored
    unknown_rule = newswatch("watch", "explain", "nope", str(ids["en"]), "--db", db_url, "--watches", str(watches))
    assert unknown_rule.returncode == 1 and unknown_rule.stderr.startswith("error: no rule named 'nope'")
    assert len(unknown_rule.stderr.splitlines()) == 1 and unknown_rule.stdout == ""


def test_try_explain_on_ad_hoc_text(tmp_path: Path) -> None:
    (tmp_path / "w.toml").write_text("", "utf-8")
    base = ["watch", "try", "--watches", str(tmp_path / "w.toml")]
    hit = runner.invoke(app, [*base, "shahed", "--text", "Ночью Шахеды атаковали", "--explain"])
    assert hit.exit_code == 0 and 'ru stem "шахед" of "шахеды" (Snowball)' in hit.stdout
    assert "verdict: match" in hit.stdout
    miss = runner.invoke(app, [*base, "iran NEAR/1 drones", "--text", "Iran has delivered many drones", "--explain",
                               "--json"])
    assert miss.exit_code == 1 and json.loads(miss.stdout)["tree"]["closest"] == {"field": "text", "gap": 3}
    plain = runner.invoke(app, [*base, "su-35", "--text", "SU 35 jets", "--json"])
    assert plain.exit_code == 0
    assert json.loads(plain.stdout) == {"query": "su-35", "matched": True, "terms": ["su-35"], "spans": [["text", 0, 5]]}
    bad = runner.invoke(app, [*base, '"unclosed', "--text", "x", "--explain"])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: bad query: column 1")


def _covers(tree: NodeExplanation, spans: tuple) -> bool:
    """Every span of the match lies within a hit of a matched node of the tree."""
    places: list[tuple[str, int, int]] = []

    def walk(n: NodeExplanation) -> None:
        if n.matched and n.kind != "not":
            places.extend((h.field, h.start, h.end) for h in n.hits)
            for child in n.children:
                walk(child)

    walk(tree)
    return all(any(f == g and a <= s and e <= b for g, a, b in places) for f, s, e in spans)


def _agrees(query: str, doc: Document, aliases: AliasTable | None = None) -> Explanation:
    aliases = aliases or AliasTable.default()
    parsed = parse_query(query, aliases)
    explanation = explain(parsed, doc, aliases)
    match = parsed.match(doc)
    crawl = RuleMatcher([("r", parsed)]).matching(doc)
    assert explanation.matched == explanation.tree.matched == (match is not None) == bool(crawl), (query, doc)
    if match is not None:
        assert _covers(explanation.tree, match.spans), (query, doc)
    return explanation


TABLE_CASES = (
    [(q, Document(title, text)) for q, title, text, _ in test_alerts_query.CASES]
    + [(q, Document("", text)) for q, text, _ in test_alerts_languages.CASES]
    + [(name, Document("", text)) for name, _, text in test_alerts_aliases.CASES]
)


def test_verdict_is_the_matchers_on_every_table_case() -> None:
    verdicts = [_agrees(query, doc).matched for query, doc in TABLE_CASES]
    assert len(verdicts) > 150 and True in verdicts and False in verdicts


def test_verdict_is_the_matchers_on_random_rules() -> None:
    rng = random.Random(7)
    rules = test_alerts_matcher._rules(rng, 60)
    both = set()
    for _ in range(25):
        doc = test_alerts_matcher._doc(rng)
        for _, query in rules:
            both.add(_agrees(query.text, doc).matched)
    assert both == {True, False}
