"""A cluster crawl run's life, on both sides: the scheduler opens it and queues its job (`enqueue`),
workers settle its requests one by one (`settle`), and the one that settles the last closes it
(`close_run`). No Scrapy here: the scheduler imports this module.

A source never has two cluster runs open: `enqueue` skips a source whose run is still open (a
scheduler restarted mid-cycle queues nothing twice), and closes as `interrupted` a run Redis no
longer knows (Redis flushed or lost): its unsettled articles are still pending in the frontier, and
the new run's job requests them.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from crawler.cluster import CLUSTER_HOST, JOB_MEMBER, Keys
from storage.db import session_scope
from storage.models import CrawlRun
from storage.runs import CrawlRuns
from storage.types import utcnow

log = logging.getLogger("newswatch.cluster")

# Redis counters of a run -> crawl_runs columns.
COUNTERS = ("pages_fetched", "bytes_fetched", "not_modified", "new", "updated", "duplicates", "unchanged", "errors")
RUN_KEY_TTL = 7 * 86400  # a run's Redis keys outlive any sane run; they are deleted when it closes


@dataclass(frozen=True, slots=True)
class Enqueued:
    source: str
    run_id: int
    new: bool  # False: the source's run was still open, nothing queued


def enqueue(
    engine: Engine, server: Any, keys: Keys, source: str, *, time_limit: float | None = None
) -> Enqueued:
    """Open a cluster run of `source` and queue its job, unless one is open already. A run open
    longer than `time_limit` seconds is taken for stuck (a request of it lost between two Redis
    writes, or a worker that never comes back): closed `timed out`, and a new one queued."""
    with session_scope(engine) as session:
        runs = CrawlRuns(session)
        for run in runs.running([source]):
            if run.host != CLUSTER_HOST:
                continue
            age = (utcnow() - run.started_at).total_seconds()
            lost = not server.sismember(keys.runs, run.id)
            if not lost and (time_limit is None or age <= time_limit):
                return Enqueued(source, run.id, new=False)
            # What it had not settled is pending in the frontier: the new run's job requests it.
            runs.finish(run.id, {}, "interrupted" if lost else "timed out")
            forget(server, keys, run.id)
            why = "unknown to Redis" if lost else f"open for {age:.0f} s"
            log.warning("%s: cluster run %d %s: closed, a new one queued", source, run.id, why)
        run_id = runs.start(source, host=CLUSTER_HOST)
        job = json.dumps({"source": source, "run": run_id})
        with server.pipeline(transaction=True) as pipe:
            pipe.sadd(keys.open(run_id), JOB_MEMBER)
            pipe.expire(keys.open(run_id), RUN_KEY_TTL)
            pipe.sadd(keys.runs, run_id)
            pipe.rpush(keys.jobs, job)  # workers take jobs from the left: first queued, first taken
            pipe.execute()
    return Enqueued(source, run_id, new=True)


def settle(server: Any, keys: Keys, run_id: int, member: str, worker: str | None = None) -> bool:
    """One request of run `run_id` settled (and off `worker`'s inflight); True when it was the run's last."""
    with server.pipeline(transaction=True) as pipe:
        if worker is not None:
            pipe.hdel(keys.inflight(worker), member)
        pipe.srem(keys.open(run_id), member)
        pipe.scard(keys.open(run_id))
        results = pipe.execute()
    removed, left = results[-2], results[-1]
    return bool(removed) and left == 0


def count(server: Any, keys: Keys, run_id: int, counts: dict[str, int]) -> None:
    with server.pipeline(transaction=False) as pipe:
        for name, value in counts.items():
            if value:
                pipe.hincrby(keys.counts(run_id), name, value)
        pipe.expire(keys.counts(run_id), RUN_KEY_TTL)
        pipe.execute()


def close_run(engine: Engine, server: Any, keys: Keys, run_id: int) -> None:
    """Write the run's counters to crawl_runs and close it `finished`; drop its Redis keys."""
    from crawler.extensions.crawl_run import promote_settled_listings

    raw = server.hgetall(keys.counts(run_id))
    stats = {key.decode(): int(value) for key, value in raw.items()}
    values = {name: stats.get(name, 0) for name in COUNTERS}
    extra = {f"newswatch/cluster/{key}": value for key, value in stats.items() if key not in COUNTERS}
    with session_scope(engine) as session:
        promote_settled_listings(session)
        CrawlRuns(session).finish(run_id, {**values, "extra": extra}, "finished")
    forget(server, keys, run_id)
    log.info("cluster run %d finished: %s", run_id, values)


def forget(server: Any, keys: Keys, run_id: int) -> None:
    """Drop a closed run's Redis keys."""
    with server.pipeline(transaction=True) as pipe:
        pipe.delete(keys.counts(run_id), keys.open(run_id), f"{keys.seen}:{run_id}")
        pipe.srem(keys.runs, run_id)
        pipe.execute()


def wait_closed(engine: Engine, run_ids: Iterable[int], timeout: float, stop: Any = None) -> list[int]:
    """Wait until these runs are closed (or `timeout` seconds, or `stop()` is true); those still open."""
    waiting = set(run_ids)
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline and not (stop and stop()):
        with session_scope(engine) as session:
            rows = session.execute(select(CrawlRun.id, CrawlRun.status).where(CrawlRun.id.in_(waiting))).all()
        waiting -= {run_id for run_id, status in rows if status != "running"}
        if waiting:
            time.sleep(0.2)
    return sorted(waiting)


def queue_depth(server: Any, keys: Keys) -> dict[str, int]:
    """What the cluster has to do: jobs not yet taken, requests queued, runs open."""
    with server.pipeline(transaction=False) as pipe:
        pipe.llen(keys.jobs)
        pipe.zcard(keys.requests)
        pipe.scard(keys.runs)
        jobs, requests, runs = pipe.execute()
    return {"jobs": int(jobs), "requests": int(requests), "open_runs": int(runs)}
