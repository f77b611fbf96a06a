"""ArticleStore.store: every story once — new, updated (with its revision), duplicate, or unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crawler.dedup import canonical_url
from crawler.stages import store_page
from storage.articles import ArticleStore
from storage.db import session_scope
from storage.models import Article, NearDupKey, Revision, Source
from storage.records import StoreOutcome
from tests.storage_fixtures import FETCHED, db_url_fixture, engine_fixture, record  # noqa: F401
from tests.test_copy_pairs import daily_reports
from tests.test_dedup_fingerprints import REPUBLISHED, UNRELATED, WIRE

URL = "https://www.reuters.com/world/middle-east/iran-takes-delivery-su-35-2025-02-03"


def store(engine, rec):
    with session_scope(engine) as session:
        return store_page(session, rec)


def count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_new_url_is_new_and_stored_with_its_fields(engine) -> None:
    result = store(
        engine,
        record(
            URL + "?utm_source=rss",
            WIRE,
            canonical_url=URL,
            title="Iran takes delivery of first Su-35s",
            description="A senior official says the jets landed in Isfahan.",
            authors=["Parisa Hafezi"],
            published="2025-02-03T08:15:00+00:00",
            language="en",
            paywalled=False,
        ),
    )
    assert result.outcome is StoreOutcome.NEW
    assert result.duplicate_of is None
    with session_scope(engine) as session:
        article = ArticleStore(session).get(result.article_id)
        assert article is not None
        assert article.canonical_url == URL
        assert article.url == URL + "?utm_source=rss"
        assert article.source.name == "Wire Agency"
        assert article.authors == ["Parisa Hafezi"]
        assert article.published == "2025-02-03T08:15:00+00:00"
        assert article.published_at == datetime(2025, 2, 3, 8, 15, tzinfo=UTC)
        assert article.first_seen == FETCHED and article.first_seen.tzinfo is not None
        assert article.word_count > 150
        assert len(article.content_hash) == 64
        assert session.scalar(select(func.count()).where(NearDupKey.article_id == article.id)) == 8


def test_the_same_url_and_text_again_is_unchanged_and_touches_last_seen(engine) -> None:
    first = store(engine, record(URL, WIRE))
    later = FETCHED + timedelta(hours=6)
    again = store(engine, record(URL + "#comments", WIRE, fetched_at=later))
    assert again.outcome is StoreOutcome.UNCHANGED
    assert again.article_id == first.article_id
    with session_scope(engine) as session:
        article = session.get(Article, first.article_id)
        assert article.last_seen == later
        assert article.revision_count == 0
    assert count(engine, Article) == 1
    assert count(engine, Revision) == 0


def test_changed_text_at_the_same_url_is_an_update_that_keeps_the_old_version(engine) -> None:
    first = store(engine, record(URL, WIRE, title="Iran takes delivery of Su-35s"))
    later = FETCHED + timedelta(hours=2)
    updated_text = WIRE + "\nUpdates with Russian defence ministry comment in paragraph 4."
    result = store(engine, record(URL, updated_text, title="UPDATE 1-Iran takes delivery", fetched_at=later))
    assert result.outcome is StoreOutcome.UPDATED
    assert result.article_id == first.article_id
    with session_scope(engine) as session:
        article = session.get(Article, first.article_id)
        assert article.text == updated_text
        assert article.title == "UPDATE 1-Iran takes delivery"
        assert article.revision_count == 1
        assert article.updated_at == later
        [revision] = article.revisions
        assert revision.text == WIRE
        assert revision.title == "Iran takes delivery of Su-35s"
        assert revision.replaced_at == later
        assert revision.content_hash != article.content_hash
    assert count(engine, Article) == 1


def test_a_changed_headline_alone_is_an_update(engine) -> None:
    first = store(engine, record(URL, WIRE, title="Iran gets Su-35s"))
    result = store(engine, record(URL, WIRE, title="Iran takes delivery of first Su-35 jets"))
    assert (result.outcome, result.article_id) == (StoreOutcome.UPDATED, first.article_id)
    # an extraction that found no title does not erase the stored one
    assert store(engine, record(URL, WIRE, title=None)).outcome is StoreOutcome.UNCHANGED


def test_every_update_adds_one_revision(engine) -> None:
    texts = [WIRE, WIRE + "\nFirst correction.", WIRE + "\nSecond correction.", WIRE + "\nSecond correction."]
    outcomes = [store(engine, record(URL, text)).outcome for text in texts]
    assert outcomes == [StoreOutcome.NEW, StoreOutcome.UPDATED, StoreOutcome.UPDATED, StoreOutcome.UNCHANGED]
    with session_scope(engine) as session:
        article = session.scalars(select(Article)).one()
        assert [r.text for r in article.revisions] == texts[:2]
        assert article.revision_count == 2


def test_an_exact_copy_on_another_outlet_is_a_duplicate_of_the_first(engine) -> None:
    original = store(engine, record(URL, WIRE))
    copy = store(engine, record("https://www.yahoo.com/news/iran-su35-093000.html", WIRE.upper(), source="Yahoo News"))
    assert copy.outcome is StoreOutcome.DUPLICATE
    assert copy.duplicate_of == original.article_id
    assert copy.similarity == 1.0
    assert copy.article_id != original.article_id
    with session_scope(engine) as session:
        stored = session.get(Article, copy.article_id)
        assert stored.duplicate_of == original.article_id
        assert stored.source.name == "Yahoo News"
    assert count(engine, Source) == 2


def test_a_lightly_edited_wire_copy_is_linked_to_the_first_copy(engine) -> None:
    original = store(engine, record(URL, WIRE))
    copy = store(
        engine, record("https://www.tehrantimes.com/news/500123/iran-su-35", REPUBLISHED, source="Tehran Times")
    )
    assert copy.outcome is StoreOutcome.DUPLICATE
    assert copy.duplicate_of == original.article_id
    assert 0.6 <= copy.similarity < 1.0


def test_a_copy_of_a_copy_links_to_the_first_copy(engine) -> None:
    original = store(engine, record(URL, WIRE))
    store(engine, record("https://www.tehrantimes.com/news/1", REPUBLISHED))
    third = store(engine, record("https://example.org/news/2", REPUBLISHED + "\nCopyright Example."))
    assert third.outcome is StoreOutcome.DUPLICATE
    assert third.duplicate_of == original.article_id


def test_a_different_story_on_the_same_topic_is_new(engine) -> None:
    store(engine, record(URL, WIRE))
    other = store(engine, record("https://kyivindependent.com/shaheds-overnight", UNRELATED))
    assert other.outcome is StoreOutcome.NEW
    assert other.duplicate_of is None


def test_short_identical_texts_are_not_called_duplicates(engine) -> None:
    store(engine, record("https://example.com/a", "Watch the video: Iran shows new drone."))
    result = store(engine, record("https://example.com/b", "Watch the video: Iran shows new drone."))
    assert result.outcome is StoreOutcome.NEW


def test_an_update_reindexes_near_duplicate_keys(engine) -> None:
    first = store(engine, record(URL, UNRELATED))
    store(engine, record(URL, WIRE))  # the page now carries the wire story
    copy = store(engine, record("https://www.tehrantimes.com/news/1", REPUBLISHED))
    assert (copy.outcome, copy.duplicate_of) == (StoreOutcome.DUPLICATE, first.article_id)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).where(NearDupKey.article_id == first.article_id)) == 8


def test_naive_fetch_times_are_refused(engine) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        store(engine, record(URL, WIRE, fetched_at=datetime(2026, 1, 1)))
    assert count(engine, Article) == 0


def test_known_urls_matches_by_canonical_form_and_fetched_url(engine) -> None:
    store(engine, record("https://www.example.com/p/123?utm_source=rss", WIRE, canonical_url="/2025/iran-su35"))
    known = ArticleStoreQuery(engine).known(
        [
            "http://www.example.com/2025/iran-su35/",  # canonical form
            "https://www.example.com/2025/iran-su35?fbclid=x#top",
            "https://www.example.com/p/123?utm_source=rss",  # the URL fetched
            "https://www.example.com/p/123",  # its canonical form
            "https://www.example.com/2025/other-story",
        ]
    )
    assert known == {
        "http://www.example.com/2025/iran-su35/",
        "https://www.example.com/2025/iran-su35?fbclid=x#top",
        "https://www.example.com/p/123?utm_source=rss",
        "https://www.example.com/p/123",
    }


class ArticleStoreQuery:
    def __init__(self, engine) -> None:
        self.engine = engine

    def known(self, urls: list[str]) -> set[str]:
        keys = {url: canonical_url(url) for url in urls}
        with session_scope(self.engine) as session:
            found = ArticleStore(session).known_keys(iter(keys.values()))
        return {url for url, key in keys.items() if key in found}


def test_known_urls_handles_more_urls_than_one_query_takes(engine) -> None:
    store(engine, record("https://example.com/news/7", WIRE))
    urls = [f"https://example.com/news/{i}" for i in range(1200)]
    assert ArticleStoreQuery(engine).known(urls) == {"https://example.com/news/7"}


def test_list_filters_by_date_and_source_newest_first_without_duplicates(engine) -> None:
    old = record("https://a.example/1", UNRELATED, source="Kyiv Independent", published="2025-01-01")
    new = record("https://b.example/2", WIRE, published="2025-02-03T08:15:00+00:00")
    dup = record("https://c.example/3", REPUBLISHED, source="Tehran Times", published="2025-02-04")
    ids = [store(engine, r).article_id for r in (old, new, dup)]
    with session_scope(engine) as session:
        articles = ArticleStore(session)
        assert [a.id for a in articles.list()] == [ids[1], ids[0]]
        assert [a.id for a in articles.list(include_duplicates=True)] == [ids[2], ids[1], ids[0]]
        assert [a.id for a in articles.list(since=datetime(2025, 2, 1, tzinfo=UTC))] == [ids[1]]
        assert [a.id for a in articles.list(source="Kyiv Independent")] == [ids[0]]
        assert [a.id for a in articles.list(limit=1)] == [ids[1]]
        assert articles.list(source="Nobody") == []


def test_ensure_source_creates_once_and_updates_title(engine) -> None:
    with session_scope(engine) as session:
        articles = ArticleStore(session)
        first = articles.ensure_source("al_monitor")
        again = articles.ensure_source("al_monitor", "Al-Monitor", "https://www.al-monitor.com/")
        assert first == again
    with session_scope(engine) as session:
        source = session.scalars(select(Source)).one()
        assert (source.title, source.homepage) == ("Al-Monitor", "https://www.al-monitor.com/")


def test_store_never_commits(engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        store_page(session, record(URL, WIRE))
        raise RuntimeError("the crawl failed after storing")
    assert count(engine, Article) == 0


def test_six_daily_template_reports_are_six_stories(engine) -> None:
    """Issue 11: six air force reports of one template (~87% the same wording, other figures and
    headlines) were stored as one story and five copies; each is a story of its own."""
    results = [
        store(engine, record(f"https://kyivindependent.com/air-force-report-{n}", report.text, title=report.title))
        for n, report in enumerate(daily_reports(), 1)
    ]
    assert [result.outcome for result in results] == [StoreOutcome.NEW] * 6
    # a wire copy of one of them at another outlet is still linked to it
    copy = store(
        engine,
        record("https://www.yahoo.com/news/ukraine-drones-3", daily_reports()[2].text.replace("KYIV, Nov 5 (Reuters) - ", ""),
               source="Yahoo News", title="Ukraine shoots down 52 of 61 Russian drones"),
    )  # fmt: skip
    assert (copy.outcome, copy.duplicate_of) == (StoreOutcome.DUPLICATE, results[2].article_id)


def test_articles_stored_without_facts_are_compared_by_their_text(engine) -> None:
    """A row stored before articles.facts (NULL) still tells a template report from a copy."""
    first, second = daily_reports()[:2]
    stored = store(engine, record("https://a.example/report-1", first.text, title=first.title))
    with session_scope(engine) as session:
        session.get(Article, stored.article_id).facts = None
    other = store(engine, record("https://b.example/report-2", second.text, title=second.title))
    copy = store(engine, record("https://c.example/report-1", first.text + "\nCopyright C.", title=first.title))
    assert other.outcome is StoreOutcome.NEW
    assert (copy.outcome, copy.duplicate_of) == (StoreOutcome.DUPLICATE, stored.article_id)
