"""Log lines about items name the page, never dump the item (a page's bytes make a log unreadable)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


class PageLogFormatter(LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> LogFormatterResult:
        return {"level": logging.INFO, "msg": "Dropped: %(exception)s", "args": {"exception": exception}}

    def scraped(self, item: Any, response: Any, spider: Any) -> LogFormatterResult:
        url = getattr(getattr(item, "page", item), "url", None)
        return {"level": logging.DEBUG, "msg": "Stored %(url)s", "args": {"url": url}}
