"""The watch file: rules, extra alias groups and mail settings, in TOML.

    [mail]                      # no smtp_host: alerts go to a local Maildir
    from = "newswatch@localhost"

    [aliases]
    groups = [["Kinzhal", "Кинжал"]]

    [[watch]]
    name = "iran-drones"
    query = '(shahed OR "geran-2") AND russia'
    recipients = ["analyst@example.org", "ntfy://${NTFY_TOKEN}@ntfy.example.org/alerts"]
    mode = "instant"            # instant | hourly | daily | weekly (digest_day = "mon", digest_hour = 8)

`load_watches` checks everything and reports every mistake as `FILE:LINE: watch 'x': field 'y': what`
(a query that does not parse names its column and a hint); crawler.configfile reads the file,
finds the lines and owns the error type. `add_rule` and `remove_rule` edit the file in place with
tomlkit, keeping its comments and layout, and write atomically, so a refused change leaves the old
file as it was.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.alerts.channels import recipient_problem
from crawler.alerts.mail import MAIL_KEYS
from crawler.alerts.rules import WEEKDAYS, Mode, WatchRule
from crawler.configfile import ConfigProblems, Problem, TomlLines, read_toml

WATCHES_ENV = "NEWSWATCH_WATCHES"
LOCAL_WATCHES = Path("watches.toml")
RULE_KEYS = {"name", "query", "recipients", "mode", "sources", "languages", "timezone", "digest_hour", "digest_day"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

WatchConfigError = ConfigProblems  # a watch file that cannot be used: one `FILE:LINE: ...` per mistake


@dataclass(frozen=True, slots=True)
class WatchConfig:
    rules: tuple[WatchRule, ...] = ()
    alias_groups: tuple[tuple[str, ...], ...] = ()
    mail: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def rule(self, name: str) -> WatchRule:
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise KeyError(name)


def default_watches_path() -> Path:
    """$NEWSWATCH_WATCHES, else ./watches.toml if there is one, else the user's config directory."""
    if os.environ.get(WATCHES_ENV):
        return Path(os.environ[WATCHES_ENV])
    if LOCAL_WATCHES.is_file():
        return LOCAL_WATCHES
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config_home / "newswatch" / "watches.toml"


def load_watches(path: Path | None = None) -> WatchConfig:
    """The watch file (an empty config when it does not exist yet)."""
    path = path or default_watches_path()
    if not path.exists():
        return WatchConfig(path=path)
    document = read_toml(path)
    if document.data is None:
        raise WatchConfigError.at(path, document.problems)
    return _validate(document.data, path, document.lines, list(document.problems))


def validate(data: dict[str, Any], path: Path, text: str = "") -> WatchConfig:
    """Check a parsed watch file; raise WatchConfigError naming every mistake."""
    return _validate(data, path, TomlLines(text), [])


def _validate(data: dict[str, Any], path: Path, lines: TomlLines, problems: list[Problem]) -> WatchConfig:
    for key in sorted(set(data) - {"mail", "aliases", "watch"}):
        problems.append(
            (lines.line(lines.top, key), f"unknown table or key '{key}' (expected [mail], [aliases], [[watch]])")
        )
    mail = data.get("mail", {})
    if not isinstance(mail, dict):
        problems.append((lines.line(lines.top, "mail"), "'mail' must be a table: [mail]"))
        mail = {}
    for key, message in mail_problems(mail):
        problems.append((lines.line(lines.block("mail"), key), f"[mail]: {message}"))
    aliases = data.get("aliases", {})
    groups = aliases.get("groups", []) if isinstance(aliases, dict) else None
    if not (
        isinstance(groups, list) and all(isinstance(g, list) and all(isinstance(t, str) for t in g) for g in groups)
    ):
        problems.append(
            (lines.line(lines.block("aliases"), "groups"), "[aliases]: 'groups' must be a list of lists of terms")
        )
        groups = []
    alias_groups = tuple(tuple(group) for group in groups if len(group) > 1)
    rules: list[WatchRule] = []
    seen: set[str] = set()
    entries = data.get("watch", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        problems.append((lines.line(lines.top, "watch"), "each rule is a [[watch]] table (two brackets), not [watch]"))
        entries = []
    for index, raw in enumerate(entries):
        block = lines.block("watch", index)
        rule, rule_problems = _rule(raw, alias_groups)
        name = raw.get("name", f"#{index + 1}")
        if block.damaged:  # a line of it is commented out for its syntax error: that error speaks for it
            continue
        for key, message in rule_problems:
            problems.append((lines.line(block, key), f"watch '{name}': {message}"))
        if rule is not None:
            if rule.name in seen:
                problems.append((lines.line(block, "name"), f"watch '{name}': field 'name': used twice"))
            seen.add(rule.name)
            rules.append(rule)
    if problems:
        raise WatchConfigError.at(path, problems)
    return WatchConfig(tuple(rules), alias_groups, dict(mail), path)


def mail_problems(mail: dict[str, Any]) -> list[tuple[str, str]]:
    """(key, what is wrong) for each [mail] key that is unknown or of the wrong type."""
    problems = [
        (key, f"unknown key '{key}' (known: {', '.join(sorted(MAIL_KEYS))})") for key in sorted(set(mail) - MAIL_KEYS)
    ]
    for key in sorted(set(mail) & MAIL_KEYS):
        value = mail[key]
        if key == "smtp_port":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
                problems.append((key, f"'smtp_port' must be a port number from 1 to 65535, not {value!r}"))
        elif key == "timeout":
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < float("inf"):
                problems.append((key, f"'timeout' must be a number of seconds above 0, not {value!r}"))
        elif not isinstance(value, str):
            problems.append((key, f"'{key}' must be a string, not {value!r}"))
    return problems


def _rule(
    raw: dict[str, Any], alias_groups: tuple[tuple[str, ...], ...]
) -> tuple[WatchRule | None, list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = [(key, f"unknown key '{key}'") for key in sorted(set(raw) - RULE_KEYS)]
    name, query = raw.get("name"), raw.get("query")
    if not isinstance(name, str) or not _NAME.match(name):
        problems.append(("name", "field 'name': lower-case letters, digits, '-' and '_', up to 64"))
    if not isinstance(query, str) or not query.strip():
        problems.append(("query", "field 'query': missing"))
    else:
        error = query_error(query, alias_groups)
        if error:
            problems.append(("query", f"field 'query': {error}"))
    recipients = raw.get("recipients")
    if not isinstance(recipients, list) or not recipients:
        problems.append(("recipients", "field 'recipients': a list of email addresses or channel URLs is needed"))
    else:
        problems += [
            ("recipients", f"field 'recipients': {problem}")
            for problem in map(recipient_problem, recipients)
            if problem is not None
        ]
    mode = raw.get("mode", "instant")
    if not isinstance(mode, str) or mode not in {m.value for m in Mode}:
        problems.append(("mode", f"field 'mode': {mode!r} is not one of {', '.join(m.value for m in Mode)}"))
    day = raw.get("digest_day", "mon")
    if not isinstance(day, str) or day.lower() not in WEEKDAYS:
        problems.append(("digest_day", f"field 'digest_day': {day!r} is not one of {', '.join(WEEKDAYS)}"))
    for key in ("sources", "languages"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            problems.append((key, f"field '{key}': a list of names is needed"))
    timezone = raw.get("timezone", "UTC")
    try:
        if not isinstance(timezone, str):
            raise ValueError(timezone)
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        problems.append(("timezone", f"field 'timezone': unknown time zone {timezone!r} (e.g. Europe/Paris)"))
    hour = raw.get("digest_hour", 8)
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        problems.append(("digest_hour", "field 'digest_hour': an hour from 0 to 23"))
    if problems:
        return None, problems
    rule = WatchRule(
        name=name,
        query=query,
        recipients=tuple(recipients),
        mode=Mode(mode),
        sources=tuple(raw.get("sources", [])),
        languages=tuple(raw.get("languages", [])),
        timezone=str(timezone),
        digest_hour=hour,
        digest_day=day.lower(),
    )
    return rule, []


def query_error(query: str, alias_groups: tuple[tuple[str, ...], ...] = ()) -> str | None:
    """Why a query does not parse (column and hint), or None when it does."""
    from crawler.alerts.aliases import AliasTable
    from crawler.alerts.query import QueryError, parse_query

    try:
        parse_query(query, AliasTable.default().with_groups(alias_groups))
    except QueryError as error:
        return str(error)
    return None


HEADER = "# newswatch watch rules: edit by hand or with `newswatch watch add|remove`.\n"


def raw_rule(rule: WatchRule) -> dict[str, Any]:
    """A rule as the keys of its [[watch]] table, defaults included."""
    return {
        "name": rule.name,
        "query": rule.query,
        "recipients": list(rule.recipients),
        "mode": rule.mode.value,
        "sources": list(rule.sources),
        "languages": list(rule.languages),
        "timezone": rule.timezone,
        "digest_hour": rule.digest_hour,
        "digest_day": rule.digest_day,
    }


_DEFAULTS: dict[str, Any] = {"sources": [], "languages": [], "timezone": "UTC", "digest_hour": 8, "digest_day": "mon"}


def add_rule(path: Path, rule: dict[str, Any], *, replace: bool = False) -> WatchConfig:
    """Add the [[watch]] `rule` (its raw keys) to the watch file at `path`, or with `replace` put it in
    place of the rule of that name, keeping the rest of the file as written. WatchConfigError (and
    the file unchanged) if the result does not validate; KeyError if the name is taken and not `replace`."""
    import tomlkit

    document = tomlkit.parse(path.read_text("utf-8") if path.exists() else HEADER)
    entries = document.get("watch")
    if entries is None:
        entries = tomlkit.aot()
        document.append("watch", entries)
    keys = {
        key: value
        for key, value in rule.items()
        if key in ("name", "query", "recipients", "mode") or value != _DEFAULTS.get(key)
    }
    existing = [index for index, entry in enumerate(entries) if entry.get("name") == rule["name"]]
    if existing and not replace:
        raise KeyError(rule["name"])
    if existing:
        entry = entries[existing[0]]
        for key in RULE_KEYS:
            if key in keys:
                entry[key] = keys[key]
            elif key in entry:
                del entry[key]
    else:
        table = tomlkit.table()
        if len(entries):
            table.trivia.indent = "\n"  # a blank line between rules, as a person writes them
        for key, value in keys.items():
            table[key] = value
        entries.append(table)
    return _write_checked(document, path)


def remove_rule(path: Path, name: str) -> WatchConfig:
    """Remove the [[watch]] rule `name` from the file at `path`, keeping the rest as written; KeyError if none."""
    import tomlkit

    document = tomlkit.parse(path.read_text("utf-8"))
    entries = document.get("watch") or []
    found = [index for index, entry in enumerate(entries) if entry.get("name") == name]
    if not found:
        raise KeyError(name)
    del entries[found[0]]
    if not entries:
        del document["watch"]
    return _write_checked(document, path)


def _write_checked(document: Any, path: Path) -> WatchConfig:
    text = document.as_string()
    checked = _validate(document.unwrap(), path, TomlLines(text), [])
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, "utf-8")
    os.replace(temporary, path)
    return checked
