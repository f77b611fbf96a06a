"""The configured sources: is the config sound, and how is each source doing?

checked = check_config(path)              # every problem of the sources config, or its counts
statuses = status(db, config)             # last run, next run, 7-day yield and health per source
lines = check_health(db, config, watches) # store each health state; email the operator on a change
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from crawler import health
from crawler.alerts.config import WatchConfig
from crawler.app import Database, engine_scope
from crawler.config import Config, ConfigError, load_config


@dataclass(frozen=True, slots=True)
class ConfigCheck:
    """A checked sources config: `config` when it loads, else every problem as `FILE:LINE: ...`."""

    config: Config | None
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.config is not None

    def summary(self) -> str:
        if self.config is None:
            return f"{len(self.problems)} problem(s)"
        enabled = len(self.config.enabled_sources)
        return f"{self.config.path}: ok ({len(self.config.sources)} sources, {enabled} enabled)"


def check_config(path: Path | None = None) -> ConfigCheck:
    """Load and check the sources config at `path` (default: see crawler.config.default_config_path)."""
    try:
        return ConfigCheck(load_config(path))
    except ConfigError as error:
        return ConfigCheck(None, tuple(error.problems))


def status(db: Database, config: Config, *, now: datetime | None = None) -> list[health.SourceStatus]:
    """Each enabled source's last run, next scheduled run, 7-day yield and health."""
    with engine_scope(db) as engine:
        return health.source_health(engine, config, now=now)


def check_health(
    db: Database, config: Config, watches: WatchConfig | None = None, *, now: datetime | None = None
) -> list[str]:
    """Store every enabled source's health; the operator hears once of each change (see crawler.health).
    One line per change of state and per email."""
    with engine_scope(db) as engine:
        return health.check_health(engine, config, watches, now=now)
