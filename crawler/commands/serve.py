"""`newswatch serve`: the analyst's workspace in a browser (crawler.web)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer

from crawler.commands.common import say, usage_error
from crawler.commands.options import DbOption


def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on; anything but loopback needs --auth credentials.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8787,
    auth: Annotated[
        Path | None,
        typer.Option("--auth", envvar="NEWSWATCH_WEB_AUTH", help="TOML: password_hash, tokens, secret (README)."),
    ] = None,
    watches: Annotated[
        Path | None, typer.Option("--watches", envvar="NEWSWATCH_WATCHES", help="The watch file (default: see README).")
    ] = None,
    https_only: Annotated[bool, typer.Option("--https-only", help="Session cookies only over HTTPS.")] = False,
    hash_password: Annotated[
        bool, typer.Option("--hash-password", help="Read a password, print its password_hash line, and exit.")
    ] = False,
    hash_token: Annotated[
        bool, typer.Option("--hash-token", help="Make an API token, print it and its tokens line, and exit.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Serve the workspace: stories, articles, search, watch rules, triage, sources, Atom feeds, /api/."""
    from crawler.web import auth as web_auth

    if hash_password:
        password = getpass.getpass("password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
        if len(password) < 8:
            usage_error("give a password of 8 characters or more")
        print(f'password_hash = "{web_auth.hash_password(password)}"')
        return
    if hash_token:
        import secrets

        token = secrets.token_urlsafe(32)
        print(f"token (give it as Authorization: Bearer …): {token}")
        print(f'tokens = ["{web_auth.hash_token(token)}"]')
        return
    from crawler.web.server import UnsafeBindError, run
    from storage.db import default_db_url

    try:
        settings = web_auth.load_auth(auth)
        from crawler.web.server import check_bind

        check_bind(host, settings)
    except (web_auth.AuthConfigError, UnsafeBindError) as error:
        usage_error(str(error))
    if settings.required and auth is not None and "secret" not in auth.read_text("utf-8"):
        say("warning: no secret in the auth file: sessions and feed tokens change at every restart")
    run(host, port, db or default_db_url(), watches, settings, https_only=https_only)
