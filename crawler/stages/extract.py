"""Stage 1, extract: the page's bytes → `page.article` (crawler.extraction). A page that cannot be
read, or is no article (a bot challenge, a consent wall, an index, an empty page), fails here."""

from __future__ import annotations

from crawler.extraction import ExtractionError, PageKind, extract_article
from crawler.items import Page
from crawler.stages.context import StageContext


def extract(page: Page, context: StageContext) -> Page:
    source = context.source(page.source)
    try:
        article = extract_article(
            page.body, page.url, encoding=page.encoding, source=source.title, options=source.extract_options
        )
    except ExtractionError as error:
        return page.fail(f"extraction:{error.kind}", str(error))
    page.article = article
    if not article.is_article:
        # A challenge may be lifted later: tried again, a bounded number of times. The rest are for good.
        passing = article.kind == PageKind.CHALLENGE
        return page.fail(f"not_article:{article.kind}", article.reason or str(article.kind), settled=not passing)
    return page
