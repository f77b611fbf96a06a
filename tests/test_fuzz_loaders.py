"""Fuzzing the loaders of what users write: any watch file, sources file or query gives a result or
the documented clean error (ConfigProblems, QueryError, MailSettingsError), never another exception."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.alerts.config import WatchConfig, load_watches, validate
from crawler.alerts.mail import MailSettings, MailSettingsError
from crawler.alerts.query import Query, QueryError, parse_query
from crawler.config import Config, load_config
from crawler.configfile import ConfigProblems

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WATCH_KEYS = ["mail", "aliases", "watch", "groups", "name", "query", "recipients", "mode", "sources", "languages",
              "timezone", "digest_hour", "from", "smtp_host", "smtp_port", "security", "username", "password_env",
              "mailbox", "message_id_domain", "ca_file", "timeout"]
SOURCE_KEYS = ["source", "crawl", "health", "name", "title", "homepage", "enabled", "feeds", "sitemaps", "sections",
               "article_pattern", "sitemap_follow", "allowed_domains", "drop", "language", "spider", "schedule",
               "user_agent", "concurrency_per_domain", "download_delay", "autothrottle", "max_page_bytes", "timeout",
               "retries", "max_attempts", "retry_backoff", "operator", "empty_runs", "max_failure_rate", "min_pages",
               "blocked_statuses", "max_blocked_share"]
TEXTS = ["", "x", "alpha", "su-35", "a@example.org", "Europe/Paris", "Mars/Olympus", "../etc/passwd", "every 30m",
         "every banana", "*/20 * * * *", "https://alpha.example/", "instant", "daily", "starttls", "ssl", "none",
         '"unclosed', "a NEAR b", "(", "title:", "\x00", "é", "[", "//div", "div.ad"]


def toml_values(keys: list[str]) -> st.SearchStrategy:
    scalars = st.one_of(
        st.sampled_from(TEXTS), st.text(max_size=12), st.integers(-2, 70000), st.booleans(),
        st.floats(allow_nan=True, allow_infinity=True), st.dates(), st.datetimes(), st.times(),
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(keys) | st.text(max_size=5),
                                                                    inner, max_size=5),
        max_leaves=20,
    )


def documents(keys: list[str], tables: list[str]) -> st.SearchStrategy[dict]:
    values = toml_values(keys)
    table = st.dictionaries(st.sampled_from(keys), values, max_size=8)
    return st.dictionaries(st.sampled_from(tables) | st.sampled_from(keys), table | st.lists(table, max_size=3) | values,
                           max_size=4)


def toml_literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)  # inf and nan are TOML too
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f'"{key}" = {toml_literal(item)}' for key, item in value.items()) + "}"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def lines_of(keys: list[str], headers: list[str]) -> st.SearchStrategy[str]:
    """TOML-ish text: headers, `key = value` lines, and junk, so some parse and some do not."""
    line = st.one_of(
        st.sampled_from(headers),
        st.tuples(st.sampled_from(keys), toml_values(keys)).map(lambda kv: f"{kv[0]} = {toml_literal(kv[1])}"),
        st.text(max_size=20),
    )
    return st.lists(line, max_size=15).map("\n".join)


_FOLDER = tempfile.TemporaryDirectory(prefix="newswatch-fuzz-")  # removed when the tests end


def written(text: str) -> Path:
    path = Path(_FOLDER.name) / "file.toml"
    path.write_text(text, "utf-8")
    return path


def mail_settings_or_clean_error(config: WatchConfig) -> None:
    try:
        MailSettings.from_config(config.mail, environ={})
    except MailSettingsError:
        pass


@FUZZ
@given(documents(WATCH_KEYS, ["mail", "aliases", "watch"]))
def test_validate_gives_a_config_or_config_problems(data: dict) -> None:
    try:
        config = validate(data, Path("watches.toml"))
    except ConfigProblems as error:
        assert error.problems and all(problem.startswith("watches.toml:") for problem in error.problems)
        return
    assert isinstance(config, WatchConfig)
    mail_settings_or_clean_error(config)


@FUZZ
@given(lines_of(WATCH_KEYS, ["[mail]", "[aliases]", "[[watch]]", "[watch]", "[[mail]]", "[watch.x]"]))
def test_load_watches_gives_a_config_or_config_problems(text: str) -> None:
    try:
        config = load_watches(written(text))
    except ConfigProblems as error:
        assert error.problems
        return
    assert isinstance(config, WatchConfig)
    mail_settings_or_clean_error(config)


@FUZZ
@given(st.binary(max_size=200))
def test_load_watches_of_any_bytes(data: bytes) -> None:
    path = written("")
    path.write_bytes(data)
    try:
        assert isinstance(load_watches(path), WatchConfig)
    except ConfigProblems as error:
        assert error.problems


@FUZZ
@given(lines_of(SOURCE_KEYS, ["[[source]]", "[source]", "[crawl]", "[health]", "[[crawl]]", "[source.x]"]))
def test_load_config_gives_a_config_or_config_problems(text: str) -> None:
    try:
        config = load_config(written(text))
    except ConfigProblems as error:
        assert error.problems
        return
    assert isinstance(config, Config)


@FUZZ
@given(st.lists(st.one_of(
    st.sampled_from(["AND", "OR", "NOT", "NEAR/3", "NEAR", "(", ")", '"', "*", "-", "~2", "title:", "text:",
                     "su-35", "shahed", "geran-2", "Герань", "شاهد", ":", "^", "[", "]", "{", "}", "TO", "/"]),
    st.text(max_size=6),
), max_size=12).map(" ".join) | st.text(max_size=40))
def test_parse_query_gives_a_query_or_a_query_error(text: str) -> None:
    try:
        assert isinstance(parse_query(text), Query)
    except QueryError as error:
        assert str(error).startswith("column ")
