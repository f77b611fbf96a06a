"""The TOML files a user edits (sources.toml, watches.toml): reading them with line numbers, and the
one error type that reports every mistake in them as a `FILE:LINE: what is wrong` line.

    document = read_toml(path)               # ConfigProblems if it cannot be read or is not UTF-8
    problems = list(document.problems)       # (line, message): TOML syntax errors, one per bad line
    lines = document.lines                   # where each table, [[array]] entry and key is
    problems.append((lines.line(lines.block("watch", 0), "query"), "watch 'x': field 'query': …"))
    if problems:
        raise ConfigProblems.at(path, problems)

tomllib gives no line numbers for values, so `TomlLines` finds them by scanning the text for table
headers and `key =` lines. A TOML syntax error comments the bad line out and parses again, so one
typo does not hide the mistakes after it; the block that held it is marked `damaged`, and a checker
should not complain of keys missing from it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

_MAX_SYNTAX_ERRORS = 20
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')\s*=")

Problem = tuple[int, str]  # (line, message), the line 1-based


class ConfigProblems(Exception):
    """A config file that cannot be used; `problems` holds one `FILE:LINE: ...` line per mistake."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems

    @classmethod
    def at(cls, path: Path | str, problems: Iterable[Problem]) -> ConfigProblems:
        """`FILE:LINE: message` lines, by line (mistakes on one line in the order they were found)."""
        return cls([f"{path}:{line}: {message}" for line, message in sorted(problems, key=lambda p: p[0])])


@dataclass(slots=True)
class Block:
    """A table, or one entry of an array of tables: where its header and its keys are."""

    header_line: int  # 0 for the top level before any table
    keys: dict[str, int] = field(default_factory=dict)
    damaged: bool = False  # holds a line blanked for a syntax error


class TomlLines:
    """Line numbers of table headers and keys, found by scanning the text.

    A `[table]` is one block, an `[[array]]` one block per entry. A `[name.sub]` header after an
    `[[name]]` entry counts as that entry's key `sub`; the keys under it are not the entry's own.
    Every header's first name is also a key of the top level (for "unknown table" messages)."""

    def __init__(self, text: str, blanked: Iterable[int] = ()) -> None:
        blanked = set(blanked)
        self.lines = text.split("\n")
        self.top = Block(0)
        self.tables: dict[str, list[Block]] = {}
        arrays: set[str] = set()
        block = self.top
        for number, line in enumerate(self.lines, start=1):
            if number in blanked:
                block.damaged = True
            elif header := _HEADER.match(line):
                name = header[2].strip("\"' ")
                root, _, sub = name.partition(".")
                if header[1] == "[[":
                    block = Block(number)
                    self.tables.setdefault(name, []).append(block)
                    arrays.add(name)
                elif sub and root in arrays:
                    self.tables[root][-1].keys.setdefault(sub, number)
                    block = Block(number)
                else:
                    block = self.tables.setdefault(name, [Block(number)])[0]
                self.top.keys.setdefault(root, number)
            elif key := _KEY.match(line):
                block.keys.setdefault(key[1].strip("\"'"), number)

    def blocks(self, table: str) -> list[Block]:
        """The blocks of `table`: one for a [table], one per entry of an [[array]], none if absent."""
        return self.tables.get(table, [])

    def block(self, table: str, index: int = 0) -> Block:
        """Entry `index` of `table`; a block pointing at line 1 if the text has no such entry."""
        blocks = self.blocks(table)
        return blocks[index] if index < len(blocks) else Block(1)

    def line(self, block: Block, key: str | None = None, needle: str | None = None) -> int:
        """The line of `key` in `block` (or of `needle` inside its value), else the block's header."""
        start = block.keys.get(key, 0) if key else 0
        if not start:
            return block.header_line or 1
        if needle is not None:
            following = [n for n in block.keys.values() if n > start]
            end = min(following) if following else len(self.lines) + 1
            for number in range(start, end):
                if needle in self.lines[number - 1]:
                    return number
        return start


@dataclass(frozen=True)  # no slots: `lines` is cached in the instance's __dict__
class TomlDocument:
    """A parsed TOML text: `data` is None when its syntax errors could not be worked around."""

    data: dict[str, Any] | None
    text: str  # the text that parsed, bad lines commented out
    blanked: frozenset[int]
    problems: tuple[Problem, ...]  # the syntax errors

    @cached_property
    def lines(self) -> TomlLines:
        return TomlLines(self.text, self.blanked)


def parse_toml(text: str) -> TomlDocument:
    """Parse `text`, commenting out each line with a syntax error and trying again."""
    lines = text.split("\n")
    blanked: set[int] = set()
    problems: list[Problem] = []
    for _ in range(_MAX_SYNTAX_ERRORS):
        try:
            data = tomllib.loads("\n".join(lines))
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"\s*\(at line (\d+), column (\d+)\)", str(exc))
            line, column = (int(match[1]), int(match[2])) if match else (1, 1)
            message = str(exc)[: match.start()] if match else str(exc)
            problems.append((line, f"TOML syntax: {message} (column {column})"))
            if line > len(lines) or line in blanked or not lines[line - 1].strip():
                break  # blanking cannot help (an unclosed bracket or string reported at the end)
            lines[line - 1] = "# " + lines[line - 1]
            blanked.add(line)
        else:
            return TomlDocument(data, "\n".join(lines), frozenset(blanked), tuple(problems))
    return TomlDocument(None, text, frozenset(blanked), tuple(problems))


def read_toml(path: Path) -> TomlDocument:
    """Read and parse a TOML file; ConfigProblems if it cannot be read or is not UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigProblems([f"{path}: cannot read: {exc.strerror or exc}"]) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigProblems([f"{path}:1: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from exc
    return parse_toml(text)
