"""Engines and sessions: where the database is, how connections are set up, one session per unit of work."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

DB_URL_ENV = "NEWSWATCH_DB_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def default_db_url() -> str:
    """`NEWSWATCH_DB_URL`, else SQLite at `$XDG_DATA_HOME/newswatch/newswatch.db` (~/.local/share/…)."""
    if url := os.environ.get(DB_URL_ENV, "").strip():
        return url
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    folder = data_home / "newswatch"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'newswatch.db'}"


def redacted(url: str | URL) -> str:
    """The URL as it may be shown in a log line, an error or `--json`: its password as `***`."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not even a URL: show nothing of it (it may still hold a password)
        return "<unreadable database URL>"


def without_password(text: str, url: str | URL) -> str:
    """`text` (an error message, a log line) with the URL's password, and the URL itself, hidden."""
    try:
        password = make_url(url).password
    except Exception:
        password = None
    if isinstance(url, str) and url:
        text = text.replace(url, redacted(url))
    if password and len(password) >= 3:
        from urllib.parse import quote_plus

        for form in {password, quote_plus(password)}:
            text = text.replace(form, "***")
    return text


def normalise_url(url: str | URL) -> URL:
    """Plain `postgresql://` (and `postgres://`) URLs use psycopg 3, the driver we ship."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | None = None, *, upgrade: bool = True) -> Engine:
    """An engine for `url` (default: `default_db_url()`), migrated to the latest schema unless `upgrade=False`."""
    parsed = normalise_url(url or default_db_url())
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed)
    else:
        engine = create_engine(parsed, pool_pre_ping=True)
    if upgrade:
        from storage.migrate import ensure_schema  # migrations import the models; keep this module light

        ensure_schema(engine)
    return engine


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module: it would not BEGIN before SELECT or DDL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a power cut loses at most the last commits
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front. A deferred transaction that read first and then
        # writes fails at once with SQLITE_BUSY when another process wrote meanwhile (WAL snapshot);
        # busy_timeout cannot help it. Writers queue on the lock instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One session for one unit of work: committed when the block ends, rolled back if it raises."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def upgrade_database(url: str | None = None) -> str:
    """Migrate the database at `url` (default: `default_db_url()`) to the latest schema; its revision."""
    from storage.migrate import ensure_schema

    engine = make_engine(url, upgrade=False)
    try:
        return ensure_schema(engine)
    finally:
        engine.dispose()


def error_line(error: BaseException) -> str:
    """A database error in one line: its type and the driver's own first line (SQLAlchemy wraps the
    message with the SQL and a link)."""
    detail = getattr(error, "orig", None) or error
    text = (str(detail).splitlines() or [""])[0]
    return f"{type(error).__name__}: {text}".strip().rstrip(":")
