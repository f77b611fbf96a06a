"""Alembic, run from code: the schema is brought to the latest revision on first use, or by `newswatch db upgrade`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"
PG_MIGRATION_LOCK = 7_236_373_511  # pg_advisory_xact_lock key: one migrating process at a time


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer newswatch than this one."""


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None, "storage/migrations/versions holds no migration"
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def ensure_schema(engine: Engine) -> str:
    """Migrate to head unless already there (one cheap query then). Racing processes migrate once."""
    head = head_revision()
    with engine.connect() as connection:
        current = current_revision(connection)
        connection.rollback()
    if current == head:
        return head
    if current is not None and _script().get_revision(current) is None:
        raise SchemaTooNew(f"database schema {current} is newer than this newswatch (latest known: {head})")
    # One transaction for the whole upgrade. SQLite's BEGIN IMMEDIATE (storage.db) and PostgreSQL's
    # advisory lock make a second process wait, then find the schema at head and do nothing.
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_MIGRATION_LOCK})")
        command.upgrade(alembic_config(connection), "head")
        return current_revision(connection) or head
