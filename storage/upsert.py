"""INSERT … ON CONFLICT for the dialect in use: the database, not a prior SELECT, decides who wins a race."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_for(session: Session, table: Any) -> Any:
    """`postgresql.insert` or `sqlite.insert`, by the session's dialect (both have on_conflict_do_*)."""
    name = session.get_bind().dialect.name
    try:
        return _INSERTS[name](table)
    except KeyError:
        raise NotImplementedError(f"newswatch stores to SQLite or PostgreSQL, not {name}") from None
