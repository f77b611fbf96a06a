"""`newswatch db upgrade`."""

from __future__ import annotations

import typer

from crawler.commands.common import say
from crawler.commands.options import DbOption
from storage.db import default_db_url, upgrade_database

app = typer.Typer(no_args_is_help=True)


@app.command()
def upgrade(db: DbOption = None) -> None:
    """Apply the database migrations (newswatch also does this on first use)."""
    url = db or default_db_url()
    revision = upgrade_database(url)
    say(f"database at revision {revision}")
