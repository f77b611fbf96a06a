"""Where articles are kept: SQLAlchemy 2 models, Alembic migrations, and a repository per aggregate.

engine = make_engine()                      # NEWSWATCH_DB_URL or the default SQLite file, migrated
with session_scope(engine) as session:
    result = ArticleStore(session).store(record)
"""

from storage.db import default_db_url, make_engine, session_scope, upgrade_database
from storage.repositories import (
    ArticleRecord,
    ArticleStore,
    CrawlRuns,
    FeedStates,
    StoreOutcome,
    StoreResult,
    UnknownCrawlRun,
)

__all__ = [
    "ArticleRecord",
    "ArticleStore",
    "CrawlRuns",
    "FeedStates",
    "StoreOutcome",
    "StoreResult",
    "UnknownCrawlRun",
    "default_db_url",
    "make_engine",
    "session_scope",
    "upgrade_database",
]
