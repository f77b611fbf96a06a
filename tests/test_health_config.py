"""The [health] table of sources.toml: defaults when it is absent, every mistake named by line and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from crawler.config import ConfigError, HealthSettings, load_config

SOURCE = """\
[[source]]
name = "good"
title = "Good"
homepage = "https://www.good.example.com/"
feeds = ["https://www.good.example.com/feed"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(textwrap.dedent(text) + SOURCE, "utf-8")
    return path


def test_health_table_defaults_when_absent(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "")).health == HealthSettings()
    assert HealthSettings().blocked_statuses == (403, 429) and HealthSettings().empty_runs == 3


def test_health_table_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        [health]
        operator = ["ops@example.org", "oncall@example.org"]
        empty_runs = 5
        max_failure_rate = 1
        min_pages = 10
        blocked_statuses = [403, 429, 451]
        max_blocked_share = 0.5
        """,
    )
    assert load_config(path).health == HealthSettings(
        operator=("ops@example.org", "oncall@example.org"),
        empty_runs=5,
        max_failure_rate=1.0,
        min_pages=10,
        blocked_statuses=(403, 429, 451),
        max_blocked_share=0.5,
    )


def test_health_table_mistakes_are_named_by_line_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        [health]
        operator = ["ops@example.org", "not an address"]
        empty_runs = 0
        max_failure_rate = 1.5
        blocked_statuses = [403, "429"]
        max_blocked_shares = 0.1
        """,
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.problems == [
        f"{path}:2: [health]: field 'operator': must be a list of email addresses; got 'not an address'",
        f"{path}:3: [health]: field 'empty_runs': must be an integer >= 1",
        f"{path}:4: [health]: field 'max_failure_rate': must be a number from 0 to 1",
        f"{path}:5: [health]: field 'blocked_statuses': must be a list of HTTP status codes like 403; got '429'",
        f"{path}:6: [health]: unknown field 'max_blocked_shares' (did you mean 'max_blocked_share'?)",
    ]


def test_a_misspelt_health_table_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "[heath]\nempty_runs = 2\n"))
    assert caught.value.problems == [
        f"{tmp_path / 'sources.toml'}:1: unknown table or key 'heath' (did you mean 'health'?)"
    ]
