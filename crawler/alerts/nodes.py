"""The parsed form of a query: a small boolean tree over terms, independent of the parser's tree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from crawler.alerts.analysis import Seq

FieldName = Literal["title", "text"]
FIELDS: tuple[FieldName, ...] = ("title", "text")


@dataclass(frozen=True, slots=True)
class Term:
    """A word, phrase or `prefix*`, as written, with the token sequences that count as it (alias members)."""

    text: str
    variants: tuple[Seq, ...]
    field: FieldName | None = None  # None: title or text


@dataclass(frozen=True, slots=True)
class Near:
    """All operands within `distance` tokens of each other, in any order, in one field."""

    operands: tuple[Term, ...]
    distance: int
    field: FieldName | None = None


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


Node = Term | Near | And | Or | Not


def fields_of(node: Term | Near) -> tuple[FieldName, ...]:
    return FIELDS if node.field is None else (node.field,)
