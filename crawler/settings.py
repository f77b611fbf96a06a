"""Scrapy settings for newswatch's spiders (see spiders/). The crawl runner overrides some per run."""

from scrapy.settings import default_settings as _scrapy

from crawler import __version__

BOT_NAME = "newswatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Polite by default: an honest User-Agent, robots.txt, adaptive throttling, few requests per outlet.
USER_AGENT = f"newswatch/{__version__} (+https://github.com/newswatch/newswatch; news monitoring)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Items of one response processed at once. An article response yields one Page, a listing only
# requests: Scrapy's default of 100 started 100 asyncio tasks per response (~1 ms of the reactor's CPU
# per page); pages of different responses still go to the worker processes side by side.
CONCURRENT_ITEMS = 2
DOWNLOAD_DELAY = 0.5
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's successor to the telnet console: a loopback HTTP server that runs posted Python code
# (bearer token in a file); on by default in every crawl and worker. Off, like the console.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "WARNING"
FEED_EXPORT_ENCODING = "utf-8"
LOG_FORMATTER = "crawler.logformatter.PageLogFormatter"

SPIDER_MIDDLEWARES = {
    "crawler.middlewares.frontier.FrontierMiddleware": 950,
}
DOWNLOADER_MIDDLEWARES = {
    # After Scrapy's OffsiteMiddleware (50), before RobotsTxtMiddleware (100): a hop off the outlet.
    "crawler.middlewares.offsite_redirect.OffsiteRedirectMiddleware": 60,
    # Scrapy's robots.txt check, minus a race that let requests waiting for robots.txt through.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robots.RobotsTxtMiddleware": 100,
    # Scrapy's retries, honouring Retry-After per domain (crawler/middlewares/retry_after.py).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry_after.RetryAfterMiddleware": 550,
    "crawler.middlewares.conditional_get.ConditionalGetMiddleware": 560,
    "crawler.middlewares.record.RecordMiddleware": 950,
    "crawler.middlewares.replay.ReplayMiddleware": 960,
    # Last before the downloader (after a replay, which never connects): non-public targets refused.
    "crawler.middlewares.ssrf.NetworkGuardMiddleware": 970,
}
# Every address a connection is about to use is checked (crawler/netguard.py); the guard wraps
# NEWSWATCH_DNS_RESOLVER. Private, loopback, link-local… addresses are refused unless
# NEWSWATCH_ALLOW_PRIVATE_NETWORKS ([crawl] allow_private_networks) or a source's allowed_networks.
TWISTED_DNS_RESOLVER = "crawler.netguard.GuardedResolver"
NEWSWATCH_DNS_RESOLVER = "scrapy.resolver.CachingThreadedResolver"
NEWSWATCH_ALLOW_PRIVATE_NETWORKS = False
# Components switched off for good are left out of Scrapy's base lists, not set to None: Scrapy
# imports every module named in EXTENSIONS or DOWNLOADER_MIDDLEWARES, None or not. The remote
# control's loads aiohttp's web server (~0.2 s of every crawl's start), the cookies middleware's
# ~0.07 s (COOKIES_ENABLED is off; turning it on needs the middleware put back here).
_LEFT_OUT = {
    "scrapy.extensions.remote_control.RemoteControl",
    "scrapy.extensions.telnet.TelnetConsole",
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
}
EXTENSIONS_BASE = {path: order for path, order in _scrapy.EXTENSIONS_BASE.items() if path not in _LEFT_OUT}
DOWNLOADER_MIDDLEWARES_BASE = {
    path: order for path, order in _scrapy.DOWNLOADER_MIDDLEWARES_BASE.items() if path not in _LEFT_OUT
}
ITEM_PIPELINES = {
    "crawler.pipelines.stages.StagePipeline": 100,
}
EXTENSIONS = {
    "crawler.extensions.crawl_run.CrawlRunRecorder": 100,
}

# newswatch's own: the database, and the snapshot directory to replay from or record to.
NEWSWATCH_DB_URL = None  # None: storage.db.default_db_url()
NEWSWATCH_REPLAY_DIR = None
NEWSWATCH_RECORD_DIR = None
# Set by crawler/app/crawl.py for its workers: the sources' extraction options and the watch rules in
# force ((rules, alias groups); None: articles stay marked to match, for a crawl that has rules).
NEWSWATCH_SOURCES = ()
NEWSWATCH_RULES = None
NEWSWATCH_MAX_ATTEMPTS = 5
NEWSWATCH_RETRY_BACKOFF = 300.0
# Limits ([crawl] in sources.toml): redirect hops, listing size, articles requested per listing per
# crawl, and the longest Retry-After honoured (seconds).
REDIRECT_MAX_TIMES = 10
NEWSWATCH_MAX_LISTING_BYTES = 8 * 1024 * 1024
NEWSWATCH_MAX_ARTICLES_PER_LISTING = 500
NEWSWATCH_MAX_RETRY_AFTER = 600.0
