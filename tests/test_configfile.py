"""crawler.configfile: the one TOML reader with line numbers, and the one error type, for both the
sources file and the watch file."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.alerts.config import WatchConfigError, load_watches
from crawler.config import ConfigError, load_config
from crawler.configfile import ConfigProblems, TomlLines, parse_toml

TEXT = """\
top = 1

[crawl]
timeout = 5

[[source]]
name = "a"

[source.extra]
name = "not the source's"

[[source]]
"name" = "b"
feeds = [
  "https://example.org/rss",
]
"""


def test_lines_of_tables_array_entries_sub_tables_and_keys() -> None:
    lines = TomlLines(TEXT)
    assert lines.line(lines.top, "top") == 1 and lines.line(lines.top, "crawl") == 3
    assert lines.line(lines.block("crawl"), "timeout") == 4
    first, second = lines.blocks("source")
    assert lines.line(first, "name") == 7 and lines.line(first, "extra") == 9
    assert lines.line(second, "name") == 13 and lines.line(second, "feeds", "example.org") == 15
    assert lines.line(second, "missing") == 12  # the entry's header
    assert lines.line(lines.block("source", 5), "name") == 1 and lines.line(lines.block("health")) == 1


def test_a_syntax_error_is_reported_by_line_and_the_rest_still_parses() -> None:
    document = parse_toml('a = 1\nb = "unclosed\nc = 3\n')
    assert document.problems == ((2, "TOML syntax: Illegal character '\\n' (column 14)"),)
    assert document.data == {"a": 1, "c": 3} and document.lines.top.damaged


def test_one_error_type_for_both_files(tmp_path: Path) -> None:
    assert ConfigError is ConfigProblems and WatchConfigError is ConfigProblems
    error = ConfigProblems.at("f.toml", [(3, "third"), (1, "first"), (3, "also third")])
    assert error.problems == ["f.toml:1: first", "f.toml:3: third", "f.toml:3: also third"]
    assert str(error) == "\n".join(error.problems)
    missing = tmp_path / "sources.toml"
    with pytest.raises(ConfigProblems) as caught:
        load_config(missing)
    assert caught.value.problems[0].startswith(f"{missing}: cannot read: ")


def test_a_watch_file_with_a_syntax_error_names_its_line_and_the_other_mistakes(tmp_path: Path) -> None:
    path = tmp_path / "watches.toml"
    path.write_text(
        '[[watch]]\nname = "one"\nquery = "shahed\nrecipients = ["a@example.org"]\n\n'
        '[[watch]]\nname = "two"\nquery = "iran"\nrecipients = ["a@example.org"]\nmode = "monthly"\n',
        "utf-8",
    )
    with pytest.raises(WatchConfigError) as caught:
        load_watches(path)
    assert caught.value.problems == [
        f"{path}:3: TOML syntax: Illegal character '\\n' (column 16)",
        f"{path}:10: watch 'two': field 'mode': 'monthly' is not one of instant, hourly, daily, weekly",
    ]


def test_a_watch_file_that_is_not_utf8_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "watches.toml"
    path.write_bytes(b'[mail]\nfrom = "caf\xe9@example.org"\n')
    with pytest.raises(WatchConfigError) as caught:
        load_watches(path)
    assert caught.value.problems == [f"{path}:1: not UTF-8 text (invalid continuation byte at byte 18)"]
