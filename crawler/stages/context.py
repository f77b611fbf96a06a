"""What the stages are given besides the page: where to store, each source's extraction options,
the watch rules in force, the retry policy, and (inside a transaction) the session."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crawler.extraction import ExtractOptions
from storage.db import error_line, session_scope
from storage.types import utcnow


class StorageFailed(Exception):
    """The database could not be written (disk full, read-only, connection lost): one line saying why."""


@dataclass(frozen=True, slots=True)
class SourceInfo:
    name: str
    title: str | None = None
    homepage: str | None = None
    drop: tuple[str, ...] = ()

    @property
    def extract_options(self) -> ExtractOptions:
        return ExtractOptions(drop_selectors=self.drop)


@dataclass(slots=True)
class StageContext:
    engine: Engine
    sources: Mapping[str, SourceInfo] = field(default_factory=dict)
    rules: object | None = None  # crawler.stages.match.RuleSet: None matches nothing (and marks it so)
    max_attempts: int = 5
    retry_backoff: float = 300.0
    session: Session | None = None
    sources_written: set[str] = field(default_factory=set)  # sources whose title/homepage this process stored

    def source(self, name: str) -> SourceInfo:
        return self.sources.get(name) or SourceInfo(name)

    def now(self) -> datetime:
        return utcnow()

    @contextmanager
    def transaction(self, name: str) -> Iterator[StageContext]:
        """This context bound to a new session; committed when the block ends."""
        try:
            with session_scope(self.engine) as session:
                yield replace(self, session=session)
        except SQLAlchemyError as error:
            raise StorageFailed(f"{name}: {error_line(error)}") from None
