"""Whole-crawl throughput and re-crawl cost, on a generated outlet served from 127.0.0.1.

    python benchmarks/crawl_throughput.py [--pages 2000] [--db URL]

1. Extraction alone, one core: extract_article over every page, in this process → pages/s.
2. The whole crawl (`newswatch crawl`: fetch, extract, dedup, store) of the same pages → pages/s.
   Goal: crawl rate / extraction-alone rate ≥ 1.6 on 2 cores (extraction runs in a process pool).
3. The same crawl again, the site unchanged: bytes fetched against the first crawl (goal ≤ 5%), and
   its wall time (start-up included: a crawl that finds nothing new).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic_site import SyntheticSite  # noqa: E402
from crawler.extraction import extract_article  # noqa: E402


def crawl(config: Path, db: str) -> tuple[float, dict]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", "from crawler.cli import main; main()", "crawl", "--config", str(config),
         "--db", db, "--json", "--no-progress"],
        capture_output=True, text=True, check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"crawl failed:\n{result.stderr[-2000:]}")
    return elapsed, json.loads(result.stdout)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    site = SyntheticSite(args.pages).start()
    folder = Path(tempfile.mkdtemp(prefix="newswatch-bench-"))
    config = folder / "sources.toml"
    config.write_text(site.sources_toml(), "utf-8")
    db = args.db or f"sqlite:///{folder / 'bench.db'}"
    try:
        start = time.perf_counter()
        for number, page in enumerate(site.pages):
            extract_article(page, f"{site.base}/news/story-{number}")
        extract_seconds = time.perf_counter() - start
        extract_rate = len(site.pages) / extract_seconds

        crawl_seconds, first = crawl(config, db)
        stored = first["new"] + first["duplicates"]
        crawl_rate = stored / crawl_seconds
        recrawl_seconds, second = crawl(config, db)
    finally:
        site.stop()
    print(f"{len(site.pages)} article pages, {os.cpu_count()} cores, db {db.split(':', 1)[0]}")
    print(f"extraction alone, one core : {extract_rate:7.1f} pages/s ({extract_seconds:.1f} s)")
    print(f"whole crawl                : {crawl_rate:7.1f} pages/s ({crawl_seconds:.1f} s, {stored} stored,"
          f" {first['errors']} errors)")
    print(f"ratio crawl / extraction   : {crawl_rate / extract_rate:7.2f}   (goal >= 1.6)")
    print(f"re-crawl, site unchanged   : {second['bytes_fetched']:,} of {first['bytes_fetched']:,} bytes"
          f" = {100 * second['bytes_fetched'] / first['bytes_fetched']:.2f}%   (goal <= 5%),"
          f" {second['not_modified']} x 304, {second['new']} new, {recrawl_seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
