"""The daemon's memory over many scheduled crawl cycles: it must not grow.

Runs `newswatch run`'s Daemon in this process against the two fixture outlets on loopback, with
both sources scheduled `every 1s`, until CYCLES crawls (child processes) are done, and prints the
daemon's RSS (psutil) after cycle 10 and after the last one. Child processes are not counted.

    python -m benchmarks.daemon_memory [CYCLES]      # default 200; a few minutes
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from crawler.scheduler import Daemon, Settings, Timings, load
from tests.outlet_site import OutletSite


def main(cycles: int = 200) -> None:
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # "skipped: maximum number of running instances"
    site = OutletSite().start()
    folder = Path(tempfile.mkdtemp(prefix="newswatch-daemon-memory-"))
    config = folder / "sources.toml"
    text = site.sources_toml(timeout=1)
    for pattern in ('article_pattern = "/alpha/a/"', 'article_pattern = "/beta/b/"'):
        text = text.replace(pattern, f'{pattern}\nschedule = "every 1s"')
    config.write_text(text, "utf-8")
    os.environ["XDG_DATA_HOME"] = str(folder / "data")
    settings = Settings(
        db_url=f"sqlite:///{folder / 'newswatch.db'}",
        config_path=config,
        watches_path=folder / "watches.toml",
        timings=Timings(stop_grace=30, alerts=1, reload_check=5),
        child_output=subprocess.DEVNULL,
    )
    daemon = Daemon(settings, load(settings))
    process = psutil.Process()
    samples: dict[int, float] = {}

    def watch() -> None:
        started = time.monotonic()
        while daemon.crawls_done < cycles:
            done = daemon.crawls_done
            if done >= 10 and 10 not in samples:
                samples[10] = process.memory_info().rss / 2**20
                print(
                    f"cycle {done:>3}: daemon RSS {samples[10]:.1f} MiB ({time.monotonic() - started:.0f} s)",
                    flush=True,
                )
            time.sleep(0.2)
        samples[cycles] = process.memory_info().rss / 2**20
        print(
            f"cycle {daemon.crawls_done:>3}: daemon RSS {samples[cycles]:.1f} MiB ({time.monotonic() - started:.0f} s)"
        )
        os.kill(os.getpid(), signal.SIGTERM)  # the daemon's own graceful stop

    threading.Thread(target=watch, daemon=True).start()
    code = daemon.serve()
    site.stop()
    growth = samples[cycles] - samples[10]
    print(f"growth from cycle 10 to {cycles}: {growth:+.1f} MiB; daemon exit {code}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
