"""`newswatch worker`: one Scrapy process that takes crawl jobs and requests from the cluster's Redis
and stores into the shared database, through the same spiders, middlewares and stages as a local
crawl (crawler/app/scrapy_crawl.py), plus the cluster's own (crawler/cluster/*).

It runs until SIGTERM/SIGINT (what it holds goes back to the queue), or, with `max_idle`, until
the whole cluster has had nothing to do for that many seconds.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.alerts.config import WatchConfig
from crawler.app.crawl import CrawlOptions, source_infos
from crawler.app.scrapy_crawl import crawl_settings
from crawler.cluster import Keys, connect, key_prefix, redis_url
from crawler.cluster.node import Cluster
from crawler.cluster.spider import ClusterSpider
from crawler.config import Config
from crawler.database import engine_for_url
from crawler.workers import shutdown_pool
from storage.db import redacted

log = logging.getLogger("newswatch.cluster")
TTL_ENV = "NEWSWATCH_WORKER_TTL"  # seconds a worker's heartbeat lasts (tests shorten it)


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    db_url: str
    concurrency: int = 0  # stage processes (extract … match); 0: one per core
    max_idle: float = 0.0  # stop once the cluster has been idle this long; 0: never
    watches: WatchConfig | None = None
    ttl: float = 10.0


class WorkerError(Exception):
    """The worker cannot start (no cluster configured, Redis unreachable)."""


def worker_settings(config: Config, options: WorkerOptions, keys: Keys, url: str) -> Settings:
    rules = None
    if options.watches is not None:
        rules = (tuple(options.watches.rules), tuple(tuple(g) for g in options.watches.alias_groups))
    settings = crawl_settings(config, CrawlOptions(db_url=options.db_url, progress=False, watches=options.watches))
    delay = settings.getfloat("DOWNLOAD_DELAY")
    settings.setdict(
        {
            "NEWSWATCH_SOURCES": source_infos(config.sources),
            "NEWSWATCH_RULES": rules,
            "REDIS_URL": url,
            "SCHEDULER": "crawler.cluster.scheduler.ClusterScheduler",
            "DUPEFILTER_CLASS": "crawler.cluster.scheduler.RunDupeFilter",
            "SCHEDULER_PERSIST": True,
            "SCHEDULER_QUEUE_KEY": keys.requests,
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
            "SCHEDULER_DUPEFILTER_KEY": keys.seen,
            "REDIS_START_URLS_KEY": keys.jobs,
            # The delay is the cluster's (crawler/cluster/middlewares.py), not each worker's.
            "NEWSWATCH_CLUSTER_DELAY": delay,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
        },
        priority="cmdline",
    )
    downloader = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    downloader.update(
        {
            "crawler.cluster.middlewares.InflightMiddleware": 10,
            # After redirects and retries (it frees its slot first), before recording/replay and the guard.
            "crawler.cluster.middlewares.PolitenessMiddleware": 940,
        }
    )
    spider = dict(settings.getdict("SPIDER_MIDDLEWARES"))
    spider["crawler.cluster.middlewares.SettleMiddleware"] = 100
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions.pop("crawler.extensions.crawl_run.CrawlRunRecorder", None)
    extensions["crawler.cluster.extension.ClusterRunRecorder"] = 100
    extensions["crawler.cluster.extension.WorkerHeartbeat"] = 110
    settings.setdict(
        {"DOWNLOADER_MIDDLEWARES": downloader, "SPIDER_MIDDLEWARES": spider, "EXTENSIONS": extensions},
        priority="cmdline",
    )
    return settings


def run_worker(config: Config, options: WorkerOptions) -> int:
    """Run one worker until it is stopped (or idle past `max_idle`); 0, or 1 when a write failed."""
    from spiders.base import NewsSourceSpider

    for source in config.sources:
        try:
            NewsSourceSpider.for_source(source)
        except LookupError as error:  # a spider key naming no spider of spiders/
            raise WorkerError(f"{source.name}: {error}") from None
    url = redis_url(config)
    if not url:
        raise WorkerError("no cluster: set [cluster] redis_url in the config or NEWSWATCH_REDIS_URL")
    server = connect(url)
    try:
        server.ping()
    except Exception as error:  # noqa: BLE001 - redis-py raises several kinds; one line says why
        raise WorkerError(f"cannot reach Redis at {redacted(url)}: {error}") from None
    if options.concurrency:
        os.environ["NEWSWATCH_EXTRACT_WORKERS"] = str(options.concurrency)
    keys = Keys(key_prefix(config))
    engine = engine_for_url(options.db_url)  # migrations first
    cluster = Cluster(server, keys, engine, ttl=float(os.environ.get(TTL_ENV) or options.ttl))
    process = CrawlerProcess(worker_settings(config, options, keys, url), install_root_handler=True)
    crawler = process.create_crawler(ClusterSpider)
    crawler.newswatch_cluster = cluster  # type: ignore[attr-defined]
    process.crawl(crawler, config=config, max_idle=options.max_idle)
    log.warning("worker %s: taking jobs from %s (%s)", cluster.worker_id, redacted(url), keys.prefix)
    try:
        process.start()
    finally:
        shutdown_pool()
    recorder = getattr(crawler, "newswatch_run", None)
    if recorder is not None and recorder.fatal is not None:
        log.error("worker %s stopped: %s", cluster.worker_id, recorder.fatal)
        return 1
    return 0
