"""The analyst's workspace, `newswatch serve`: Starlette routes over the same use-cases as the CLI
(crawler.app), Jinja2 templates (autoescaped: titles and texts are attacker-controlled), htmx vendored
in static/ (no CDN, works offline).

    app = create_app(WebSettings(db="sqlite:///demo.db"))      # an ASGI app; server.run serves it

Layout: app.py (settings, middleware, the route list), pages.py (HTML), api.py (JSON under /api/ and
its OpenAPI schema), feeds.py (Atom), auth.py (passwords, tokens, sessions, CSRF), views.py (what the
pages show: stories, diffs, charts), server.py (uvicorn, and the refusal to bind beyond loopback
without credentials).
"""

from crawler.web.app import WebSettings, create_app

__all__ = ["WebSettings", "create_app"]
