"""What every newswatch command shares: one-line stderr messages and exit codes.

Exit codes (README "Exit codes"): 0 done; 1 something failed or was not found (a crawl error, an
email not delivered, no such article or rule, a database that cannot be reached or written), and
for `watch try` no match; 2 bad input (usage, an option's value, a file, URL or config that cannot
be used); 3 `status`: a source is unhealthy; 130 interrupted.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from rich.console import Console

OK, FAILED, BAD_INPUT, UNHEALTHY, INTERRUPTED = 0, 1, 2, 3, 130

stderr = Console(stderr=True, soft_wrap=True)
stdout = Console()


def say(line: str) -> None:
    """One unwrapped line on stderr (errors must stay greppable, one per page or problem)."""
    print(line, file=sys.stderr, flush=True)


def usage_error(message: str) -> NoReturn:
    say(f"error: {message}")
    raise typer.Exit(BAD_INPUT)


def fail(message: str) -> NoReturn:
    say(f"error: {message}")
    raise typer.Exit(FAILED)


def problems_exit(problems: list[str] | tuple[str, ...], code: int = BAD_INPUT) -> NoReturn:
    """Every problem of a file on its own `error:` line, then exit (bad input by default)."""
    for problem in problems:
        say(f"error: {problem}")
    raise typer.Exit(code)
