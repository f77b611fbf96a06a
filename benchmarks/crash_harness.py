"""Nothing lost: SIGKILL `newswatch crawl` at random moments, then crawl once more, and count.

    python -m benchmarks.crash_harness [--kills 12] [--db sqlite|postgresql] [--articles 250] [--delay 0.2]

Against the generated outlet of tests/crash_site.py (every 5th article mentions "Shahed", one watch
rule alerts on it through a real SMTP server on 127.0.0.1), for each database: kill the crawl
(its process group, or the main process alone, in turn) `--kills` times, run one crawl to the end,
and print one table: articles stored, lost and duplicated; alerts expected, alerted (an email
received), missed, and repeated (one story emailed twice, with the same Message-ID: a crash window;
under distinct Message-IDs it is a bug); processes of killed crawls left running (orphans).
PostgreSQL is the server in NEWSWATCH_TEST_PG_URL (a schema of its own, dropped afterwards).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from tests.crash_site import CrashSite, Tally, crash_crawls
from tests.smtp_server import SmtpServer
from tests.storage_fixtures import PG_URL_ENV, drop_schema, sqlite_url, temporary_schema_url


def run(db: str, args: argparse.Namespace, folder: Path) -> Tally:
    site = CrashSite(args.articles, delay=args.delay).start()
    smtp = SmtpServer().start()
    schema = None
    admin = os.environ.get(PG_URL_ENV, "").strip()
    try:
        if db == "postgresql":
            url, schema = temporary_schema_url(admin)
        else:
            url = sqlite_url(folder)
        return crash_crawls(site, url, folder, smtp, kills=args.kills, seed=args.seed, label=db)
    finally:
        if schema is not None:
            drop_schema(admin, schema)
        smtp.stop()
        site.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), action="append", help="default: both")
    parser.add_argument("--articles", type=int, default=250)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds each article response waits")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    databases = args.db or ["sqlite", "postgresql"]
    if "postgresql" in databases and not os.environ.get(PG_URL_ENV, "").strip():
        sys.exit(f"--db postgresql needs {PG_URL_ENV} (e.g. postgresql+psycopg://root@127.0.0.1:5432/test)")
    results = []
    for db in databases:
        folder = Path(tempfile.mkdtemp(prefix=f"newswatch-crash-{db}-"))
        result = run(db, args, folder)
        results.append(result)
        print(
            f"{db}: {len(result.kills)} kills ({result.kills_mid_crawl} mid-crawl, {len(result.early_exits)} crawls"
            f" ended before their kill), final crawl exit {result.final_exit},"
            f" {result.left_running_runs} run(s) left 'running', {result.seconds:.0f} s;"
            f" logs in {folder}",
            file=sys.stderr,
        )
    table = Table(title="Crash harness: kills, then one crawl")
    for header in Tally.ROW:
        table.add_column(header, justify="left" if header == "db" else "right")
    for result in results:
        table.add_row(*(str(value) for value in result.row()))
    Console(width=200).print(table)
    return 0 if all(r.lost == r.duplicated == r.missed == r.repeated_distinct == r.orphans == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
