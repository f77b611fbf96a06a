"""`newswatch serve`: the analyst's workspace in a browser (crawler.web)."""

from __future__ import annotations

from typing import Annotated

import typer

from crawler.commands.options import DbOption


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; anything but loopback needs credentials.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8787,
    db: DbOption = None,
) -> None:
    """Serve the workspace: stories, articles, search, watch rules, triage, sources, feeds, /api/."""
    from crawler.web.server import run

    run(host=host, port=port, db=db)
