"""Dedup at scale: the time to check and store one article with 1k and with 100k articles stored.

    python benchmarks/dedup_scale.py [--db URL] [--inserts 500] [--sizes 1000,100000]

For each size, an empty database (a temporary SQLite file by default; with --db a PostgreSQL URL, a
temporary schema on it) is seeded in bulk, then `crawler.stages.store_page` (fingerprint, dedup,
store) runs on `--inserts` synthetic articles, one transaction each as the crawl pipeline does:
canonical URL, fingerprints, exact and near-duplicate lookup (with the candidates' facts), insert.
One in ten is a lightly edited copy of an earlier one under its headline, so the duplicate path is
timed too. Prints the mean per article for each size and the ratio (goal < 1.3).

Seeded rows get random fingerprints (hash, MinHash, LSH keys): to the index they are what
unrelated texts are — keys spread uniformly — and the 100k seed takes seconds instead of minutes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, create_engine, insert  # noqa: E402

from crawler.dedup.fingerprints import MINHASH_ROWS, MINHASH_SLOTS  # noqa: E402
from crawler.extraction import Article  # noqa: E402
from crawler.items import Page  # noqa: E402
from crawler.stages import store_page  # noqa: E402
from storage.articles import ArticleStore  # noqa: E402
from storage.db import make_engine, normalise_url, session_scope  # noqa: E402
from storage.models import Article as StoredArticle  # noqa: E402
from storage.models import NearDupKey  # noqa: E402
from storage.records import StoreOutcome  # noqa: E402

SEED_BATCH = 5_000
NOW = datetime(2026, 11, 20, tzinfo=UTC)
VOCABULARY = [f"{a}{b}" for a in ("iran", "russia", "drone", "jet", "deal", "missile", "sanction", "su")
              for b in ("", "s", "ian", "ed", "ing", "er", "ist", "al", "ity", "ment")] + [
    "the", "a", "of", "to", "in", "and", "said", "on", "for", "with", "by", "that", "was", "officials",
    "defence", "ministry", "tehran", "moscow", "kyiv", "ukraine", "shahed", "geran", "s-300", "s-400",
]  # fmt: skip


def synthetic_text(rng: random.Random, words: int = 350) -> str:
    return " ".join(rng.choice(VOCABULARY) + (str(rng.randrange(1000)) if rng.random() < 0.3 else "")
                    for _ in range(words))  # fmt: skip


def lightly_edited(rng: random.Random, text: str) -> str:
    tokens = text.split()
    for _ in range(len(tokens) // 50):  # 2% of the words replaced
        tokens[rng.randrange(len(tokens))] = rng.choice(VOCABULARY)
    return "DUBAI (Reuters) - " + " ".join(tokens[:-10])


def seed(engine: Engine, count: int, rng: random.Random) -> None:
    """`count` articles with random fingerprints and their LSH keys, inserted in batches."""
    with session_scope(engine) as session:
        source_id = ArticleStore(session).ensure_source("seed")
    bands = MINHASH_SLOTS // MINHASH_ROWS
    for start in range(0, count, SEED_BATCH):
        stop = min(start + SEED_BATCH, count)
        articles, keys = [], []
        for n in range(start, stop):
            url = f"https://seed.example/{n}"
            articles.append({
                "id": n + 1, "source_id": source_id, "url": url, "url_key": url, "canonical_url": url,
                "title": f"Seed {n}", "authors": [], "text": "seed", "paywalled": False, "word_count": 350,
                "content_hash": rng.randbytes(32).hex(),
                "minhash": rng.randbytes(4 * MINHASH_SLOTS), "first_seen": NOW, "last_seen": NOW,
                "updated_at": NOW, "revision_count": 0, "needs_match": False,
            })  # fmt: skip
            keys.extend({"key": rng.getrandbits(64) - (1 << 63), "article_id": n + 1} for _ in range(bands))
        with session_scope(engine) as session:
            session.execute(insert(StoredArticle.__table__), articles)
            session.execute(insert(NearDupKey.__table__), keys)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:  # explicit ids bypassed the sequence; plan with fresh statistics
            connection.exec_driver_sql("SELECT setval(pg_get_serial_sequence('articles', 'id'), max(id)) FROM articles")
            connection.exec_driver_sql("ANALYZE")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def time_inserts(engine: Engine, inserts: int, rng: random.Random) -> tuple[list[float], dict[str, int]]:
    stories: list[tuple[str, str]] = []  # (headline, text)
    timings, outcomes = [], {outcome.value: 0 for outcome in StoreOutcome}
    for n in range(inserts):
        if stories and n % 10 == 9:  # a copy runs its original's headline (and facts) with its text
            title, original = rng.choice(stories)
            text = lightly_edited(rng, original)
        else:
            title, text = f"Story {n}", synthetic_text(rng)
        stories.append((title, text))
        url = f"https://bench.example/story/{n}?utm_source=rss"
        article = Article(url=url, canonical_url=None, title=title, description=None, authors=[],
                          published="2026-11-20T08:00:00+00:00", language="en", text=text, paywalled=False,
                          source=None)  # fmt: skip
        page = Page(url=url, source="bench", body=b"", status=200, fetched_at=NOW, article=article)
        start = time.perf_counter()
        with session_scope(engine) as session:
            result = store_page(session, page)
        timings.append(time.perf_counter() - start)
        outcomes[result.outcome.value] += 1
    return timings, outcomes


def postgres_schema(url: str, schema: str, *, drop: bool = False) -> str:
    """Create (or drop) a schema; the URL whose connections use it."""
    admin = create_engine(normalise_url(url))
    with admin.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE' if drop else f'CREATE SCHEMA "{schema}"')
    admin.dispose()
    return normalise_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)


@contextmanager
def scratch_engine(db: str | None) -> Iterator[Engine]:
    """An engine on an empty database: a temporary SQLite file, or with `db` a temporary schema on that
    PostgreSQL server (dropped afterwards). A SQLite `db` is used as it is."""
    with tempfile.TemporaryDirectory() as folder:
        schema = None
        url = db or f"sqlite:///{Path(folder) / 'bench.db'}"
        if db and not db.startswith("sqlite"):
            schema = f"nw_bench_{uuid.uuid4().hex[:12]}"
            url = postgres_schema(db, schema)
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()
            if db and schema:
                postgres_schema(db, schema, drop=True)


def run(db: str | None, size: int, inserts: int) -> tuple[list[float], dict[str, int], float]:
    rng = random.Random(size)
    with scratch_engine(db) as engine:
        start = time.perf_counter()
        seed(engine, size, rng)
        seeded = time.perf_counter() - start
        timings, outcomes = time_inserts(engine, inserts, rng)
    return timings, outcomes, seeded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="PostgreSQL URL (a temporary schema on it is used); default: temp SQLite")
    parser.add_argument("--inserts", type=int, default=500)
    parser.add_argument("--sizes", default="1000,100000", help="articles stored before timing, comma-separated")
    args = parser.parse_args()
    if args.db and args.db.startswith("sqlite") and len(args.sizes.split(",")) > 1:
        parser.error("a SQLite --db is reused: give one --sizes value, or leave --db out")
    means = {}
    for size in (int(s) for s in args.sizes.split(",")):
        timings, outcomes, seeded = run(args.db, size, args.inserts)
        means[size] = statistics.fmean(timings)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"{size:>7} stored (seeded in {seeded:5.1f} s): {means[size] * 1000:6.2f} ms/article mean, "
              f"{statistics.median(timings) * 1000:6.2f} median, {p95 * 1000:6.2f} p95 over {len(timings)}; "
              f"{outcomes}", flush=True)  # fmt: skip
    if len(means) >= 2:
        sizes = sorted(means)
        print(f"ratio {sizes[-1]} / {sizes[0]}: {means[sizes[-1]] / means[sizes[0]]:.2f} (goal < 1.3)")


if __name__ == "__main__":
    main()
