"""The Article record the extractor returns: a stable public interface (JSON keys never renamed)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

# A word: a run of letters/digits, or one character of a script written without spaces (Chinese,
# Japanese; Korean is written with spaces between its words).
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(f"[{_UNSPACED}]|[^\\s{_UNSPACED}]+")
_ANY_UNSPACED = re.compile(f"[{_UNSPACED}]")


def count_words(text: str) -> int:
    """Words of `text`: split on spaces, each Chinese or Japanese character a word of its own."""
    if _ANY_UNSPACED.search(text) is None:
        return len(text.split())
    return len(_WORD.findall(text))


class PageKind(StrEnum):
    """What a page turned out to be. Only ARTICLE pages carry text."""

    ARTICLE = "article"
    CHALLENGE = "challenge"  # bot check or "access denied" page
    CONSENT = "consent"  # cookie/consent wall in front of the story
    INDEX = "index"  # section or front page: a list of other stories
    EMPTY = "empty"  # a page with no story body (video-only, placeholder)


@dataclass(slots=True)
class Article:
    url: str | None
    canonical_url: str | None
    title: str | None
    description: str | None
    authors: list[str]
    published: str | None  # ISO 8601; UTC when the page gave a time zone, a bare date when only a date
    language: str | None  # ISO 639-1
    text: str
    paywalled: bool
    source: str | None  # the outlet's name (og:site_name, publisher) or its domain
    kind: PageKind = PageKind.ARTICLE
    reason: str | None = None  # why a page is not an article
    markdown: str | None = field(default=None, repr=False)
    # With ExtractOptions(explain=True): each block trafilatura gave, kept or dropped and by which
    # named rule (rules.BLOCK_RULES): {"block", "text", "kept", "rule", "detail"}.
    explanation: list[dict[str, Any]] | None = field(default=None, repr=False)

    @property
    def word_count(self) -> int:
        return count_words(self.text)

    @property
    def is_article(self) -> bool:
        return self.kind is PageKind.ARTICLE

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = str(self.kind)
        data["word_count"] = self.word_count
        if self.markdown is None:
            del data["markdown"]
        if self.explanation is None:
            del data["explanation"]
        return data


class ExtractionError(Exception):
    """A page that could not be read at all. `kind` is a short machine-readable reason."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
