"""Al-Monitor: free stories live under /originals/YYYY/MM/; PRO analysis is for members only."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from spiders.base import NewsSourceSpider

PRO_PATH = re.compile(r"/pro(/|$)")
PRO_SITEMAP = re.compile(r"[/_-]pro[._/-]")  # e.g. /sitemap-pro.xml: lists member-only pages


class AlMonitorSpider(NewsSourceSpider):
    name = "al_monitor"

    def accept_article(self, url: str, hints: Mapping[str, str]) -> bool:
        # A PRO page behind the member wall would store only the pitch, never the story.
        return super().accept_article(url, hints) and not PRO_PATH.search(urlsplit(url).path)

    def follow_sitemap(self, url: str) -> bool:
        return super().follow_sitemap(url) and not PRO_SITEMAP.search(urlsplit(url).path)
