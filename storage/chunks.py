"""Long `IN (…)` lists in pieces: SQLite allows 32k parameters, but short lists plan better."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

IN_CHUNK = 500  # values per IN (…)
T = TypeVar("T")


def in_chunks(values: Iterable[T], size: int = IN_CHUNK) -> Iterator[list[T]]:
    """The distinct values, in their first order, `size` at a time."""
    distinct = list(dict.fromkeys(values))
    for start in range(0, len(distinct), size):
        yield distinct[start : start + size]
