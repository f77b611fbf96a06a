"""Serving the workspace with uvicorn: loopback by default; any other address only with credentials."""

from __future__ import annotations

from pathlib import Path

from crawler.web.auth import AuthSettings, is_loopback


class UnsafeBindError(ValueError):
    """A bind beyond loopback with no credentials configured."""


def check_bind(host: str, auth: AuthSettings) -> None:
    if not is_loopback(host) and not auth.required:
        raise UnsafeBindError(
            f"--host {host} is reachable from other machines: give --auth FILE with a password_hash or tokens "
            "(`newswatch serve --hash-password` prints a password_hash line), or bind 127.0.0.1"
        )


def run(host: str, port: int, db: str, watches: Path | None, auth: AuthSettings, *, https_only: bool = False) -> None:
    import uvicorn

    from crawler.web.app import WebSettings, create_app

    check_bind(host, auth)
    app = create_app(WebSettings(db=db, watches=watches, auth=auth, https_only=https_only))
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
