"""Distributed mode: crawl workers on any number of hosts share one scrapy-redis frontier and one
PostgreSQL database.

    [cluster]
    redis_url = "redis://queue.internal:6379/0"     # or NEWSWATCH_REDIS_URL

`newswatch run` (one per database, by lease) opens a crawl run per source on its schedule and pushes
a job for it (crawler/cluster/runs.py); `newswatch worker` processes take jobs and requests from Redis
(crawler/cluster/worker.py) and run every page through the same stages as a local crawl.

Redis holds, under the key prefix (`[cluster] key_prefix`, default "newswatch"):
- `jobs`: the sources' crawl jobs, a list of JSON `{"source": …, "run": …}`;
- `requests`: scrapy-redis's shared request queue; `seen:<run>`: its dupefilter, one per run, so a
  listing or a changed article is never swallowed on the next cycle;
- `open:<run>`: the requests of a run not yet settled (a request counts from being queued until its
  page is stored or its failure recorded); the worker that settles the last one closes the run;
- `runs`: the open runs; `counts:<run>`: the run's counters, written to crawl_runs when it closes;
- `inflight:<worker>`: what a worker holds (popped from the queue, not yet settled), and
  `alive:<worker>`, its heartbeat, which expires: a live worker re-queues a dead one's inflight;
- `polite:<host>`: the moment the next request to a host may start (delay and Retry-After, for the
  whole cluster); `busy:<host>`: its requests in flight across the cluster (`concurrency_per_domain`
  holds for the whole cluster), each until it is answered or its lease ends.

The durable frontier stays the source of truth: a page is stored once (the store stage is
idempotent by URL and fingerprint), and what Redis loses is re-derived from pending frontier rows by
the next job of its source.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.config import Config

REDIS_URL_ENV = "NEWSWATCH_REDIS_URL"
CLUSTER_HOST = "cluster"  # crawl_runs.host of a run the cluster crawls (no one process owns it)
META_RUN = "newswatch_run"  # the crawl run a request belongs to
META_KEY = "newswatch_key"  # "<run> <first URL>": the request's member in open:<run> and inflight:<worker>
JOB_MEMBER = "job"  # the job's own member of open:<run>, settled once its requests are queued


def member(run: int, url: str) -> str:
    """A request's member in open:<run> and inflight:<worker> (its META_KEY): the scheduler names it
    on first sight, the pipeline settles a page by it."""
    return f"{run} {url}"


def redis_url(config: Config | None) -> str | None:
    """The cluster's Redis URL (NEWSWATCH_REDIS_URL, else `[cluster] redis_url`), or None: no cluster."""
    return os.environ.get(REDIS_URL_ENV) or (config.cluster.redis_url if config is not None else None) or None


def key_prefix(config: Config | None) -> str:
    """The prefix of the watch's Redis keys (NEWSWATCH_REDIS_PREFIX, else `[cluster] key_prefix`)."""
    configured = config.cluster.key_prefix if config is not None else "newswatch"
    return os.environ.get("NEWSWATCH_REDIS_PREFIX") or configured


@dataclass(frozen=True, slots=True)
class Keys:
    """The Redis key names of one watch."""

    prefix: str = "newswatch"

    @property
    def jobs(self) -> str:
        return f"{self.prefix}:jobs"

    @property
    def requests(self) -> str:
        return f"{self.prefix}:requests"

    @property
    def seen(self) -> str:  # scrapy-redis's dupefilter key; RunDupeFilter adds ":<run>"
        return f"{self.prefix}:seen"

    @property
    def runs(self) -> str:
        return f"{self.prefix}:runs"

    def open(self, run: int) -> str:
        return f"{self.prefix}:open:{run}"

    def counts(self, run: int) -> str:
        return f"{self.prefix}:counts:{run}"

    def inflight(self, worker: str) -> str:
        return f"{self.prefix}:inflight:{worker}"

    def alive(self, worker: str) -> str:
        return f"{self.prefix}:alive:{worker}"

    def polite(self, host: str) -> str:
        return f"{self.prefix}:polite:{host}"

    def busy(self, host: str) -> str:
        return f"{self.prefix}:busy:{host}"


def connect(url: str):  # -> redis.Redis
    """A Redis client for `url` (redis-py, imported only here and in the cluster's modules)."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, retry_on_timeout=True)
