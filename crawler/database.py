"""The database a crawl writes to: one engine per URL per process, shared by its components."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from storage.db import default_db_url, make_engine

if TYPE_CHECKING:  # the stage workers use engine_for_url and never load Scrapy
    from scrapy.settings import BaseSettings


@lru_cache(maxsize=8)
def engine_for_url(url: str) -> Engine:
    return make_engine(url)


def crawl_engine(settings: BaseSettings) -> Engine:
    return engine_for_url(settings.get("NEWSWATCH_DB_URL") or default_db_url())
