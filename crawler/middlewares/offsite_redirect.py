"""A redirect hop of the spider's own requests must stay on the outlet, or it is not fetched.

Listings carry dont_filter (fetched on every run, whatever a persistent dupefilter remembers), which
turns Scrapy's offsite check off for them and for every hop they are redirected to. Each hop of a
request the spider made (it carries a role) must pass the spider's `allows_redirect` (spiders/base.py:
the outlet's hosts, on its ports), else it ends in the errback as `refused:offsite_redirect`
(crawler/failures.py). It runs just after Scrapy's OffsiteMiddleware and before RobotsTxtMiddleware,
so not even the robots.txt of where the hop leads is fetched.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawler.items import META_ROLE


class OffsiteRedirectMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OffsiteRedirectMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        redirected_from = request.meta.get("redirect_urls")
        if not redirected_from or not request.meta.get(META_ROLE):
            return
        allows_redirect = getattr(self.crawler.spider, "allows_redirect", None)
        if allows_redirect is not None and not allows_redirect(request.url):
            raise IgnoreRequest(f"refused: offsite redirect from {redirected_from[-1]} to {request.url}")
