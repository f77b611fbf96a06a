"""`newswatch search`: the full-text index picks candidates, the matcher confirms, so a search finds
exactly what a rule with the same query finds, on SQLite (FTS5) and PostgreSQL (tsvector + GIN)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from crawler.alerts.config import WatchConfig
from crawler.alerts.rules import WatchRule
from crawler.app.alerts import backtest
from crawler.app.search import QueryError, compile_query, prefilter, search, search_ids
from storage.db import make_engine, session_scope
from storage.search import AllOf, AnyOf, Token, match_expression
from tests.demo_db import demo_db_fixture  # noqa: F401
from tests.test_crawl_end_to_end import newswatch

GROUPS = (("kinzhal", "кинжал", "kh-47m2"),)
QUERIES = [
    "shahed",
    "drone*",
    '"su-35"',
    "su35",  # written without its hyphen: the matcher's tokens are su, 35
    "title:su-35",
    "text:geran*",
    "shahed NEAR/5 russia",
    '"shahed drones"~3',
    "(shahed OR \"geran-2\" OR drone*) AND (russia OR moscow)",
    "iran AND NOT drone*",
    "-missile*",
    "шахед",  # the shipped aliases make the Russian name find the English one
    "Герань",
    "détente",  # folded: finds "Détente"
    "kinzhal OR caspian",
    "title:(tehran AND russia) text:pilot*",
    "136",  # digits alone: the index cannot narrow, the matcher decides
]


def _rule_ids(db: str, query: str) -> set[int]:
    rule = WatchRule(name="probe", query=query, recipients=("a@example.org",))
    result = backtest(db, WatchConfig(rules=(rule,), alias_groups=GROUPS), "probe", None)
    return {hit.article_id for hit in result.hits}


@pytest.mark.parametrize("query", QUERIES)
def test_a_search_finds_what_a_rule_finds(demo_db: str, query: str) -> None:
    assert search_ids(demo_db, query, alias_groups=GROUPS) == _rule_ids(demo_db, query)


def test_the_queries_above_are_not_all_empty_or_all_full(demo_db: str) -> None:
    sizes = {query: len(search_ids(demo_db, query, alias_groups=GROUPS)) for query in QUERIES}
    total = len(search_ids(demo_db, "-zzzzunmatched"))
    assert total == 10
    assert 0 < sizes["shahed"] < total and 0 < sizes["шахед"] and sizes["title:su-35"] == 2
    assert sizes["su35"] == sizes['"su-35"'] and sizes["détente"] == 1 and 0 < sizes["-missile*"] < total


def test_the_index_narrows_what_the_matcher_reads(demo_db: str) -> None:
    result = search(demo_db, "title:su-35", limit=50)
    assert len(result.hits) == 2 and result.candidates_read == 2  # 10 stored: the index read only two
    assert all("Su-35" in hit.title for hit in result.hits)


def test_results_are_ranked_highlighted_and_paged(demo_db: str) -> None:
    ranked = search(demo_db, "moscow", limit=50).hits
    assert [bool(hit.match.field_spans("title")) for hit in ranked[:3]] == [True, True, False]  # titles weigh more
    assert [piece.text for piece in ranked[0].title_marked.pieces if piece.marked] == ["Moscow"]
    assert "«moscow»" in ranked[2].snippet().marked_text.lower()
    best = search(demo_db, "shahed", limit=3)
    assert len(best.hits) == 3 and best.more
    newest = search(demo_db, "shahed", order="newest", limit=50)
    dates = [(hit.published or hit.first_seen.isoformat()) for hit in newest.hits]
    assert dates == sorted(dates, reverse=True)
    rest = search(demo_db, "shahed", limit=50, offset=3)
    assert [h.article_id for h in best.hits + rest.hits] == [h.article_id for h in search(demo_db, "shahed", limit=50).hits]


def test_filters_by_source_language_and_time(demo_db: str) -> None:
    only = search(demo_db, "russia", sources=["kyiv_independent"], limit=50)
    assert only.hits and {hit.source for hit in only.hits} == {"kyiv_independent"}
    assert not search(demo_db, "russia", languages=["ru"], limit=50).hits
    from datetime import UTC, datetime

    assert not search(demo_db, "russia", since=datetime(2099, 1, 1, tzinfo=UTC)).hits


def test_a_bad_query_says_its_column() -> None:
    with pytest.raises(QueryError, match="column"):
        compile_query("shahed AND (russia")


def test_prefilter_clauses() -> None:
    clause = prefilter(compile_query("title:su-35 AND (iran OR 136) -exercise").root)
    # 35, 136 and NOT give no condition (an OR with one gives none); su-35's aliases are alternatives
    assert isinstance(clause, AnyOf) and Token("su", "title") in clause.parts
    assert Token("су", "title", prefix=True) in clause.parts  # a Russian stem finds the words it starts
    assert prefilter(compile_query("iran OR 136").root) is None
    both = prefilter(compile_query("shahed AND (russia OR moscow)", ).root)
    assert isinstance(both, AllOf) and any(isinstance(part, AnyOf) for part in both.parts)
    assert match_expression(Token("еж", "title", prefix=True), "sqlite") == '(title : "еж"* OR title : "ёж"*)'
    assert match_expression(AllOf((Token("su", "title"), Token("drone", prefix=True))), "sqlite") == '(title : "su" AND "drone"*)'
    assert match_expression(AllOf((Token("su", "title"), Token("iran", prefix=True))), "postgresql") == "('su':A & 'iran':*)"


def test_the_index_follows_updates_and_deletes(tmp_path) -> None:
    from crawler.stages import store_page
    from tests.storage_fixtures import record

    url = f"sqlite:///{tmp_path / 'x.db'}"
    engine = make_engine(url)
    with session_scope(engine) as session:
        article_id = store_page(session, record("https://a.example/1", "Kinzhal missiles fired at Kyiv.")).article_id
    assert search_ids(engine, "kinzhal") == {article_id}
    with session_scope(engine) as session:
        session.execute(text("UPDATE articles SET text = 'Zircon missiles fired at Kyiv.' WHERE id = :id"), {"id": article_id})
    assert search_ids(engine, "kinzhal") == set() and search_ids(engine, "zircon") == {article_id}
    with session_scope(engine) as session:
        session.execute(text("DELETE FROM articles WHERE id = :id"), {"id": article_id})
        fts = session.execute(text("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'zircon'")).scalar()
    assert fts == 0
    engine.dispose()


def test_cli_search_json_and_a_bad_query(demo_db: str) -> None:
    if not demo_db.startswith("sqlite"):
        pytest.skip("the CLI is dialect-blind: once is enough")
    found = newswatch("search", "title:su-35", "--db", demo_db, "--json")
    assert found.returncode == 0, found.stderr
    data = json.loads(found.stdout)
    assert data["count"] == 2 and all(hit["title_spans"] for hit in data["hits"])
    bad = newswatch("search", "shahed AND (", "--db", demo_db)
    assert bad.returncode == 2 and bad.stderr.startswith("error: bad query: column") and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_prefilter_leaves_out_what_another_part_makes_redundant() -> None:
    russia = prefilter(compile_query("russia").root)
    assert isinstance(russia, AnyOf) and Token("росс", prefix=True) in russia.parts
    assert not any(isinstance(p, Token) and p.text.startswith("росс") and p.text != "росс" for p in russia.parts)
    def clause(query: str):  # noqa: ANN202
        return prefilter(compile_query(query).root)

    assert clause("shahed OR (shahed AND drone)") == clause("shahed")  # the shipped aliases: an AnyOf
    assert clause("drone* AND drones") == clause("drones")
    assert clause("title:caspian OR caspian") == Token("caspian")
