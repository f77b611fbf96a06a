"""The database fixtures of the storage tests: every test runs on SQLite, and on PostgreSQL when
NEWSWATCH_TEST_PG_URL names one (e.g. postgresql+psycopg://root@127.0.0.1:5432/test).

Each PostgreSQL test gets a schema of its own (dropped afterwards) through the URL's search_path, so
runs on one server never see each other's rows. Without the variable the PostgreSQL cases skip, but
with CI=true a missing or unreachable server fails them: CI must not pass on SQLite alone.

    from tests.storage_fixtures import db_url_fixture, engine_fixture  # noqa: F401  (pytest collects them)
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from crawler.extraction import Article
from crawler.items import Page
from storage.db import make_engine, normalise_url

PG_URL_ENV = "NEWSWATCH_TEST_PG_URL"
DIALECTS = ["sqlite", "postgresql"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def _unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason}, and CI is set: the PostgreSQL storage tests must run in CI", pytrace=False)
    pytest.skip(reason)


def postgres_admin_url() -> str:
    """The PostgreSQL server under test, or skip (fail in CI) when there is none."""
    url = os.environ.get(PG_URL_ENV, "").strip()
    if not url:
        _unavailable(f"{PG_URL_ENV} is not set")
    try:
        probe = create_engine(normalise_url(url))
        with probe.connect():
            pass
        probe.dispose()
    except OperationalError as error:
        _unavailable(f"PostgreSQL at {make_url(url).render_as_string(hide_password=True)} is unreachable: {error}")
    return url


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'newswatch.db'}"


def temporary_schema_url(admin_url: str) -> tuple[str, str]:
    """A new schema on the server and a URL whose connections put it first on the search_path."""
    schema = f"nw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(admin_url))
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    admin.dispose()
    url = normalise_url(admin_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def drop_schema(admin_url: str, schema: str) -> None:
    admin = create_engine(normalise_url(admin_url))
    with admin.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture(name="db_url", params=DIALECTS)
def db_url_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file in tmp_path, or a fresh schema on the test PostgreSQL."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    admin_url = postgres_admin_url()
    url, schema = temporary_schema_url(admin_url)
    try:
        yield url
    finally:
        drop_schema(admin_url, schema)


@pytest.fixture(name="engine")
def engine_fixture(db_url: str) -> Iterator[Engine]:
    """An engine on `db_url`, migrated to the latest schema."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


FETCHED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def record(url: str, text: str, **fields: object) -> Page:
    """A fetched page with its article extracted, test defaults for everything but the URL and text;
    `crawler.stages.store_page(session, record(...))` stores it as the crawl's stages would."""
    source = str(fields.pop("source", "Wire Agency"))
    fetched_at = fields.pop("fetched_at", FETCHED)
    values: dict[str, object] = {
        "canonical_url": None, "title": "A headline", "description": None, "authors": [], "published": None,
        "language": None, "paywalled": False, "source": None,
    }
    values.update(fields)
    article = Article(url=url, text=text, **values)  # type: ignore[arg-type]
    return Page(url=url, source=source, body=b"", status=200, fetched_at=fetched_at, article=article)  # type: ignore[arg-type]
