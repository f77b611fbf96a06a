"""One worker's handle on the cluster: what it holds, what it settles, the dead it reaps, and the
cluster-wide politeness of each host. Scrapy components reach it as `crawler.newswatch_cluster`."""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
from typing import TYPE_CHECKING, Any

from redis.exceptions import ResponseError
from scrapy import Request
from sqlalchemy import Engine

from crawler.cluster import JOB_MEMBER, META_KEY, META_RUN, Keys
from crawler.cluster.runs import close_run, count, settle

if TYPE_CHECKING:
    from scrapy_redis.queue import Base as RedisQueue

log = logging.getLogger("newswatch.cluster")

# Seconds to wait before a request to a host may start (0: now; the slots are then taken).
# KEYS[1]: the host's next-allowed moment; KEYS[2]: the requests to it in flight, a sorted set of token
# -> lease end (a worker that dies without freeing its slot loses it at the lease end).
# ARGV: delay, concurrency limit (0: none), lease seconds, token.
_TAKE_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local next = tonumber(redis.call('GET', KEYS[1]) or '0')
if next > now then return tostring(next - now) end
local limit = tonumber(ARGV[2])
if limit > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if not redis.call('ZSCORE', KEYS[2], ARGV[4]) and redis.call('ZCARD', KEYS[2]) >= limit then
    return ARGV[5]
  end
  local lease = tonumber(ARGV[3])
  redis.call('ZADD', KEYS[2], now + lease, ARGV[4])
  redis.call('PEXPIRE', KEYS[2], math.ceil(lease * 1000) + 1000)
end
local delay = tonumber(ARGV[1])
if delay > 0 then
  redis.call('SET', KEYS[1], tostring(now + delay), 'PX', math.ceil(delay * 1000) + 1000)
end
return '0'
"""
BUSY_POLL = 0.05  # seconds between looks at a host whose concurrency is used up
# Not before now + ARGV[1] seconds (a Retry-After), unless a later moment is set already.
_HOLD_OFF = """
local t = redis.call('TIME')
local until_ = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
local next = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > next then
  redis.call('SET', KEYS[1], tostring(until_), 'PX', math.ceil(tonumber(ARGV[1]) * 1000) + 1000)
end
return 1
"""


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Cluster:
    def __init__(self, server: Any, keys: Keys, engine: Engine, worker_id: str | None = None, ttl: float = 10.0):
        self.server = server
        self.keys = keys
        self.engine = engine
        self.worker_id = worker_id or new_worker_id()
        self.ttl = ttl  # seconds a heartbeat lasts: a worker silent this long is dead, its requests re-queued
        self.queue: RedisQueue | None = None  # the shared request queue, set when the scheduler opens
        self.spider: Any = None
        self._take_slot = server.register_script(_TAKE_SLOT)
        self._hold_off = server.register_script(_HOLD_OFF)

    # --- what this worker holds ---------------------------------------------------------------
    def hold(self, request: Request) -> None:
        """`request` is this worker's until it settles (a live worker re-queues it if this one dies)."""
        key = request.meta.get(META_KEY)
        if key is None or self.queue is None:
            return
        self.server.hset(self.keys.inflight(self.worker_id), key, self.queue._encode_request(request))

    def hold_job(self, run_id: int, data: bytes) -> None:
        self.server.hset(self.keys.inflight(self.worker_id), f"{JOB_MEMBER}:{run_id}", data)

    def job_done(self, run_id: int) -> None:
        self.server.hdel(self.keys.inflight(self.worker_id), f"{JOB_MEMBER}:{run_id}")
        self._settled(run_id, JOB_MEMBER)

    def done(self, meta: dict[str, Any]) -> None:
        """The request these meta belong to is settled: stored, failed and recorded, or nothing to do."""
        run_id, key = meta.get(META_RUN), meta.get(META_KEY)
        if run_id is None or key is None:
            return
        self._settled(int(run_id), key)

    def _settled(self, run_id: int, key: str) -> None:
        if settle(self.server, self.keys, run_id, key, self.worker_id):
            close_run(self.engine, self.server, self.keys, run_id)

    def count(self, run_id: int | None, **counts: int) -> None:
        if run_id is not None:
            count(self.server, self.keys, int(run_id), counts)

    # --- heartbeat and the dead -----------------------------------------------------------------
    def beat(self) -> None:
        self.server.set(self.keys.alive(self.worker_id), b"1", px=int(self.ttl * 1000))

    def reap(self) -> int:
        """Re-queue what dead workers held (their heartbeat expired); how many requests and jobs."""
        requeued = 0
        prefix = self.keys.inflight("")
        for name in self.server.scan_iter(match=f"{prefix}*", count=100):
            worker = name.decode()[len(prefix):]
            if worker == self.worker_id or self.server.exists(self.keys.alive(worker)):
                continue
            claim = f"{self.keys.prefix}:reaping:{self.worker_id}:{worker}"
            try:
                self.server.rename(name, claim)  # one reaper wins; the others find the key gone
            except ResponseError:
                continue
            requeued += self._push_back(self.server.hgetall(claim))
            self.server.delete(claim)
            self.server.delete(self.keys.alive(worker))
            log.warning("worker %s is gone: %d of its requests and jobs re-queued", worker, requeued)
        return requeued

    def release(self) -> int:
        """On a clean stop: what this worker still holds goes back to the queue."""
        name = self.keys.inflight(self.worker_id)
        held = self.server.hgetall(name)
        self.server.delete(name, self.keys.alive(self.worker_id))
        return self._push_back(held)

    def _push_back(self, held: dict[bytes, bytes]) -> int:
        for field, value in held.items():
            if field.startswith(f"{JOB_MEMBER}:".encode()):
                self.server.lpush(self.keys.jobs, value)  # jobs are taken from the left: this one next
            elif self.queue is not None:
                self.queue.push(self.queue._decode_request(value))  # no dupefilter: it was seen, not done
        return len(held)

    # --- politeness -----------------------------------------------------------------------------
    def take_slot(self, host: str, token: str, delay: float, limit: int = 0, lease: float = 60.0) -> float:
        """0 when a request to `host` may start now, else the seconds to wait. Starting takes the host's
        delay (no other request of the cluster starts for `delay` seconds) and, under a concurrency
        `limit`, one of its slots under `token` until `free_slot` or `lease` seconds pass."""
        return float(
            self._take_slot(
                keys=[self.keys.polite(host), self.keys.busy(host)], args=[delay, limit, lease, token, BUSY_POLL]
            )
        )

    def free_slot(self, host: str, token: str) -> None:
        self.server.zrem(self.keys.busy(host), token)

    def hold_off(self, host: str, seconds: float) -> None:
        """No request of the cluster to `host` for `seconds` (it answered Retry-After)."""
        if seconds > 0:
            self._hold_off(keys=[self.keys.polite(host)], args=[seconds])


def job_of(data: bytes) -> tuple[str, int] | None:
    try:
        job = json.loads(data)
        return str(job["source"]), int(job["run"])
    except (ValueError, KeyError, TypeError):
        return None
