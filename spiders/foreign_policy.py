"""Foreign Policy: skips podcasts, events and FP Live pages; fetches the canonical page for AMP links."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from spiders.base import NewsSourceSpider

NOT_STORIES = re.compile(r"^/(podcasts?|events?|live|video|fp-live)(/|$)")
NOT_STORY_CATEGORIES = {"podcast", "podcasts", "fp live", "events"}


def without_amp(url: str) -> str:
    """`/2024/01/05/slug/amp/` or `?amp=1` -> the canonical `/2024/01/05/slug/`."""
    parts = urlsplit(url)
    path = re.sub(r"/amp/?$", "/", parts.path)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "amp"])
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))


class ForeignPolicySpider(NewsSourceSpider):
    name = "foreign_policy"

    def normalize_article_url(self, url: str) -> str | None:
        # An AMP copy is the same story: fetching the canonical page keeps one URL per story.
        normalized = super().normalize_article_url(url)
        return without_amp(normalized) if normalized else None

    def accept_article(self, url: str, hints: Mapping[str, str]) -> bool:
        if NOT_STORIES.match(urlsplit(url).path):
            return False
        categories = {c.strip().lower() for c in hints.get("keywords", "").split(",")}
        return super().accept_article(url, hints) and not categories & NOT_STORY_CATEGORIES
