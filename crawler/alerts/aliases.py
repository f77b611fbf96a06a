"""Alias groups: names that mean the same thing across English, Russian and Persian coverage.

A query term or phrase equal to any member of a group matches every member. Members are compared
after analysis (see analysis.py), so "Shahed 136", "shahed-136" and "شاهد-۱۳۶" are one member each
way they are written, and a Russian or Persian member matches its inflected forms through its stems
("Герань-2" finds "Герани-2", "Россия" finds "России", "پهپاد" finds "پهپادهای"). A member may end in
`*` to be a plain prefix instead ("Елабуг*": Елабуга, Елабуге).

Families: a group may name another as its `family` (Shahed-136's family is Shahed). A query naming
the family ("shahed", "Герань", "پهپاد شاهد") matches the family's own names and every member of
every group in it, down the tree; a query naming one model ("shahed-136") matches that model only.

The shipped groups are data: alias_table.toml beside this file (see its header). Each group says in
which languages its forms have been checked (`checked`); tests/test_alerts_aliases.py covers each.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from crawler.alerts.analysis import Seq, match_forms, words_of

LANGUAGES = ("en", "ru", "fa")


@dataclass(frozen=True, slots=True)
class AliasGroup:
    """One shipped group: its name, forms per language, the languages checked, its family if any."""

    name: str
    forms: Mapping[str, tuple[str, ...]]
    checked: tuple[str, ...] = ()
    family: str | None = None
    kind: str = ""
    members: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        members = [self.name, *(m for lang in self.forms for m in self.forms[lang])]
        object.__setattr__(self, "members", tuple(dict.fromkeys(members)))


def load_groups(text: str) -> tuple[AliasGroup, ...]:
    """Alias groups from TOML text (the format of alias_table.toml); raises ValueError on a bad one."""
    data = tomllib.loads(text)
    groups = []
    names: set[str] = set()
    for i, raw in enumerate(data.get("group", [])):
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"alias group {i + 1}: a group needs a name")
        unknown = set(raw) - {"name", "kind", "family", "checked", *LANGUAGES}
        if unknown:
            raise ValueError(f"alias group {name!r}: unknown field(s) {', '.join(sorted(unknown))}")
        forms = {lang: tuple(raw.get(lang, ())) for lang in LANGUAGES if raw.get(lang)}
        checked = tuple(raw.get("checked", ()))
        if not set(checked) <= set(forms) | {"en"}:
            raise ValueError(f"alias group {name!r}: checked in a language it has no forms in")
        groups.append(AliasGroup(name, forms, checked, raw.get("family"), raw.get("kind", "")))
        names.add(name)
    for g in groups:
        if g.family is not None and g.family not in names:
            raise ValueError(f"alias group {g.name!r}: family {g.family!r} is not a group")
    return tuple(groups)


@lru_cache(maxsize=1)
def shipped_groups() -> tuple[AliasGroup, ...]:
    return load_groups(resources.files("crawler.alerts").joinpath("alias_table.toml").read_text("utf-8"))


def member_seq(member: str) -> Seq:
    """The token sequence of one alias member; raises ValueError for one with no letters or digits."""
    stripped = member.strip()
    prefix = stripped.endswith("*")
    tokens = words_of(stripped.rstrip("*"))
    if not tokens or "*" in stripped.rstrip("*"):
        raise ValueError(f"alias {member!r}: a member needs letters or digits, and * only at its end")
    return Seq(tokens, prefix)


class AliasTable:
    """Equivalence groups of terms; groups that share a member are merged. A group given as an
    AliasGroup may belong to a family (another group, by name)."""

    def __init__(self, groups: Iterable[Iterable[str] | AliasGroup] = ()) -> None:
        self._given = groups = tuple(groups)
        merged: list[dict[Seq, str]] = []  # each group: member sequence -> member as written
        families: list[set[str]] = []  # per merged group: the family names it was given
        for group in groups:
            if isinstance(group, AliasGroup):
                members, family = {member_seq(m): m for m in group.members}, {group.family} - {None}
            else:
                members, family = {member_seq(m): m for m in group}, set()
            overlapping = [k for k, g in enumerate(merged) if not members.keys().isdisjoint(g)]
            for k in reversed(overlapping):
                g = merged.pop(k)
                family |= families.pop(k)
                members = {**g, **{s: m for s, m in members.items() if s not in g}}
            merged.append(members)
            families.append(family)
        self._groups = tuple(tuple(g.values()) for g in merged if g)
        index = {seq: k for k, g in enumerate(merged) for seq in g}
        children: dict[int, list[int]] = {}
        for k, names in enumerate(families):
            for name in names:
                parent = index.get(member_seq(name))
                if parent is not None and parent != k:
                    children.setdefault(parent, []).append(k)
        self._lookup: dict[Seq, int] = {}
        self._forms: list[tuple[Seq, ...]] = []
        for k, g in enumerate(merged):
            forms: dict[Seq, None] = {}
            for seq in g:
                for f in match_forms(seq):
                    forms[f] = None
                    self._lookup.setdefault(f, k)
            self._forms.append(tuple(forms))
        for k, g in enumerate(merged):  # a member as written wins over another group's inflected form
            for seq in g:
                self._lookup[match_forms(seq)[0]] = k
        self._children = children
        self._longest = max((len(seq.tokens) for seq in index), default=0)
        self._variants: dict[int, tuple[Seq, ...]] = {}

    @classmethod
    def default(cls) -> AliasTable:
        return _default_table()

    def with_groups(self, extra: Iterable[Iterable[str]]) -> AliasTable:
        """A new table: these groups plus `extra` (a group sharing a member with another joins it)."""
        extra = tuple(tuple(g) for g in extra)
        if not extra:
            return self
        if self is _default_table():
            return _default_with(extra)
        return AliasTable([*self._given, *extra])

    @property
    def groups(self) -> tuple[tuple[str, ...], ...]:
        return self._groups

    def _group_variants(self, k: int) -> tuple[Seq, ...]:
        hit = self._variants.get(k)
        if hit is None:
            found: dict[Seq, None] = {}
            todo, seen = [k], set()
            while todo:
                g = todo.pop(0)
                if g in seen:
                    continue
                seen.add(g)
                found.update(dict.fromkeys(self._forms[g]))
                todo.extend(self._children.get(g, ()))
            hit = self._variants[k] = tuple(found)
        return hit

    def variants(self, seq: Seq) -> tuple[Seq, ...]:
        """Every sequence that counts as `seq`: its own forms first (the stems of a Russian or Persian
        word's forms), then its group's members' and, for a family, its groups' members'."""
        own = match_forms(seq)
        k = self._lookup.get(own[0])
        if k is None:
            return own
        return (*own, *(s for s in self._group_variants(k) if s not in own))

    def longest_member(self) -> int:
        """Tokens in the longest member, to bound the search for members inside a phrase."""
        return self._longest

    def __contains__(self, seq: object) -> bool:
        return isinstance(seq, Seq) and match_forms(seq)[0] in self._lookup


@lru_cache(maxsize=1)
def _default_table() -> AliasTable:
    return AliasTable(shipped_groups())


@lru_cache(maxsize=64)
def _default_with(extra: tuple[tuple[str, ...], ...]) -> AliasTable:
    return AliasTable([*shipped_groups(), *extra])
