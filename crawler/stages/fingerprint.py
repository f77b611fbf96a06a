"""Stage 2, fingerprint: `page.article` → `page.fingerprint` (exact hash, MinHash, LSH keys) and
`page.canonical_url`, the story's URL key. CPU only, no database."""

from __future__ import annotations

from crawler.dedup import canonical_url
from crawler.dedup.fingerprints import Fingerprint
from crawler.items import Page
from crawler.stages.context import StageContext


def fingerprint(page: Page, context: StageContext) -> Page:
    if page.done or page.article is None:
        return page
    page.fingerprint = Fingerprint.of(page.article.text)
    page.canonical_url = canonical_url(page.url, page.article.canonical_url)
    return page
