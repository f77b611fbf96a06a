"""Which version of an article a listing announces: the date a feed or sitemap gives it."""

from __future__ import annotations

# Hints a listing gives an article, most telling first: when it last changed.
VERSION_HINTS = ("modified", "published")


def listed_version(hints: dict[str, str]) -> str | None:
    """The listing's date for an article, as the listing wrote it."""
    return next((hints[key] for key in VERSION_HINTS if hints.get(key)), None)
