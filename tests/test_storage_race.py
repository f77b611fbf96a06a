"""Two processes, each with its own engine, storing the same articles at once: each is stored once.

The processes also race the first-use migration of an empty database."""

from __future__ import annotations

import multiprocessing

from sqlalchemy import func, select

from crawler.stages import store_page
from storage.db import make_engine, session_scope
from storage.models import Article
from tests.storage_fixtures import db_url_fixture  # noqa: F401

ARTICLES = 40
WRITERS = 3


def _text(i: int) -> str:
    return " ".join(f"story{i} paragraph word{j} about drones and jets number {j * i}" for j in range(12))


def _writer(url: str, barrier, results) -> None:
    from tests.storage_fixtures import record

    barrier.wait(timeout=60)
    engine = make_engine(url)  # migrates the empty database: every writer races that too
    outcomes = []
    for i in range(ARTICLES):
        with session_scope(engine) as session:
            result = store_page(session, record(f"https://example.com/news/{i}?utm_source=w", _text(i)))
            outcomes.append((i, result.outcome.value, result.article_id))
    engine.dispose()
    results.put(outcomes)


def test_racing_writers_store_each_article_once(db_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(WRITERS), context.Queue()
    writers = [context.Process(target=_writer, args=(db_url, barrier, results)) for _ in range(WRITERS)]
    for process in writers:
        process.start()
    outcomes = [results.get(timeout=120) for _ in writers]
    for process in writers:
        process.join(timeout=30)
        assert process.exitcode == 0
    for i in range(ARTICLES):
        seen = sorted(outcome for run in outcomes for (n, outcome, _) in run if n == i)
        assert seen == ["new"] + ["unchanged"] * (WRITERS - 1), (i, seen)
        assert len({article_id for run in outcomes for (n, _, article_id) in run if n == i}) == 1
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == ARTICLES
    engine.dispose()


def _syndicating_writer(url: str, writer: int, barrier, results) -> None:
    from tests.storage_fixtures import record

    engine = make_engine(url)
    barrier.wait(timeout=60)
    outcomes = []
    for i in range(ARTICLES):  # every writer publishes every story at its own outlet, at the same moment
        with session_scope(engine) as session:
            result = store_page(session, record(f"https://outlet{writer}.example/{i}", _text(i)))
            outcomes.append((i, result.outcome.value))
    engine.dispose()
    results.put(outcomes)


def test_one_story_racing_in_at_several_outlets_is_stored_once_plus_copies(db_url: str) -> None:
    make_engine(db_url).dispose()  # migrate first: this race is about the stories
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(WRITERS), context.Queue()
    writers = [
        context.Process(target=_syndicating_writer, args=(db_url, n, barrier, results)) for n in range(WRITERS)
    ]
    for process in writers:
        process.start()
    outcomes = [results.get(timeout=120) for _ in writers]
    for process in writers:
        process.join(timeout=30)
        assert process.exitcode == 0
    for i in range(ARTICLES):
        seen = sorted(outcome for run in outcomes for (n, outcome) in run if n == i)
        assert seen == ["duplicate"] * (WRITERS - 1) + ["new"], (i, seen)
