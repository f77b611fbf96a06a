"""The cluster's parts on the real Redis (NEWSWATCH_TEST_REDIS_URL): a run's life from the
scheduler's job to the worker that closes it, politeness shared by workers, reaping a dead worker;
and robots.txt checked for every request that waits on it (Scrapy 2.19 let all but the first by)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.cluster import JOB_MEMBER, Keys, connect
from crawler.cluster.node import Cluster
from crawler.cluster.runs import enqueue, queue_depth, settle
from storage.db import make_engine, session_scope
from storage.runs import CrawlRuns
from tests.test_cluster import redis_url_fixture  # noqa: F401


@pytest.fixture(name="keys")
def keys_fixture(redis_url: str) -> Iterator[Keys]:
    keys = Keys(f"nwunit-{uuid.uuid4().hex[:10]}")
    yield keys
    server = connect(redis_url)
    for key in server.scan_iter(match=f"{keys.prefix}:*"):
        server.delete(key)


def test_a_run_is_queued_once_and_closed_by_its_last_request(redis_url: str, keys: Keys, tmp_path: Path):
    server, engine = connect(redis_url), make_engine(f"sqlite:///{tmp_path / 'nw.db'}")
    first = enqueue(engine, server, keys, "wire")
    again = enqueue(engine, server, keys, "wire")  # a restarted scheduler, mid-cycle
    assert first.new and not again.new and again.run_id == first.run_id
    assert queue_depth(server, keys) == {"jobs": 1, "requests": 0, "open_runs": 1}

    worker = Cluster(server, keys, engine, worker_id="w1")
    server.sadd(keys.open(first.run_id), f"{first.run_id} http://a/1")  # a request the job queued
    worker.job_done(first.run_id)
    assert server.sismember(keys.runs, first.run_id)  # its request is still open
    worker.count(first.run_id, new=1, pages_fetched=2)
    worker.done({"newswatch_run": first.run_id, "newswatch_key": f"{first.run_id} http://a/1"})
    with session_scope(engine) as session:
        run = CrawlRuns(session).get(first.run_id)
        assert (run.status, run.new, run.pages_fetched) == ("finished", 1, 2)
    assert queue_depth(server, keys)["open_runs"] == 0
    assert enqueue(engine, server, keys, "wire").new  # the next cycle


def test_a_run_redis_lost_is_closed_interrupted_and_queued_anew(redis_url: str, keys: Keys, tmp_path: Path):
    server, engine = connect(redis_url), make_engine(f"sqlite:///{tmp_path / 'nw.db'}")
    lost = enqueue(engine, server, keys, "wire")
    server.delete(keys.runs, keys.open(lost.run_id))  # Redis flushed
    fresh = enqueue(engine, server, keys, "wire")
    assert fresh.new and fresh.run_id != lost.run_id
    with session_scope(engine) as session:
        assert CrawlRuns(session).get(lost.run_id).status == "interrupted"


def test_a_run_open_past_the_time_limit_is_closed_and_queued_anew(redis_url: str, keys: Keys, tmp_path: Path):
    server, engine = connect(redis_url), make_engine(f"sqlite:///{tmp_path / 'nw.db'}")
    stuck = enqueue(engine, server, keys, "wire")
    assert not enqueue(engine, server, keys, "wire", time_limit=60).new
    time.sleep(0.05)
    fresh = enqueue(engine, server, keys, "wire", time_limit=0.01)
    assert fresh.new
    with session_scope(engine) as session:
        assert CrawlRuns(session).get(stuck.run_id).status == "timed out"
    assert not server.exists(keys.open(stuck.run_id))


def test_settle_counts_a_member_once(redis_url: str, keys: Keys):
    server = connect(redis_url)
    server.sadd(keys.open(7), JOB_MEMBER, "7 http://a/1")
    assert not settle(server, keys, 7, JOB_MEMBER)
    assert settle(server, keys, 7, "7 http://a/1")  # the last
    assert not settle(server, keys, 7, "7 http://a/1")  # twice (an errback and the spider middleware)


def test_politeness_and_retry_after_hold_for_every_worker(redis_url: str, keys: Keys, tmp_path: Path):
    server, engine = connect(redis_url), make_engine(f"sqlite:///{tmp_path / 'nw.db'}")
    one, two = (Cluster(server, keys, engine, worker_id=name) for name in ("w1", "w2"))
    assert one.take_slot("outlet.example", "a", 0.4) == 0  # the slot is taken for 0.4 s …
    wait = two.take_slot("outlet.example", "b", 0.4)  # … for the other worker too
    assert 0.2 < wait <= 0.4
    assert two.take_slot("other.example", "c", 0.4) == 0  # per host
    time.sleep(wait + 0.02)
    assert two.take_slot("outlet.example", "d", 0.4) == 0
    one.hold_off("outlet.example", 5)  # a Retry-After: 5 seen by one worker
    assert 4 < two.take_slot("outlet.example", "e", 0.0) <= 5


def test_a_hosts_concurrency_holds_for_the_whole_cluster(redis_url: str, keys: Keys, tmp_path: Path):
    server, engine = connect(redis_url), make_engine(f"sqlite:///{tmp_path / 'nw.db'}")
    one, two = (Cluster(server, keys, engine, worker_id=name) for name in ("w1", "w2"))
    assert one.take_slot("outlet.example", "w1:0", 0, limit=2) == 0
    assert two.take_slot("outlet.example", "w2:0", 0, limit=2) == 0
    assert two.take_slot("outlet.example", "w2:1", 0, limit=2) > 0  # two in flight: the third waits
    assert two.take_slot("other.example", "w2:1", 0, limit=2) == 0  # per host
    one.free_slot("outlet.example", "w1:0")  # answered
    assert two.take_slot("outlet.example", "w2:1", 0, limit=2) == 0
    assert one.take_slot("outlet.example", "w1:1", 0, limit=2) > 0
    # A worker that dies holding a slot loses it when its lease ends.
    assert one.take_slot("dying.example", "w1:2", 0, limit=1, lease=0.3) == 0
    assert two.take_slot("dying.example", "w2:2", 0, limit=1) > 0
    time.sleep(0.35)
    assert two.take_slot("dying.example", "w2:2", 0, limit=1) == 0


def test_a_dead_workers_jobs_go_back_to_the_queue(redis_url: str, keys: Keys, tmp_path: Path):
    server, engine = connect(redis_url), make_engine(f"sqlite:///{tmp_path / 'nw.db'}")
    dead, live = Cluster(server, keys, engine, worker_id="dead", ttl=0.2), Cluster(server, keys, engine, "live")
    dead.beat()
    dead.hold_job(3, b'{"source": "wire", "run": 3}')
    assert live.reap() == 0  # still beating
    time.sleep(0.3)
    assert live.reap() == 1
    assert server.lrange(keys.jobs, 0, -1) == [b'{"source": "wire", "run": 3}']
    assert not server.exists(keys.inflight("dead"))


ROBOTS_PROBE = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import threading, scrapy
from scrapy.crawler import CrawlerProcess
hits = []
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        hits.append(self.path)
        body = b"User-agent: *\\nDisallow: /private/\\n" if self.path == "/robots.txt" else b"<html>page</html>"
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args): pass
server = ThreadingHTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_address[1]}"
class S(scrapy.Spider):
    name = "probe"
    async def start(self):
        for n in range(5):  # all arrive while robots.txt downloads
            yield scrapy.Request(f"{base}/private/{n}", callback=self.parse)
    def parse(self, response):
        pass
settings = {"ROBOTSTXT_OBEY": True, "LOG_ENABLED": False, "DOWNLOADER_MIDDLEWARES": {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    sys.argv[1]: 100}}
process = CrawlerProcess(settings)
process.crawl(S)
process.start()
import json
print(json.dumps(sorted(hits)))
"""


@pytest.mark.parametrize(
    ("middleware", "fetched"),
    [
        ("scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware", True),  # the race, as Scrapy 2.19 has it
        ("crawler.middlewares.robots.RobotsTxtMiddleware", False),
    ],
)
def test_robots_txt_checks_every_request_that_waited_for_it(middleware: str, fetched: bool):
    result = subprocess.run(
        [sys.executable, "-c", ROBOTS_PROBE, middleware], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout.strip().splitlines()[-1])
    assert hits.count("/robots.txt") == 1
    private = sum(path.startswith("/private/") for path in hits)
    # Stock Scrapy lets waiting requests by (if this fails, Scrapy fixed it: drop our subclass).
    assert (private > 0) if fetched else (private == 0), hits
