"""The `newswatch` command. Thin: it parses arguments and calls the same functions the tests call."""

from __future__ import annotations

import typer

from crawler.commands import (
    alerts,
    articles,
    config,
    crawl,
    db,
    errors,
    extract,
    run,
    search,
    serve,
    sources,
    status,
    watch,
    worker,
)

app = typer.Typer(
    help="newswatch: monitor the outlets that cover a story.", no_args_is_help=True, pretty_exceptions_show_locals=False
)
app.command()(extract.extract)
app.command()(crawl.crawl)
app.command("articles")(articles.list_articles)
app.command()(articles.show)
app.command()(articles.export)
app.command()(run.run)
app.command()(status.status)
app.command()(search.search)
app.command()(serve.serve)
app.command()(worker.worker)
app.add_typer(sources.app, name="sources")
app.add_typer(config.app, name="config", help="Check the sources config.")
app.add_typer(db.app, name="db", help="Manage the database.")
app.add_typer(watch.app, name="watch", help="Write, list and try watch rules.")
app.add_typer(alerts.app, name="alerts", help="Recent alerts; `alerts send` delivers what is due.")


def main() -> None:
    """The app, with every known failure said in one `error:` line and its exit code (see README "Exit codes")."""
    errors.run(app)
