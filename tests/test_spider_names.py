"""Every spider follows the naming rule: name == file name == source name, class `<Pascal>Spider`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from scrapy.utils.misc import walk_modules_iter
from scrapy.utils.spider import iter_spider_classes

from crawler.config import load_config, packaged_config_path
from spiders.configured import class_name

REPO = Path(__file__).resolve().parents[1]


def all_spiders() -> list[type]:
    return [cls for module in walk_modules_iter("spiders") for cls in iter_spider_classes(module)]


def test_class_names_are_pascal_case_of_the_spider_name():
    for cls in all_spiders():
        assert cls.__name__ == class_name(cls.name), cls


def test_hand_written_spiders_live_in_a_file_named_after_them():
    hand_written = [cls for cls in all_spiders() if cls.__module__ != "spiders.configured"]
    assert {cls.name for cls in hand_written} >= {"al_monitor", "foreign_policy"}
    for cls in hand_written:
        assert cls.__module__ == f"spiders.{cls.name}", cls


def test_spider_names_are_unique_and_hand_written_ones_win():
    names = [cls.name for cls in all_spiders()]
    assert len(names) == len(set(names))


def test_every_enabled_source_has_a_spider_and_every_spider_a_source():
    config = load_config(packaged_config_path())
    spiders = {cls.name for cls in all_spiders()}
    assert {source.name for source in config.enabled_sources} <= spiders
    assert spiders <= {source.name for source in config.sources}


def test_scrapy_list_from_the_repository_root():
    env = {key: value for key, value in os.environ.items() if key != "NEWSWATCH_CONFIG"}
    command = [sys.executable, "-m", "scrapy", "list"]
    listed = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=True)
    assert listed.stdout.split() == sorted(
        source.name for source in load_config(packaged_config_path()).enabled_sources
    )
