"""Clean article extraction: trafilatura plus our chrome, paywall and page-kind rules."""

from crawler.extraction.article import Article, ExtractionError, PageKind
from crawler.extraction.extractor import DEFAULT_OPTIONS, ExtractOptions, extract_article

__all__ = ["Article", "DEFAULT_OPTIONS", "ExtractOptions", "ExtractionError", "PageKind", "extract_article"]
