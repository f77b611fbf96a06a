"""The `--db` option's checks, made before a command touches the database: a URL that parses, a
driver that is installed, and for SQLite a file that is a database. Read commands never create a
database: a SQLite file that does not exist is refused ("no database at …"); `crawl`, `run` and
`db upgrade` create one, in a directory that exists. The default (XDG) database may always be created.

The URL checked last is remembered, so crawler/commands/errors.py can name it (password hidden)
when the database fails later, for instance a server that does not answer.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import typer
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from crawler.commands.common import fail, usage_error
from storage.db import normalise_url
from storage.db import redacted as storage_redacted

CREATING_COMMANDS = frozenset({"crawl", "run", "upgrade"})  # `newswatch db upgrade`
WRITING_COMMANDS = CREATING_COMMANDS | {"send"}  # `newswatch alerts send` writes the outbox
SQLITE_HEADER = b"SQLite format 3\x00"
_current: list[str] = []


def current_url() -> str | None:
    """The database URL of this command, password hidden (None when it has not been read yet)."""
    return redacted(_current[-1]) if _current else None


def redacted(url: str) -> str:
    """storage.db.redacted; a string that is no URL keeps its text, anything like a password masked."""
    try:
        make_url(url)
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", url)
    return storage_redacted(url)


def remember(url: str) -> str:
    _current.append(url)
    return url


def checked_url(url: str, *, create: bool, write: bool = False) -> str:
    """`url` if a command can use it; else one `error:` line and exit 2."""
    remember(url)
    shown = redacted(url)
    try:
        parsed = normalise_url(url)
    except (ArgumentError, ValueError):
        usage_error(
            f"--db {redacted(url)!r} is not a database URL (like sqlite:///path/newswatch.db or postgresql://user@host/db)"
        )
    try:
        parsed.get_dialect().import_dbapi()
    except NoSuchModuleError:
        usage_error(f"--db {shown}: SQLAlchemy has no database type {parsed.drivername!r} (use sqlite or postgresql)")
    except ImportError as error:
        usage_error(
            f"--db {shown}: the {parsed.drivername} driver is not installed ({error.name or error});"
            " newswatch ships sqlite and postgresql (psycopg)"
        )
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_file(parsed, create=create, write=write)
    return url


def _check_sqlite_file(url: URL, *, create: bool, write: bool) -> None:
    name = url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name).expanduser()
    if not path.exists():
        if not create:
            usage_error(f"no database at {path} (`newswatch crawl` or `newswatch db upgrade` creates one)")
        if not path.parent.is_dir():
            usage_error(f"no directory {path.parent} for the database {path}: create it first")
        return
    if path.is_dir():
        usage_error(f"{path} is a directory, not a SQLite database")
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        usage_error(f"cannot read the database {path}: {error.strerror or error}")
    if header and header != SQLITE_HEADER:
        usage_error(f"{path} is not a SQLite database")
    if write and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        fail(f"the database {path} is read-only (this command writes to it; its directory must be writable too)")


def db_option_callback(ctx: typer.Context, value: str | None) -> str | None:
    """The --db option (or NEWSWATCH_DB_URL), checked; None leaves the default database."""
    if value is None or ctx.resilient_parsing:
        return value
    name = ctx.command.name
    return checked_url(value, create=name in CREATING_COMMANDS, write=name in WRITING_COMMANDS)
