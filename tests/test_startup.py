"""Commands that do not crawl start light: the CLI imports no crawl, extraction or web stack up front.

Start-up time itself is measured, not asserted here (`newswatch --help`: 0.74-0.87 s on the CI machine,
1.2 s while `newswatch extract` imported Scrapy through the fetcher).
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("scrapy", "twisted", "trafilatura", "apprise", "starlette", "uvicorn", "lxml.html")


def test_the_cli_imports_no_crawl_extraction_or_web_stack_until_a_command_needs_it():
    probe = f"import sys, crawler.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []


def test_help_still_lists_every_command():
    shown = subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", "--help"], capture_output=True, text=True
    ).stdout
    for command in ("extract", "crawl", "search", "serve", "worker", "sources", "watch", "alerts", "status"):
        assert command in shown
