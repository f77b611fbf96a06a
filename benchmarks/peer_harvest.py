"""newswatch's whole crawl against the tool a user would pick instead: trafilatura's own command line
harvesting a list of URLs in parallel, on the same generated loopback outlet, in one run.

    python benchmarks/peer_harvest.py [--pages 500] [--db URL]

1. `trafilatura -i urls.txt --parallel 16 -o DIR`, its config copied with SSRF_PROTECTION = off (to
   reach 127.0.0.1) and SLEEP_TIME = 0 (no per-domain pause): a bare harvest, URLs given.
2. `newswatch crawl` of the same pages from the outlet's sitemap: discovery, robots.txt,
   politeness, dedup, storage and matching included, start-up included (fresh SQLite by default).

Prints wall seconds and pages/s of each and newswatch's rate over trafilatura's. Goal: ≥ 1.0.
"""

from __future__ import annotations

import argparse
import configparser
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic_site import SyntheticSite  # noqa: E402


def trafilatura_config(folder: Path) -> Path:
    config = configparser.ConfigParser()
    config.read(str(resources.files("trafilatura").joinpath("settings.cfg")))
    config["DEFAULT"]["SSRF_PROTECTION"] = "off"
    config["DEFAULT"]["SLEEP_TIME"] = "0"
    path = folder / "trafilatura.cfg"
    with path.open("w") as handle:
        config.write(handle)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--db", help="database URL for newswatch (default: a fresh SQLite file)")
    args = parser.parse_args()
    executable = shutil.which("trafilatura") or str(Path(sys.executable).with_name("trafilatura"))
    site = SyntheticSite(args.pages).start()
    folder = Path(tempfile.mkdtemp(prefix="newswatch-peer-"))
    try:
        urls = folder / "urls.txt"
        urls.write_text("".join(f"{site.base}/news/story-{n}\n" for n in range(args.pages)))
        out = folder / "trafilatura-out"
        start = time.perf_counter()
        harvest = subprocess.run(
            [executable, "-i", str(urls), "--parallel", "16", "-o", str(out),
             "--config-file", str(trafilatura_config(folder))],
            capture_output=True, text=True, check=False,
        )
        peer_seconds = time.perf_counter() - start
        peer_pages = len(list(out.glob("*"))) if out.is_dir() else 0
        if harvest.returncode != 0 or not peer_pages:
            sys.exit(f"trafilatura failed ({harvest.returncode}):\n{harvest.stderr[-2000:]}")

        config = folder / "sources.toml"
        config.write_text(site.sources_toml(), "utf-8")
        db = args.db or f"sqlite:///{folder / 'peer.db'}"
        start = time.perf_counter()
        crawl = subprocess.run(
            [sys.executable, "-c", "from crawler.cli import main; main()", "crawl", "--config", str(config),
             "--db", db, "--no-progress"],
            capture_output=True, text=True, check=False,
        )
        ours_seconds = time.perf_counter() - start
        if crawl.returncode != 0:
            sys.exit(f"newswatch crawl failed:\n{crawl.stderr[-2000:]}")
    finally:
        site.stop()
    peer_rate, ours_rate = peer_pages / peer_seconds, args.pages / ours_seconds
    print(f"trafilatura -i --parallel 16  {peer_pages:>5} pages  {peer_seconds:6.2f} s  {peer_rate:6.1f} pages/s")
    print(f"newswatch crawl               {args.pages:>5} pages  {ours_seconds:6.2f} s  {ours_rate:6.1f} pages/s")
    print(f"ratio (newswatch / trafilatura): {ours_rate / peer_rate:.2f}   goal >= 1.0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
