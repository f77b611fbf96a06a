"""How we call trafilatura: the settings, and two costs of its per-call setup that we avoid.

Both leave trafilatura's output unchanged:
- its `Extractor` reads eight numbers from a ConfigParser on every call; we build it once per
  setting and copy it per page;
- its jusText fallback passes a tuple of every stopword of every language (~150,000) to a cache
  that hashes the tuple on each lookup (about 7 ms a page whenever the fallback runs); we hand it
  the same words in a tuple hashed by identity. The swap lasts only for our own call, so other users
  of trafilatura in the process see the library as shipped.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import trafilatura.external
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.settings import Document, Extractor


class _OnceHashedWords(tuple):
    """The stopwords, hashed by identity: a plain tuple rehashes its 150,000 words on every lookup.

    (Not the tuple's own hash: the shipped tuple holds the same words in the same order, and two
    equal hashes in one cache would make every lookup compare the two tuples word by word.)
    """

    __hash__ = object.__hash__


@cache
def _stoplist() -> _OnceHashedWords:
    words = trafilatura.external.JT_STOPLIST or trafilatura.external.jt_stoplist_init()
    return _OnceHashedWords(words)


@cache
def _base_extractor(formatting: bool) -> Extractor:
    return Extractor(recall=True, comments=False, formatting=formatting)


def _extractor(url: str | None, formatting: bool) -> Extractor:
    extractor = copy.copy(_base_extractor(formatting))
    extractor.url = url
    extractor.source = url and url.encode("utf-8", "replace").decode("utf-8")
    return extractor


@contextmanager
def _fast_stoplist() -> Iterator[None]:
    shipped = trafilatura.external.JT_STOPLIST
    trafilatura.external.JT_STOPLIST = _stoplist()
    try:
        yield
    finally:
        trafilatura.external.JT_STOPLIST = shipped


def extract_body(tree: HtmlElement, url: str | None, *, formatting: bool = False) -> Document | None:
    """trafilatura's extraction of the page's main text (recall mode, no comments), or None."""
    with _fast_stoplist():
        return bare_extraction(tree, url=url, options=_extractor(url, formatting))
