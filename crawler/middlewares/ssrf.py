"""Refuse non-public targets (crawler/netguard.py) before any connection is made.

The connect-time check is the reactor's name resolver, `GuardedResolver`: this middleware makes
sure one is installed (a CrawlerRunner installs no resolver), tells it which non-public networks
this crawler's hosts may use, and turns the empty lookup of a refused name into
`IgnoreRequest("refused: private address …")`, which the spider's errback records as
`refused:private_address` (crawler/failures.py), permanent in the frontier. An IP literal is
refused here too, before the downloader. Every request passes here, robots.txt and each redirect
hop too. It sits last before the downloader, after ReplayMiddleware, so a replay (which never
connects) is never refused.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.spiders import Spider

from crawler.failures import exception_kind
from crawler.netguard import GuardedResolver, Policy, parse_address, parse_networks, refusal

log = logging.getLogger(__name__)
TWISTED_HANDLER = "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"


class NetworkGuardMiddleware:
    def __init__(self, crawler: Crawler, guard: GuardedResolver, allow_all: bool) -> None:
        self.crawler = crawler
        self.guard = guard
        self.allow_all = allow_all
        self.policy = Policy(domains=())  # until the spider opens: nothing non-public

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NetworkGuardMiddleware:
        from twisted.internet import reactor

        handlers = crawler.settings.getwithbase("DOWNLOAD_HANDLERS")
        for scheme in ("http", "https"):
            if handlers.get(scheme) not in (TWISTED_HANDLER, None):
                log.warning("%s is downloaded by %s: only IP literals are checked", scheme, handlers.get(scheme))
        middleware = cls(
            crawler, GuardedResolver.installed(reactor), crawler.settings.getbool("NEWSWATCH_ALLOW_PRIVATE_NETWORKS")
        )
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        source = getattr(spider, "source", None)
        domains = tuple(domain.lower() for domain in getattr(spider, "allowed_domains", None) or ())
        networks = parse_networks(getattr(source, "allowed_networks", ()) or ())
        self.policy = Policy(domains=domains, networks=networks, allow_all=self.allow_all)
        self.guard.allow(self.crawler, self.policy)

    def spider_closed(self, spider: Spider) -> None:
        self.guard.forget(self.crawler)

    def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname or ""
        if (address := parse_address(host)) is not None and (reason := refusal(host, address, [self.policy])):
            raise IgnoreRequest(reason)

    def process_exception(self, request: Request, exception: Exception) -> None:
        if exception_kind(exception) != "dns":
            return
        # Through a proxy, the name looked up is the proxy's.
        hosts = [urlsplit(url).hostname or "" for url in (request.url, request.meta.get("proxy")) if url]
        reason = next((reason for host in hosts if (reason := self.guard.claim(host))), None)
        if reason is not None:
            raise IgnoreRequest(reason)
