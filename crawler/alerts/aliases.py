"""Alias groups: names that mean the same thing across English, Russian and Persian coverage.

A query term or phrase equal to any member of a group matches every member. Members are compared
after analysis (see analysis.py), so "Shahed 136", "shahed-136" and "شاهد-۱۳۶" are one member each
way they are written. A member may end in `*` to cover inflected forms ("Елабуг*": Елабуга, Елабуге).
"""

from __future__ import annotations

from collections.abc import Iterable

from crawler.alerts.analysis import Seq, words_of

# Shipped for the Iran–Russia watch. Russian nouns decline, so the Cyrillic members list the case
# forms that occur in coverage (or a stem with `*` where the stem is distinctive enough).
DEFAULT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("Shahed-136", "Geran-2", "Герань-2", "Герани-2", "Геранью-2", "Гераней-2", "Гераням-2", "Геранями-2",
     "Геранях-2", "Шахед-136", "شاهد-۱۳۶"),
    ("Su-35", "Sukhoi-35", "Sukhoi Su-35", "Су-35"),
    ("S-400", "Triumf", "Triumph S-400", "С-400", "Триумф"),
    ("Alabuga", "Yelabuga", "Elabuga", "Елабуг*", "Алабуг*"),
    ("Fath-360", "Фатх-360", "فتح-۳۶۰"),
    ("Mohajer-6", "Мохаджер-6", "Мохаджера-6", "مهاجر-۶"),
    ("IRGC", "Islamic Revolutionary Guard Corps", "Islamic Revolutionary Guards Corps", "Revolutionary Guards",
     "Revolutionary Guard Corps", "КСИР", "Корпус стражей исламской революции", "سپاه", "سپاه پاسداران"),
)


def member_seq(member: str) -> Seq:
    """The token sequence of one alias member; raises ValueError for one with no letters or digits."""
    stripped = member.strip()
    prefix = stripped.endswith("*")
    tokens = words_of(stripped.rstrip("*"))
    if not tokens or "*" in stripped.rstrip("*"):
        raise ValueError(f"alias {member!r}: a member needs letters or digits, and * only at its end")
    return Seq(tokens, prefix)


class AliasTable:
    """Equivalence groups of terms; groups that share a member are merged."""

    def __init__(self, groups: Iterable[Iterable[str]] = ()) -> None:
        merged: list[dict[Seq, str]] = []  # each group: member sequence -> member as written
        for group in groups:
            members = {member_seq(m): m for m in group}
            overlapping = [g for g in merged if not members.keys().isdisjoint(g)]
            for g in overlapping:
                merged.remove(g)
                members = {**g, **{s: m for s, m in members.items() if s not in g}}
            merged.append(members)
        self._groups = tuple(tuple(g.values()) for g in merged if g)
        self._variants = {seq: tuple(g) for g in merged for seq in g}

    @classmethod
    def default(cls) -> AliasTable:
        return cls(DEFAULT_GROUPS)

    def with_groups(self, extra: Iterable[Iterable[str]]) -> AliasTable:
        """A new table: these groups plus `extra` (a group sharing a member with another joins it)."""
        return AliasTable([*self._groups, *extra])

    @property
    def groups(self) -> tuple[tuple[str, ...], ...]:
        return self._groups

    def variants(self, seq: Seq) -> tuple[Seq, ...]:
        """Every sequence equivalent to `seq`, itself first; just `seq` when it is in no group."""
        group = self._variants.get(seq)
        if group is None:
            return (seq,)
        return (seq, *(s for s in group if s != seq))

    def longest_member(self) -> int:
        """Tokens in the longest member, to bound the search for members inside a phrase."""
        return max((len(seq.tokens) for seq in self._variants), default=0)

    def __contains__(self, seq: object) -> bool:
        return seq in self._variants
