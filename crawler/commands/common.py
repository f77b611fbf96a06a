"""What every newswatch command shares: one-line stderr messages and exit codes."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from rich.console import Console

stderr = Console(stderr=True, soft_wrap=True)
stdout = Console()


def say(line: str) -> None:
    """One unwrapped line on stderr (errors must stay greppable, one per page or problem)."""
    print(line, file=sys.stderr, flush=True)


def usage_error(message: str) -> NoReturn:
    say(f"error: {message}")
    raise typer.Exit(2)


def fail(message: str) -> NoReturn:
    say(f"error: {message}")
    raise typer.Exit(1)
