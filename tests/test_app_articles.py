"""crawler.app.articles called directly, on SQLite and PostgreSQL: list, show, export, parse_since."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from crawler.app import articles
from crawler.app.articles import EXPORT_FIELDS, ExportFormat, export, list_articles, parse_since, show
from crawler.stages import store_page
from storage.db import session_scope
from storage.repositories import CrawlRuns
from tests.storage_fixtures import FETCHED, db_url_fixture, engine_fixture, record  # noqa: F401
from tests.test_dedup_fingerprints import UNRELATED, WIRE

URL = "https://www.reuters.com/world/iran-su35"
COPY_URL = "https://www.yahoo.com/news/iran-su35-093000.html"
OTHER_URL = "https://www.tehrantimes.com/news/drones"


def store(engine: Engine, url: str, text: str, **fields: object) -> int:
    with session_scope(engine) as session:
        return store_page(session, record(url, text, **fields)).article_id


@pytest.fixture
def stored(engine: Engine) -> dict[str, int]:
    """A wire story (updated once, copied by Yahoo, one failed fetch) and an unrelated older story."""
    authors = ["A. Writer", "B. Writer"]
    wire = store(engine, URL, WIRE, title="Iran gets Su-35s", authors=authors)
    store(engine, URL, WIRE + "\nUpdates with comment.", title="UPDATE 1-Iran gets Su-35s", authors=authors,
          fetched_at=FETCHED + timedelta(hours=1))
    copy = store(engine, COPY_URL, WIRE.upper(), source="Yahoo News", fetched_at=FETCHED + timedelta(hours=2))
    other = store(engine, OTHER_URL, UNRELATED, source="Tehran Times", title="Drones [exclusive]",
                  fetched_at=FETCHED - timedelta(days=10))
    with session_scope(engine) as session:
        runs = CrawlRuns(session)
        run_id = runs.start("Wire Agency", started_at=FETCHED)
        runs.record_failure(run_id, URL, "timeout", "took longer than 2 s")
        runs.record_failure(run_id, OTHER_URL, "http_500", None)
    return {"wire": wire, "copy": copy, "other": other}


def test_list_folds_copies_newest_first_and_filters(db_url: str, stored: dict[str, int]) -> None:
    rows = list_articles(db_url)
    assert [row["id"] for row in rows] == [stored["wire"], stored["other"]]  # no copy; newest first
    assert list(rows[0]) == list(EXPORT_FIELDS) and rows[0]["source"] == "Wire Agency"
    assert rows[0]["first_seen"] == FETCHED.isoformat()  # JSON-ready
    json.dumps(rows)
    assert [row["id"] for row in list_articles(db_url, source="Tehran Times")] == [stored["other"]]
    assert [row["id"] for row in list_articles(db_url, since=FETCHED - timedelta(days=1))] == [stored["wire"]]
    assert len(list_articles(db_url, limit=1)) == 1


def test_an_engine_is_lent_not_disposed(engine: Engine, stored: dict[str, int]) -> None:
    assert len(list_articles(engine)) == 2
    assert len(list_articles(engine)) == 2


def test_show_has_revisions_copies_and_failures(db_url: str, stored: dict[str, int]) -> None:
    detail = show(db_url, stored["wire"])
    assert detail is not None
    assert detail.article["title"] == "UPDATE 1-Iran gets Su-35s" and detail.article["revision_count"] == 1
    [revision] = detail.revisions
    assert revision["title"] == "Iran gets Su-35s" and revision["text"] == WIRE
    assert datetime.fromisoformat(revision["replaced_at"]) == FETCHED + timedelta(hours=1)
    assert detail.copies == [
        {"id": stored["copy"], "source": "Yahoo News", "url": COPY_URL,
         "first_seen": (FETCHED + timedelta(hours=2)).isoformat()},
    ]
    [failure] = detail.failures
    assert (failure["kind"], failure["reason"]) == ("timeout", "took longer than 2 s")
    data = detail.as_dict()
    assert data["text"] == detail.article["text"] and data["copies"] == detail.copies
    json.dumps(data)


def test_show_of_a_copy_names_its_original_and_of_nothing_is_none(db_url: str, stored: dict[str, int]) -> None:
    copy = show(db_url, stored["copy"])
    assert copy is not None and copy.article["duplicate_of"] == stored["wire"]
    assert (copy.revisions, copy.copies, copy.failures) == ([], [], [])
    assert show(db_url, 999_999) is None


def test_export_jsonl_has_every_article_copies_too(db_url: str, stored: dict[str, int]) -> None:
    lines = list(export(db_url))
    assert all(line.endswith("\n") for line in lines)
    assert sorted(json.loads(line)["id"] for line in lines) == sorted(stored.values())
    since = list(export(db_url, ExportFormat.jsonl, since=FETCHED - timedelta(days=1), source="Yahoo News"))
    assert [json.loads(line)["id"] for line in since] == [stored["copy"]]


def test_export_csv_has_a_header_and_joins_authors(db_url: str, stored: dict[str, int]) -> None:
    text = "".join(export(db_url, ExportFormat.csv))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert text.startswith(",".join(EXPORT_FIELDS[:3]))
    assert len(rows) == 3
    wire = next(row for row in rows if row["id"] == str(stored["wire"]))
    assert wire["authors"] == "A. Writer; B. Writer" and wire["text"].endswith("Updates with comment.")


def test_export_csv_of_an_empty_database_is_the_header(db_url: str) -> None:
    assert list(export(db_url, ExportFormat.csv)) == [",".join(EXPORT_FIELDS) + "\r\n"]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("30m", datetime(2026, 11, 20, 9, 0, tzinfo=UTC)),
        ("24h", datetime(2026, 11, 19, 9, 30, tzinfo=UTC)),
        (" 7D ", datetime(2026, 11, 13, 9, 30, tzinfo=UTC)),
        ("2w", datetime(2026, 11, 6, 9, 30, tzinfo=UTC)),
        ("2024-03-01", datetime(2024, 3, 1, tzinfo=UTC)),
        ("2024-03-01T10:00+02:00", datetime(2024, 3, 1, 8, 0, tzinfo=UTC)),
        (None, None),
    ],
)
def test_since_is_a_window_or_a_date(written: str | None, expected: datetime | None) -> None:
    assert parse_since(written, now=FETCHED) == expected


def test_a_bad_since_says_what_to_write() -> None:
    with pytest.raises(ValueError, match=r"'last week': give a window like 30m"):
        parse_since("last week")


def test_revision_diffs_say_which_words_an_update_changed(db_url: str, stored: dict[str, int]) -> None:
    detail = articles.show(db_url, stored["wire"])
    [update] = articles.revision_diffs(detail)
    assert (update["title_before"], update["title_after"]) == ("Iran gets Su-35s", "UPDATE 1-Iran gets Su-35s")
    assert len(update["changes"]) == 1 and update["changes"][0].endswith("{+Updates with comment.+}")
    assert articles.revision_diffs(articles.show(db_url, stored["other"])) == []


def test_word_changes_mark_replaced_removed_and_added_words() -> None:
    old = "Iran received 24 Su-35 jets from Russia on Monday, officials said."
    new = "Iran received 12 Su-35 jets from Russia, officials said in Tehran."
    assert articles.word_changes(old, new, context=2) == [
        "Iran received [-24-] {+12+} Su-35 jets…",
        "…jets from [-Russia on Monday,-] {+Russia,+} officials said.",
        "…Monday, officials [-said.-] {+said in Tehran.+}",
    ]
