"""The one place where a known failure becomes one `error: …` line and an exit code, not a traceback.

`run(app)` runs the Typer app; what a command did not handle itself and is known here is said in
one line: a database that cannot be reached, opened or written (the URL with its password hidden),
a URL or driver SQLAlchemy refuses, a config file with mistakes, a file that cannot be read or
written. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError, SQLAlchemyError

from crawler.commands.common import BAD_INPUT, FAILED, INTERRUPTED, say
from crawler.commands.database import current_url
from crawler.configfile import ConfigProblems


def first_line(error: BaseException) -> str:
    """The driver's own message, first line (SQLAlchemy wraps it with SQL and a link)."""
    inner = getattr(error, "orig", None) or error
    text = str(inner).strip() or type(inner).__name__
    return text.splitlines()[0].strip()


def explain(error: BaseException) -> tuple[str, int] | None:
    """(the `error:` line without its prefix, the exit code) for a known failure, else None."""
    where = current_url() or "the database"
    if isinstance(error, ConfigProblems):
        return "\n".join(f"error: {problem}" for problem in error.problems)[len("error: ") :], BAD_INPUT
    if isinstance(error, ArgumentError):
        return f"bad database URL: {first_line(error)}", BAD_INPUT
    if isinstance(error, NoSuchModuleError):
        return f"{where}: {first_line(error)}", BAD_INPUT
    if isinstance(error, OperationalError):
        return f"database {where}: {first_line(error)}", FAILED
    if isinstance(error, DatabaseError):
        message = first_line(error)
        code = BAD_INPUT if "not a database" in message else FAILED
        return f"database {where}: {message}", code
    if isinstance(error, SQLAlchemyError):
        return f"database {where}: {type(error).__name__}: {first_line(error)}", FAILED
    if isinstance(error, ModuleNotFoundError) and error.name and error.name.lower() in _DRIVERS:
        return f"database {where}: the driver {error.name} is not installed", BAD_INPUT
    if isinstance(error, OSError):
        what = f"{error.filename}: " if error.filename else ""
        return f"{what}{(error.strerror or str(error)).lower()}", FAILED
    return None


_DRIVERS = {"mysqldb", "pymysql", "mysql", "cx_oracle", "oracledb", "pyodbc", "psycopg2", "asyncpg", "pymssql"}


def run(app: Callable[[], object]) -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(INTERRUPTED)
    except Exception as error:  # noqa: BLE001  (known ones are said in one line, others re-raised)
        known = explain(error)
        if known is None:
            raise
        message, code = known
        say(f"error: {message}")
        sys.exit(code)
