"""scrapy-redis's scheduler and dupefilter, fitted to crawl runs.

- A request of a run joins the run's open set *before* it is queued, so the run cannot be taken for
  finished while it waits in Redis (crawler/cluster/runs.py).
- The dupefilter is per run (`seen:<run>`): within a cycle a URL two listings name is fetched once;
  the next cycle's run starts with an empty filter, so listings, and articles the frontier wants
  again (a newer version), are never swallowed. What to fetch across cycles is the frontier's call.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from crawler.cluster import META_KEY, META_RUN, member
from crawler.cluster.runs import RUN_KEY_TTL


def request_key(request: Request) -> str | None:
    """The request's member in its run's sets ("<run> <URL first requested>"), set on first sight."""
    run = request.meta.get(META_RUN)
    if run is None:
        return None
    return request.meta.setdefault(META_KEY, member(run, request.url))


class ClusterScheduler(Scheduler):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.cluster = crawler.newswatch_cluster  # type: ignore[attr-defined]
        return scheduler

    def open(self, spider) -> None:
        super().open(spider)
        self.cluster.queue = self.queue

    def enqueue_request(self, request: Request) -> bool:
        was_held = META_KEY in request.meta
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            if was_held:  # a redirect to a URL this run has seen: this request ends here (a loop, recorded)
                self.cluster.done(request.meta)
            return False
        key = request_key(request)
        if key is not None:
            self.cluster.server.sadd(self.cluster.keys.open(int(request.meta[META_RUN])), key)
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis", spider=self.spider)
        self.queue.push(request)
        return True


class RunDupeFilter(RFPDupeFilter):
    """scrapy-redis's dupefilter with one set per crawl run, which expires."""

    def request_seen(self, request: Request) -> bool:
        key = f"{self.key}:{request.meta.get(META_RUN, 'none')}"
        with self.server.pipeline(transaction=False) as pipe:
            pipe.sadd(key, self.request_fingerprint(request))
            pipe.expire(key, RUN_KEY_TTL)
            added, _ = pipe.execute()
        return added == 0

    def close(self, reason: str = "") -> None:
        """Kept: the other workers crawl on with it (a run's set goes when the run closes)."""
