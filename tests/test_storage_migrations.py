"""Migrations: they build the schema on an empty database, match the models, and run once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, inspect

from storage.db import default_db_url, make_engine, normalise_url, upgrade_database
from storage.migrate import current_revision, ensure_schema, head_revision
from storage.models import Base
from storage.search import is_search_object
from tests.storage_fixtures import db_url_fixture, engine_fixture  # noqa: F401

TABLES = {"sources", "articles", "revisions", "near_dup_keys", "crawl_runs", "crawl_failures", "feed_state"}


def test_upgrade_builds_every_table_on_an_empty_database(db_url: str) -> None:
    assert upgrade_database(db_url) == head_revision()
    probe = make_engine(db_url, upgrade=False)
    try:
        assert TABLES | {"alembic_version"} <= set(inspect(probe).get_table_names())
    finally:
        probe.dispose()


def not_search_index(obj, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
    return not is_search_object(name, type_)  # the full-text index's tables and index have no model


def test_migrations_match_the_models(engine) -> None:
    with engine.connect() as connection:
        opts = {"compare_type": True, "include_object": not_search_index}
        context = MigrationContext.configure(connection, opts=opts)
        assert compare_metadata(context, Base.metadata) == []


def test_make_engine_migrates_on_first_use_and_not_again(db_url: str) -> None:
    first = make_engine(db_url)
    with first.connect() as connection:
        assert current_revision(connection) == head_revision()
    first.dispose()
    statements: list[str] = []
    second = make_engine(db_url, upgrade=False)
    event.listen(second, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert ensure_schema(second) == head_revision()
    second.dispose()
    assert not [s for s in statements if s.lstrip().upper().startswith(("CREATE", "ALTER", "INSERT", "UPDATE"))]


def test_upgrade_false_leaves_an_empty_database_alone(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}", upgrade=False)
    assert inspect(engine).get_table_names() == []
    engine.dispose()


def test_sqlite_engine_uses_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'dir' / 'x.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


def test_default_url_is_the_env_var_else_a_file_under_xdg_data_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSWATCH_DB_URL", "postgresql://u@db/newswatch")
    assert default_db_url() == "postgresql://u@db/newswatch"
    monkeypatch.delenv("NEWSWATCH_DB_URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_url() == f"sqlite:///{tmp_path / 'data' / 'newswatch' / 'newswatch.db'}"
    assert (tmp_path / "data" / "newswatch").is_dir()
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_db_url().endswith(os.path.join("home", ".local", "share", "newswatch", "newswatch.db"))


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://root@127.0.0.1/test", "postgresql+psycopg"),
        ("postgres://root@127.0.0.1/test", "postgresql+psycopg"),
        ("postgresql+psycopg://root@127.0.0.1/test", "postgresql+psycopg"),
        ("sqlite:///x.db", "sqlite"),
    ],
)
def test_postgresql_urls_use_psycopg3(given: str, driver: str) -> None:
    assert normalise_url(given).drivername == driver
