"""README's offline demo: the shipped snapshot replays into articles, a duplicate and a failure."""

from __future__ import annotations

import filecmp
import json

import pytest

from tests.make_demo_site import DEMO, build
from tests.test_crawl_end_to_end import newswatch

pytestmark = pytest.mark.slow


def test_demo_snapshot_is_what_the_builder_writes(tmp_path):
    build(tmp_path / "site")
    comparison = filecmp.dircmp(DEMO, tmp_path / "site")
    assert not comparison.diff_files and not comparison.left_only and not comparison.right_only
    assert not filecmp.dircmp(DEMO / "pages", tmp_path / "site" / "pages").diff_files


def test_demo_replays_with_no_network(tmp_path):
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    result = newswatch("crawl", "--replay", str(DEMO), "--db", db, "--json", "--no-progress")
    assert result.returncode == 0, result.stderr
    runs = {run["source"]: run for run in json.loads(result.stdout)}
    assert len(runs) == 7
    assert sum(run["new"] for run in runs.values()) == 8
    assert sum(run["duplicates"] for run in runs.values()) == 1
    assert [f["kind"] for f in runs["tehran_times"]["failures"]] == ["not_article:challenge"]
    listed = newswatch("articles", "--db", db, "--json")
    titles = {json.loads(line)["title"] for line in listed.stdout.splitlines()}
    assert "Iran Doubles Down on Arms for Russia" in titles and len(titles) == 8
    again = newswatch("crawl", "--replay", str(DEMO), "--db", db, "--json", "--no-progress")
    rerun = json.loads(again.stdout)
    # Tehran Times's feed waits for its bot-challenged article (tried again, a challenge may pass): 6 × 304.
    assert sum(run["new"] for run in rerun) == 0 and sum(run["not_modified"] for run in rerun) == 6
