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
from crawler.configfile import ConfigProblems, TomlLines, read_toml


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
    """Load and check the sources config at `path` (default: see crawler.config.default_config_path),
    as `newswatch run` would: each source's `schedule` must parse and its `spider` must exist."""
    try:
        config = load_config(path)
    except ConfigError as error:
        return ConfigCheck(None, tuple(error.problems))
    problems = _run_problems(config)
    return ConfigCheck(None, problems) if problems else ConfigCheck(config)


def _run_problems(config: Config) -> tuple[str, ...]:
    """What crawler.config does not check and the scheduler or the crawl would refuse, as FILE:LINE lines."""
    from crawler.scheduling.schedules import ScheduleError, parse_schedule

    lines = read_toml(config.path).lines if config.path is not None else TomlLines("")
    problems: list[tuple[int, str]] = []
    for index, source in enumerate(config.sources):
        block = lines.block("source", index)
        try:
            parse_schedule(source.schedule)
        except ScheduleError as error:
            problems.append((lines.line(block, "schedule"), f"source {source.name!r}: field 'schedule': {error}"))
        if source.spider:
            from spiders.configured import spider_class  # Scrapy loads only for a config that names a spider

            try:
                spider_class(source)
            except (ImportError, AttributeError, LookupError, ValueError) as error:
                problems.append((lines.line(block, "spider"), f"source {source.name!r}: field 'spider': {error}"))
    return tuple(ConfigProblems.at(config.path or "config", problems).problems) if problems else ()


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
