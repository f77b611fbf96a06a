"""Scrapy's RobotsTxtMiddleware, with every request that waits for a host's robots.txt checked.

Scrapy 2.19's middleware keeps one Deferred per host while its robots.txt downloads, and every
request that arrives meanwhile awaits that same Deferred. The first waiter's callback returns None,
so the second and later waiters are handed None, "no robots.txt", and fetched unchecked: a worker
that starts with many queued requests for one host, or a source with several feeds, fetched
disallowed pages. Here each waiter gets a Deferred of its own, fed from the shared one without
consuming its result.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        mine: Deferred[RobotParser | None] = Deferred()

        def relay(result):
            mine.callback(result)
            return result  # the shared Deferred keeps its result for the next waiter

        pending.addBoth(relay)
        return await maybe_deferred_to_future(mine)
