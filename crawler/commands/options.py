"""Options several commands take, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crawler.commands.database import db_option_callback

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="NEWSWATCH_DB_URL",
        help="SQLAlchemy database URL (default: SQLite in the data dir).",
        callback=db_option_callback,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", envvar="NEWSWATCH_CONFIG", help="sources.toml (default: ./sources.toml, else the shipped one)."
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since", help="Only articles first seen (stored by newswatch) in this window: 30m, 24h, 7d, 2w, or a date."
    ),
]
SourceOption = Annotated[str | None, typer.Option("--source", help="Only this source (its name in sources.toml).")]
JsonOption = Annotated[bool, typer.Option("--json", help="JSON on stdout instead of a table (shapes: README).")]
