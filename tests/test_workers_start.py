"""A stage worker starts light: importing its module and building its context loads no Scrapy or
Twisted (~0.2 s of every worker's start, on the crawl's critical path before its first page)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from storage.db import make_engine

CRAWL_ONLY = ("scrapy", "twisted")


def test_a_worker_builds_its_context_without_scrapy_or_twisted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    make_engine(url).dispose()  # the crawl migrates before it starts workers
    probe = (
        "import sys\n"
        "from crawler.workers import WorkerSettings, build_context\n"
        f"build_context(WorkerSettings(db_url={url!r}, rules=((), ())))\n"
        f"print(' '.join(m for m in {CRAWL_ONLY!r} if m in sys.modules))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []
