"""The watch config: the shipped one loads, and every mistake is named with its file, line and field."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from crawler.config import (
    ConfigError,
    CrawlSettings,
    SourceConfig,
    load_config,
    packaged_config_path,
)

GOOD_SOURCE = """\
[[source]]
name = "good"
title = "Good"
homepage = "https://www.good.example.com/"
feeds = ["https://www.good.example.com/feed"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "watch.toml"
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value.problems


def test_shipped_config_loads_with_at_least_twelve_enabled_sources():
    config = load_config(packaged_config_path())
    assert len(config.enabled_sources) >= 12
    assert {"al_monitor", "foreign_policy", "moscow_times", "kyiv_independent"} <= {s.name for s in config.sources}


def test_shipped_sources_each_have_discovery_urls_and_a_pattern():
    for source in load_config(packaged_config_path()).sources:
        assert source.feeds or source.sitemaps or source.sections, source.name
        assert source.article_regex is not None, source.name


def test_a_source_defaults_to_its_homepages_registered_domain():
    source = SourceConfig(
        name="meduza", title="Meduza", homepage="https://meduza.io/en", feeds=("https://meduza.io/rss",)
    )
    assert source.allowed_domains == ("meduza.io",)
    assert SourceConfig(name="x", title="X", homepage="https://www.bbc.co.uk/news").allowed_domains == ("bbc.co.uk",)
    assert SourceConfig(name="x", title="X", homepage="http://127.0.0.1:8123/").allowed_domains == ("127.0.0.1",)


def test_crawl_table_defaults_and_overrides(tmp_path):
    config = load_config(write(tmp_path, "[crawl]\ntimeout = 10\nconcurrency_per_domain = 4\n\n" + GOOD_SOURCE))
    assert config.crawl == CrawlSettings(timeout=10.0, concurrency_per_domain=4)
    settings = config.crawl.scrapy_settings()
    assert settings["DOWNLOAD_TIMEOUT"] == 10.0
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 4
    assert settings["ROBOTSTXT_OBEY"] is True
    assert settings["RETRY_TIMES"] == 2
    assert settings["AUTOTHROTTLE_ENABLED"] is True
    assert re.search(r"\(\+https?://", settings["USER_AGENT"])


def test_config_without_crawl_table_uses_defaults(tmp_path):
    config = load_config(write(tmp_path, GOOD_SOURCE))
    assert config.crawl == CrawlSettings()
    assert config.path == tmp_path / "watch.toml"
    assert config.source("good").feeds == ("https://www.good.example.com/feed",)
    with pytest.raises(KeyError, match="no source 'nope'"):
        config.source("nope")


def test_none_reads_the_env_var_then_local_file_then_the_packaged_default(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSWATCH_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    assert load_config(None).path == packaged_config_path()
    (tmp_path / "sources.toml").write_text(GOOD_SOURCE, "utf-8")
    assert [s.name for s in load_config(None).sources] == ["good"]
    other = tmp_path / "other.toml"
    other.write_text(GOOD_SOURCE.replace('"good"', '"other"'), "utf-8")
    monkeypatch.setenv("NEWSWATCH_CONFIG", str(other))
    assert [s.name for s in load_config(None).sources] == ["other"]


def test_a_missing_file_is_one_problem(tmp_path):
    assert problems_of(tmp_path / "nope.toml") == [f"{tmp_path / 'nope.toml'}: cannot read: No such file or directory"]


# (config text, line, message): the one problem each broken config must report.
BROKEN = {
    "unknown field": (
        GOOD_SOURCE + 'feed = ["https://x.example.com/"]\n',
        6,
        "source 'good': unknown field 'feed' (did you mean 'feeds'?)",
    ),
    "wrong type": (
        GOOD_SOURCE + 'enabled = "yes"\n',
        6,
        "source 'good': field 'enabled': must be true or false",
    ),
    "bad URL inside a multi-line list": (
        GOOD_SOURCE + 'sitemaps = [\n  "https://www.good.example.com/s.xml",\n  "www.good.example.com/news.xml",\n]\n',
        8,
        "source 'good': field 'sitemaps': must be a list of http(s) URLs; got 'www.good.example.com/news.xml'",
    ),
    "list given as a string": (
        GOOD_SOURCE.replace(
            'feeds = ["https://www.good.example.com/feed"]', 'feeds = "https://www.good.example.com/feed"'
        ),
        5,
        "source 'good': field 'feeds': must be a list of http(s) URLs",
    ),
    "invalid regex": (
        GOOD_SOURCE + "article_pattern = '/news/(\\d+'\n",
        6,
        "source 'good': field 'article_pattern': invalid regex: missing ), unterminated subpattern at position 6",
    ),
    "duplicate names": (
        GOOD_SOURCE + "\n" + GOOD_SOURCE,
        8,
        "source 'good': field 'name': duplicate; first used on line 2",
    ),
    "missing required field": (
        GOOD_SOURCE.replace('title = "Good"\n', ""),
        1,
        "source 'good': field 'title': missing (required)",
    ),
    "bad name": (
        GOOD_SOURCE.replace('"good"', '"Good Outlet"'),
        2,
        "source #1: field 'name': must be a snake_case name (a-z, 0-9 and _)",
    ),
    "sections without a pattern": (
        GOOD_SOURCE + 'sections = ["https://www.good.example.com/world"]\n',
        6,
        "source 'good': field 'article_pattern': required when 'sections' is set (it picks the article links)",
    ),
    "no discovery URLs": (
        GOOD_SOURCE.replace('feeds = ["https://www.good.example.com/feed"]\n', ""),
        1,
        "source 'good': field 'feeds': give at least one of feeds, sitemaps, sections",
    ),
    "bad domain": (
        GOOD_SOURCE + 'allowed_domains = ["https://good.example.com"]\n',
        6,
        "source 'good': field 'allowed_domains': must be a list of domain names like 'example.com'; got 'https://good.example.com'",
    ),
    "bad drop selector": (
        GOOD_SOURCE + 'drop = ["div.promo", "//aside[@class=\'x\'"]\n',
        6,
        "source 'good': field 'drop': invalid selector: Invalid predicate: \"//aside[@class='x'\"",
    ),
    "bad language": (
        GOOD_SOURCE + 'language = "English"\n',
        6,
        "source 'good': field 'language': must be an ISO 639-1 code like 'en'",
    ),
    "bad crawl setting": (
        "[crawl]\ndownload_delay = 1\ntimeout = 0\n\n" + GOOD_SOURCE,
        3,
        "[crawl]: field 'timeout': must be a number of seconds > 0",
    ),
    "user agent without contact": (
        '[crawl]\nuser_agent = "newswatch"\n' + GOOD_SOURCE,
        2,
        "[crawl]: field 'user_agent': must be a string with a contact URL, like 'newswatch/0.1 (+https://example.org/bot)'",
    ),
    "unknown table": (
        "[crawler]\ntimeout = 3\n\n" + GOOD_SOURCE,
        1,
        "unknown table or key 'crawler' (did you mean 'crawl'?)",
    ),
    "single brackets": (
        GOOD_SOURCE.replace("[[source]]", "[source]"),
        1,
        "'source' must be an array of tables: write each outlet as [[source]]",
    ),
    "TOML syntax": (
        GOOD_SOURCE.replace('title = "Good"', "title = Good"),
        3,
        "TOML syntax: Invalid value (column 9)",
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_config_names_file_line_and_field(tmp_path, case):
    text, line, message = BROKEN[case]
    path = tmp_path / "watch.toml"
    path.write_text(text, "utf-8")
    assert problems_of(path) == [f"{path}:{line}: {message}"]


def test_every_problem_is_reported_at_once_in_line_order(tmp_path):
    path = write(
        tmp_path,
        """\
        [crawl]
        timeout = "slow"

        [[source]]
        name = "one"
        title = "One
        homepage = "https://one.example.com/"
        feeds = ["https://one.example.com/feed"]

        [[source]]
        name = "two"
        title = "Two"
        homepage = "https://two.example.com/"
        feeds = ["ftp://two.example.com/feed", "https://two.example.com/rss", "feed.xml"]
        colour = "blue"
        """,
    )
    assert problems_of(path) == [
        f"{path}:2: [crawl]: field 'timeout': must be a number of seconds > 0",
        f"{path}:6: TOML syntax: Illegal character '\\n' (column 13)",
        f"{path}:14: source 'two': field 'feeds': must be a list of http(s) URLs; got 'ftp://two.example.com/feed'",
        f"{path}:14: source 'two': field 'feeds': must be a list of http(s) URLs; got 'feed.xml'",
        f"{path}:15: source 'two': unknown field 'colour'",
    ]


def test_a_syntax_error_does_not_invent_missing_fields(tmp_path):
    path = write(tmp_path, GOOD_SOURCE.replace('homepage = "https://www.good.example.com/"', 'homepage = "https://x'))
    assert problems_of(path) == [f"{path}:4: TOML syntax: Illegal character '\\n' (column 22)"]


def test_not_utf8_is_one_problem(tmp_path):
    path = tmp_path / "watch.toml"
    path.write_bytes(GOOD_SOURCE.replace("Good", "G\xf6od").encode("latin-1"))
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}:1: not UTF-8 text")
