"""The whole slice as a user runs it: `newswatch crawl` twice against two fixture outlets on loopback.

Run 1 stores every article once (a syndicated wire copy linked to the first), records every bad page
with its URL and reason; run 2 stores nothing new, records the one update, and gets 304s for the
unchanged listings. Then the crawl is recorded and replayed with no server at all.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import make_engine, session_scope
from storage.models import Article, Revision
from tests.outlet_site import BAD_ALPHA, CHANGING, GOOD_ALPHA, GOOD_BETA, SYNDICATED, OutletSite
from tests.storage_fixtures import DIALECTS, drop_schema, postgres_admin_url, sqlite_url, temporary_schema_url

pytestmark = pytest.mark.slow


def newswatch(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", *args],
        capture_output=True, text=True, timeout=300, cwd=cwd,
    )


def crawl(config: Path, db: str, *extra: str) -> list[dict]:
    result = newswatch("crawl", "--config", str(config), "--db", db, "--json", "--no-progress", *extra)
    assert result.returncode == 0, result.stderr
    return {run["source"]: run for run in json.loads(result.stdout)}


@pytest.fixture(scope="module")
def site():
    served = OutletSite().start()
    yield served
    served.stop()


@pytest.fixture(scope="module", params=DIALECTS)
def two_runs(request, site: OutletSite, tmp_path_factory):
    """Both crawls, on SQLite and on PostgreSQL (a schema of its own, dropped afterwards)."""
    folder = tmp_path_factory.mktemp("crawl")
    config = folder / "sources.toml"
    config.write_text(site.sources_toml(timeout=1.5), "utf-8")
    schema = None
    if request.param == "postgresql":
        admin = postgres_admin_url()
        db, schema = temporary_schema_url(admin)
    else:
        db = sqlite_url(folder)
    try:
        first = crawl(config, db, "--record", str(folder / "recorded"))
        site.version = 2
        second = crawl(config, db)
        site.version = 1
        yield {"db": db, "first": first, "second": second, "folder": folder}
    finally:
        site.version = 1
        if schema is not None:
            drop_schema(admin, schema)


def stored(db: str) -> list[Article]:
    engine = make_engine(db)
    with session_scope(engine) as session:
        articles = list(session.scalars(select(Article)))
        session.expunge_all()
    engine.dispose()
    return articles


def test_run_one_stores_every_article_once(two_runs):
    articles = stored(two_runs["db"])
    urls = sorted(article.url.split("/", 3)[3] for article in articles)
    expected = sorted(f"alpha/{slug}" for slug in [*GOOD_ALPHA, CHANGING]) + sorted(
        f"beta/{slug}" for slug in [*GOOD_BETA, SYNDICATED]
    )
    assert sorted(urls) == sorted(expected)
    first = two_runs["first"]
    assert first["alpha"]["new"] + first["beta"]["new"] == len(expected) - 1
    assert first["alpha"]["duplicates"] + first["beta"]["duplicates"] == 1


def test_syndicated_copy_is_linked_to_the_first(two_runs):
    by_path = {article.url.split("/", 3)[3]: article for article in stored(two_runs["db"])}
    original, copy = by_path["alpha/a/wire-un-curbs"], by_path[f"beta/{SYNDICATED}"]
    assert {original.duplicate_of, copy.duplicate_of} - {None} in ({original.id}, {copy.id})
    assert sum(article.duplicate_of is not None for article in by_path.values()) == 1


def test_every_bad_page_is_recorded_with_url_and_reason(two_runs):
    failures = {f["url"].rsplit("/alpha/", 1)[-1]: f for f in two_runs["first"]["alpha"]["failures"]}
    for slug, kind in BAD_ALPHA.items():
        assert slug in failures, f"{slug} not recorded: {sorted(failures)}"
        assert failures[slug]["kind"].startswith(kind), failures[slug]
        assert failures[slug]["reason"]
    beta_failures = two_runs["first"]["beta"]["failures"]
    assert [(f["kind"], f["url"].rsplit("/", 1)[-1]) for f in beta_failures] == [("not_feed", "broken-feed.xml")]
    assert two_runs["first"]["alpha"]["errors"] == len(BAD_ALPHA)


def test_run_two_stores_nothing_new_and_records_the_update(two_runs):
    second = two_runs["second"]
    assert second["alpha"]["new"] == second["beta"]["new"] == 0
    assert second["alpha"]["updated"] == 1 and second["beta"]["updated"] == 0
    engine = make_engine(two_runs["db"])
    with session_scope(engine) as session:
        revisions = list(session.scalars(select(Revision)))
        assert len(revisions) == 1
        article = session.get(Article, revisions[0].article_id)
        assert article.url.endswith(CHANGING)
        assert "extending his stay by a day" in article.text
        assert "extending his stay" not in revisions[0].text
    engine.dispose()


def test_run_two_gets_304_for_unchanged_listings_and_fetches_little(two_runs):
    first, second = two_runs["first"], two_runs["second"]
    # alpha: the section is unchanged (304; the sitemap changed with the article). Its feed lists pages
    # that failed for a passing reason (HTTP 500, a timeout, a reset): it waits for them, so it is read
    # in full again and they are tried again. beta: its Atom feed 304; its broken feed, which is no
    # feed, keeps no validators and is read again (it may be fixed).
    assert second["alpha"]["not_modified"] == 1 and second["beta"]["not_modified"] == 1
    retried = {f["url"].rsplit("/alpha/", 1)[-1]: f["kind"] for f in second["alpha"]["failures"]}
    assert retried == {"a/server-error": "http_500", "a/slow": "timeout", "a/reset": "connection"}
    bytes_first = first["alpha"]["bytes_fetched"] + first["beta"]["bytes_fetched"]
    bytes_second = second["alpha"]["bytes_fetched"] + second["beta"]["bytes_fetched"]
    # The changed article, alpha's feed read again, and the three pages tried again: about a third.
    assert bytes_second < 0.4 * bytes_first
    assert second["alpha"]["failures"] == [] or all(f["kind"] != "download" for f in second["alpha"]["failures"])


def test_articles_command_lists_what_was_stored(two_runs):
    result = newswatch("articles", "--db", two_runs["db"], "--json", "--source", "beta")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {row["source"] for row in rows} == {"beta"}
    assert any(row["language"] == "fa" for row in rows)
    shown = newswatch("show", str(rows[0]["id"]), "--db", two_runs["db"], "--json")
    assert json.loads(shown.stdout)["text"] == rows[0]["text"]


def test_export_csv_has_every_article(two_runs):
    result = newswatch("export", "--format", "csv", "--db", two_runs["db"])
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("id,source,url") and len(stored(two_runs["db"])) == len(
        [line for line in lines if line.split(",", 1)[0].isdigit()]
    )


def test_recorded_crawl_replays_without_the_server(two_runs, tmp_path):
    recorded = two_runs["folder"] / "recorded"
    assert (recorded / "index.jsonl").is_file() and (recorded / "sources.toml").is_file()
    db = f"sqlite:///{tmp_path / 'replayed.db'}"
    result = newswatch("crawl", "--replay", str(recorded), "--db", db, "--json", "--no-progress")
    assert result.returncode == 0, result.stderr
    runs = {run["source"]: run for run in json.loads(result.stdout)}
    assert runs["alpha"]["new"] + runs["beta"]["new"] + runs["alpha"]["duplicates"] + runs["beta"]["duplicates"] == len(
        stored(two_runs["db"])
    )
    assert {article.url for article in stored(db)} == {article.url for article in stored(two_runs["db"])}
