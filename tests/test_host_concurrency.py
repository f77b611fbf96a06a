"""`[crawl] concurrency_per_domain` holds in a local crawl against a real server on 127.0.0.1 that
counts the requests it is answering at once, with no download delay to space them (Scrapy 2.19
under the asyncio reactor started every queued request at once: crawler/downloader.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cluster_site import ClusterSite

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("limit", [1, 3])
def test_a_crawl_asks_a_host_no_more_than_its_concurrency_at_once(tmp_path: Path, limit: int):
    site = ClusterSite(24, pause=0.1)
    try:
        config = tmp_path / "sources.toml"
        config.write_text(site.sources_toml(concurrency=limit), "utf-8")
        result = subprocess.run(
            [sys.executable, "-c", "from crawler.cli import main; main()", "crawl", "--config", str(config),
             "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "--json", "--no-progress"],
            capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)[0]["new"] == 24
        assert site.most_in_flight == limit  # never more, and the limit is used
    finally:
        site.stop()
