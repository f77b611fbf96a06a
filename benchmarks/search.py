"""Search at scale: `newswatch search` time with 1k and with 100k articles stored.

    python benchmarks/search.py [--db POSTGRESQL_URL] [--sizes 1000,100000] [--repeats 40]

For each size, an empty database (a temporary SQLite file by default; with --db a temporary schema on
that PostgreSQL server) is seeded in bulk with synthetic articles: 150 words each from a Zipf-weighted
vocabulary of 3,000 made-up words, plus topic words at fixed shares of the articles (shahed 2%,
drones 5%, Russia 20%, Moscow 10%, Su-35 1%, delivered 5%), the index kept by its triggers (SQLite) or
generated column (PostgreSQL) as a crawl keeps it. Then each typical rule-sized query runs
`--repeats` times (first page of 20, relevance order, and newest first) and the mean and p95 are
printed, with the ratio of the largest size to the smallest (goals: p95 < 100 ms, ratio < 2).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, insert  # noqa: E402

from benchmarks.dedup_scale import scratch_engine  # noqa: E402
from crawler.app.search import search  # noqa: E402
from storage.articles import ArticleStore  # noqa: E402
from storage.db import session_scope  # noqa: E402
from storage.models import Article  # noqa: E402

QUERIES = (
    '(shahed OR "geran-2" OR drone*) AND (russia OR moscow)',
    'title:su-35 OR "su-35" NEAR/10 deliver*',
    "shahed AND russia -exercise",
)
TOPICS = (("Shahed", 0.02), ("drones", 0.05), ("Russia", 0.20), ("Moscow", 0.10), ("Su-35", 0.01),
          ("delivered", 0.05))  # fmt: skip
BATCH = 5_000
NOW = datetime(2026, 11, 20, tzinfo=UTC)


def vocabulary(rng: random.Random, size: int = 3_000) -> tuple[list[str], list[float]]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(size)]
    return words, [1 / (rank + 1) for rank in range(size)]


def article_text(rng: random.Random, words: list[str], weights: list[float], length: int) -> str:
    chosen = rng.choices(words, weights, k=length)
    for topic, share in TOPICS:
        if rng.random() < share:
            chosen[rng.randrange(length)] = topic
    return " ".join(chosen)


def seed(engine: Engine, count: int, rng: random.Random) -> None:
    words, weights = vocabulary(rng)
    with session_scope(engine) as session:
        source_id = ArticleStore(session).ensure_source("seed")
    for start in range(0, count, BATCH):
        rows = []
        for n in range(start, min(start + BATCH, count)):
            url = f"https://seed.example/{n}"
            when = NOW - timedelta(minutes=n)
            rows.append({
                "source_id": source_id, "url": url, "url_key": url, "canonical_url": url,
                "title": article_text(rng, words, weights, 9), "authors": [], "language": "en",
                "text": article_text(rng, words, weights, 150), "paywalled": False, "word_count": 150,
                "content_hash": rng.randbytes(32).hex(), "minhash": b"", "published_at": when,
                "first_seen": when, "last_seen": when, "updated_at": when, "revision_count": 0, "needs_match": False,
            })  # fmt: skip
        with session_scope(engine) as session:
            session.execute(insert(Article.__table__), rows)
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def timed(engine: Engine, query: str, order: str, repeats: int) -> tuple[list[float], int]:
    timings, found = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        result = search(engine, query, order=order, limit=20)  # type: ignore[arg-type]
        timings.append(time.perf_counter() - start)
        found = len(result.hits)
    return timings, found


def run(db: str | None, size: int, repeats: int) -> dict[tuple[str, str], tuple[list[float], int]]:
    rng = random.Random(size)
    with scratch_engine(db) as engine:
        start = time.perf_counter()
        seed(engine, size, rng)
        print(f"{size:>7} articles seeded in {time.perf_counter() - start:5.1f} s ({engine.dialect.name})")
        return {(q, order): timed(engine, q, order, repeats) for q in QUERIES for order in ("relevance", "newest")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="PostgreSQL URL (a temporary schema on it is used); default: temp SQLite")
    parser.add_argument("--sizes", default="1000,100000", help="articles stored, comma-separated")
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {size: run(args.db, size, args.repeats) for size in sizes}
    for key in results[sizes[0]]:
        line = [f"{key[1]:>9} {key[0]!r}:"]
        for size in sizes:
            timings, found = results[size][key]
            p95 = statistics.quantiles(timings, n=20)[-1]
            mean = statistics.fmean(timings) * 1000
            line.append(f"{size}: mean {mean:6.1f} ms p95 {p95 * 1000:6.1f} ms ({found} hits)")
        if len(sizes) > 1:
            big, small = (statistics.quantiles(results[s][key][0], n=20)[-1] for s in (sizes[-1], sizes[0]))
            line.append(f"p95 ratio {big / small:.2f}")
        print("  ".join(line), flush=True)


if __name__ == "__main__":
    main()
