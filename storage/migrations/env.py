"""Alembic environment. newswatch runs it from code (storage.migrate), passing its own connection.

For a developer: `alembic -c storage/migrations/alembic.ini revision --autogenerate -m "…"` against the
database in NEWSWATCH_DB_URL (or the default SQLite file), after upgrading it to head.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection

from storage.models import Base
from storage.search import is_search_object
from storage.types import UTCDateTime

target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    # Migrations stay free of our Python types: UTCDateTime is a timezone-aware DATETIME in the database.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not is_search_object(name, type_)  # the full-text index (0008) has no model


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=render_item,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    from storage.db import make_engine

    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or None, upgrade=False)
    with engine.connect() as connection:
        run(connection)
        connection.commit()
    engine.dispose()


main()
