"""Per-outlet drop-lists: chrome that only one outlet's markup has, by domain.

Each entry is a CSS selector (or an XPath starting with "/" or "./") whose matches are chrome on
that outlet's pages. A source in sources.toml can add its own with `drop = [...]`; prefer a generic
rule in rules.py whenever the chrome is a kind other outlets have too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import etree
from lxml.cssselect import CSSSelector

# Empty until a real outlet's page shows chrome the generic rules miss; entries look like
# "example.com": ("div.member-pitch", "//aside[@data-slot='promo']").
OUTLET_DROP_SELECTORS: dict[str, tuple[str, ...]] = {}


@lru_cache(maxsize=512)
def compile_selector(selector: str) -> etree.XPath:
    """An XPath for a CSS selector or XPath expression; raises ValueError naming a bad one."""
    try:
        if selector.startswith(("/", "./", "(")):
            return etree.XPath(selector)
        return CSSSelector(selector)
    except Exception as exc:  # cssselect and lxml raise several unrelated types
        raise ValueError(f"bad selector {selector!r}: {exc}") from exc


def outlet_selectors(url: str | None, extra: Iterable[str] = ()) -> Sequence[etree.XPath]:
    """The compiled drop-list for the outlet serving `url`, plus any given for its source."""
    try:
        host = (urlsplit(url or "").hostname or "").removeprefix("www.")
    except ValueError:  # a malformed URL ("http://[::1") names no outlet
        host = ""
    selectors = [
        selector
        for domain, domain_selectors in OUTLET_DROP_SELECTORS.items()
        if host == domain or host.endswith("." + domain)
        for selector in domain_selectors
    ]
    return [compile_selector(selector) for selector in [*selectors, *extra]]
