"""What `newswatch status` shows of the cluster: the workers' heartbeats and the queue's depth."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from crawler.cluster import Keys, connect, key_prefix, redis_url
from crawler.config import Config
from storage.db import make_engine, redacted, session_scope
from storage.types import utcnow
from storage.workers import Workers

LIVE_WITHIN = timedelta(seconds=30)  # a worker whose row is older than this has stopped or died


@dataclass(slots=True)
class WorkerRow:
    id: str
    host: str
    pid: int
    last_seen: datetime
    pages: int
    pages_per_s: float
    state: str  # running, stopped, or gone (a running worker that stopped beating)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "host": self.host,
            "pid": self.pid,
            "last_seen": self.last_seen.isoformat(),
            "pages": self.pages,
            "pages_per_s": self.pages_per_s,
            "state": self.state,
        }


@dataclass(slots=True)
class ClusterStatus:
    redis: str | None  # the Redis URL, password hidden; None: no cluster configured
    workers: list[WorkerRow] = field(default_factory=list)
    queue: dict[str, int] | None = None  # jobs, requests, open_runs; None: Redis unreachable or no cluster
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "redis": self.redis,
            "workers": [worker.as_dict() for worker in self.workers],
            "queue": self.queue,
            "error": self.error,
        }


def cluster_status(db_url: str, config: Config) -> ClusterStatus:
    from crawler.cluster.runs import queue_depth

    url = redis_url(config)
    status = ClusterStatus(redacted(url) if url else None)
    now = utcnow()
    with session_scope(make_engine(db_url)) as session:
        for row in Workers(session).recent(now=now):
            state = "gone" if row.state == "running" and now - row.last_seen > LIVE_WITHIN else row.state
            status.workers.append(
                WorkerRow(row.id, row.host, row.pid, row.last_seen, row.pages, row.pages_per_s, state)
            )
    if url:
        try:
            status.queue = queue_depth(connect(url), Keys(key_prefix(config)))
        except Exception as error:  # noqa: BLE001 - redis-py raises several kinds; status says it in one line
            status.error = f"cannot reach Redis at {redacted(url)}: {type(error).__name__}: {error}"
    return status
