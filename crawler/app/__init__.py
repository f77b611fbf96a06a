"""The use-cases: the one thing adapters call (the CLI in crawler/commands, the daemon's jobs in
crawler/scheduler.py, later a web app and distributed workers), and what tests call directly.

Plain functions: no Typer, rich or Scrapy imports. Each takes the database as a URL or an Engine
(`Database`): with a URL it opens an engine for the call and disposes of it afterwards; an Engine
(the daemon's long-lived one) is used as it is.

    crawler.app.articles   parse_since, list_articles, show, export
    crawler.app.alerts     mail_settings, deliver_due, recent, find_rule, backtest, try_query, explain_rule,
                           explain_query
    crawler.app.sources    status, check_health, check_config
    crawler.app.crawl      crawl_once
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from sqlalchemy import Engine

Database: TypeAlias = "str | Engine"


@contextmanager
def engine_scope(db: Database) -> Iterator[Engine]:
    """An engine on `db`: a URL gets one of its own (migrated, disposed of at the end); an Engine is lent."""
    if not isinstance(db, str):
        yield db
        return
    from storage.db import make_engine

    engine = make_engine(db)
    try:
        yield engine
    finally:
        engine.dispose()
