"""The Starlette app: settings, middleware (signed-cookie sessions, login, CSRF token), the routes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from crawler.app import Database
from crawler.web.auth import AuthSettings, new_csrf_token

HERE = Path(__file__).parent
OPEN_PATHS = ("/login", "/static/")


@dataclass(frozen=True, slots=True)
class WebSettings:
    db: Database  # a URL (create_app opens one engine on it for every request) or an Engine
    watches: Path | None = None  # the watch file (default: as `newswatch watch`)
    auth: AuthSettings = field(default_factory=AuthSettings)
    https_only: bool = False  # session cookie only over HTTPS (behind a TLS proxy)

    def watches_path(self) -> Path:
        from crawler.alerts.config import default_watches_path

        return self.watches or default_watches_path()


def templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "xml", "atom"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


class Guard:
    """Every request gets a CSRF token in its session; with credentials configured, anything but
    /login, /static and token-carrying feeds needs a logged-in session or an API token (Bearer)."""

    def __init__(self, app: ASGIApp, auth: AuthSettings) -> None:
        self.app, self.auth = app, auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        session = scope["session"]
        if "csrf" not in session:
            session["csrf"] = new_csrf_token()
        bearer = request.headers.get("authorization", "")
        token_user = bearer.startswith("Bearer ") and self.auth.token_ok(bearer[7:].strip())
        scope["state"] = {**scope.get("state", {}), "token_user": bool(token_user)}
        path = scope["path"]
        allowed = (
            not self.auth.required
            or session.get("user")
            or token_user
            or path.startswith(OPEN_PATHS)
            or (path.startswith("/feeds/") and "token" in request.query_params)  # checked by the feed
        )
        if not allowed:
            if path.startswith("/api/"):
                response: Response = JSONResponse({"error": "log in or give an API token"}, status_code=401)
            else:
                response = RedirectResponse(f"/login?next={request.url.path}", status_code=303)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_app(settings: WebSettings) -> Starlette:
    """The app. A database URL is opened (connected, migrated) here, once: a bad URL or a server
    that is down fails before anything is served, and requests share one engine and its pool."""
    from crawler.web import api, feeds, pages

    if isinstance(settings.db, str):
        from storage.db import make_engine

        settings = replace(settings, db=make_engine(settings.db))

    env = templates()
    routes = [
        Route("/", pages.stories_page),
        Route("/articles/{article_id:int}", pages.article_page),
        Route("/search", pages.search_page),
        Route("/rules", pages.rules_page, methods=["GET", "POST"]),
        Route("/rules/new", pages.rule_form_page),
        Route("/rules/preview", pages.rule_preview, methods=["POST"]),
        Route("/rules/{name}", pages.rule_page),
        Route("/rules/{name}/edit", pages.rule_form_page, methods=["GET", "POST"]),
        Route("/rules/{name}/delete", pages.rule_delete, methods=["POST"]),
        Route("/triage", pages.triage_post, methods=["POST"]),
        Route("/sources", pages.sources_page),
        Route("/login", pages.login_page, methods=["GET", "POST"]),
        Route("/logout", pages.logout, methods=["POST"]),
        Route("/feeds/rule/{name}.atom", feeds.rule_feed),
        Route("/feeds/search.atom", feeds.search_feed),
        *api.routes,
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(
            SessionMiddleware,
            secret_key=settings.auth.secret,
            session_cookie="newswatch_session",
            same_site="lax",
            https_only=settings.https_only,
        ),
        Middleware(Guard, auth=settings.auth),
    ]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=pages.exception_handlers)
    app.state.settings = settings
    app.state.env = env
    return app


def settings_of(request: Request) -> WebSettings:
    return request.app.state.settings


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    from starlette.responses import HTMLResponse

    settings = settings_of(request)
    template = request.app.state.env.get_template(name)
    html = template.render(
        request=request,
        csrf_token=request.session.get("csrf", ""),
        logged_in=bool(request.session.get("user")),
        auth_required=settings.auth.required,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)
