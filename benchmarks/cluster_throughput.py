"""Distributed-mode throughput on this machine: pages/s with 1, 2 and 3 `newswatch worker`s against
the single-process `newswatch crawl`, on the same generated outlet (benchmarks/synthetic_site.py),
each on a fresh PostgreSQL schema, in one run.

    NEWSWATCH_TEST_PG_URL=postgresql+psycopg://… python benchmarks/cluster_throughput.py [--pages 500]
        [--redis redis://127.0.0.1:6379/0]

Each figure is the crawl run's own time (crawl_runs.started_at → finished_at: process start-up is
not in it; for the cluster, the run starts when `newswatch run` queues it, the workers already up),
plus the wall time of the whole command for the single-process crawl.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from benchmarks.synthetic_site import SyntheticSite  # noqa: E402
from tests.storage_fixtures import drop_schema, temporary_schema_url  # noqa: E402

NEWSWATCH = [sys.executable, "-c", "from crawler.cli import main; main()"]


def run_seconds(db_url: str) -> tuple[float, int]:
    engine = create_engine(db_url)
    with engine.connect() as connection:
        started, finished, new = connection.execute(
            text("SELECT started_at, finished_at, new FROM crawl_runs ORDER BY id DESC LIMIT 1")
        ).one()
    engine.dispose()
    return (finished - started).total_seconds(), new


def single(config: Path, db_url: str) -> tuple[float, float, int]:
    start = time.perf_counter()
    result = subprocess.run([*NEWSWATCH, "crawl", "--config", str(config), "--db", db_url, "--no-progress"],
                            capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"crawl failed:\n{result.stderr[-2000:]}")
    seconds, new = run_seconds(db_url)
    return seconds, wall, new


def cluster(config: Path, db_url: str, redis_url: str, workers: int, folder: Path) -> tuple[float, float, int]:
    import redis

    env = {**os.environ, "NEWSWATCH_DB_URL": db_url, "NEWSWATCH_REDIS_URL": redis_url,
           "NEWSWATCH_REDIS_PREFIX": f"nwbench-{uuid.uuid4().hex[:8]}", "NEWSWATCH_WATCHES": str(folder / "none.toml")}
    (folder / "none.toml").write_text("")
    server = redis.Redis.from_url(redis_url)
    subprocess.run([*NEWSWATCH, "db", "upgrade"], env=env, capture_output=True, check=False)
    processes = [
        subprocess.Popen([*NEWSWATCH, "worker", "--config", str(config), "--max-idle", "1"], env=env,
                         stdout=subprocess.DEVNULL, stderr=open(folder / f"worker{n}.log", "wb"))  # noqa: SIM115
        for n in range(workers)
    ]
    alive = f"{env['NEWSWATCH_REDIS_PREFIX']}:alive:*"
    deadline = time.monotonic() + 60
    while len(list(server.scan_iter(match=alive))) < workers and time.monotonic() < deadline:
        time.sleep(0.1)
    start = time.perf_counter()
    result = subprocess.run([*NEWSWATCH, "run", "--once", "--config", str(config)], env=env,
                            capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    for process in processes:
        process.wait(timeout=60)
    for key in server.scan_iter(match=f"{env['NEWSWATCH_REDIS_PREFIX']}:*"):
        server.delete(key)
    if result.returncode != 0:
        sys.exit(f"run --once failed:\n{result.stderr[-2000:]}")
    seconds, new = run_seconds(db_url)
    return seconds, wall, new


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--redis", default=os.environ.get("NEWSWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    admin = os.environ.get("NEWSWATCH_TEST_PG_URL")
    if not admin:
        sys.exit("error: set NEWSWATCH_TEST_PG_URL to a PostgreSQL server (the cluster shares one database)")
    site = SyntheticSite(args.pages).start()
    folder = Path(tempfile.mkdtemp(prefix="newswatch-cluster-bench-"))
    config = folder / "sources.toml"
    config.write_text(site.sources_toml(), "utf-8")
    rows = []
    try:
        for label, workers in (("single process (newswatch crawl)", 0), ("1 worker", 1), ("2 workers", 2),
                               ("3 workers", 3)):
            db_url, schema = temporary_schema_url(admin)
            try:
                if workers:
                    seconds, wall, new = cluster(config, db_url, args.redis, workers, folder)
                else:
                    seconds, wall, new = single(config, db_url)
            finally:
                drop_schema(admin, schema)
            rows.append((label, seconds, wall, new))
            print(f"{label:<34} {new:>5} stored  run {seconds:6.2f} s  {new / seconds:6.1f} pages/s"
                  f"  (command {wall:5.2f} s)", flush=True)
    finally:
        site.stop()
    base = rows[0][3] / rows[0][1]
    for label, seconds, _wall, new in rows[1:]:
        print(f"{label:<34} {new / seconds / base:5.2f}x the single-process rate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
