"""Atom feeds: a watch rule's matches and a saved search's results, newest first, for feed readers
(the way Google Alerts delivers by RSS). With credentials configured a feed needs a logged-in session,
an API token, or its own `?token=` (auth.feed_token of its path)."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from crawler.app import search
from crawler.web.app import settings_of
from crawler.web.auth import feed_token, same_token

ENTRIES = 50


def _authorised(request: Request, path: str, query: dict[str, str]) -> None:
    auth = settings_of(request).auth
    if not auth.required or request.session.get("user") or request.scope["state"].get("token_user"):
        return
    wanted = feed_token(auth.secret, path, query)
    if not same_token(request.query_params.get("token"), wanted):
        raise HTTPException(401, "this feed needs its token (the feed link on its page carries it)")


def _atom(request: Request, title: str, self_path: str, result: search.SearchResult) -> Response:
    base = str(request.base_url).rstrip("/")
    entries = []
    for hit in result.hits:
        snippet = hit.snippet()
        entries.append(
            {
                "id": f"{base}/articles/{hit.article_id}",
                "title": hit.title or "(untitled)",
                "link": hit.url,
                "page": f"{base}/articles/{hit.article_id}",
                "updated": hit.first_seen.isoformat(),
                "source": hit.source,
                "summary": snippet.text,
            }
        )
    updated = max((e["updated"] for e in entries), default=datetime.now(UTC).isoformat())
    body = request.app.state.env.get_template("feed.atom").render(
        title=title, feed_id=f"{base}{self_path}", self_url=str(request.url), home=base, updated=updated,
        entries=entries,
    )  # fmt: skip
    return Response(body, media_type="application/atom+xml; charset=utf-8")


async def rule_feed(request: Request) -> Response:
    settings = settings_of(request)
    name = request.path_params["name"]
    path = f"/feeds/rule/{name}.atom"
    _authorised(request, path, {})
    from crawler.web.pages import rule_of, watches_of

    watches = watches_of(request)
    rule = rule_of(watches, name)
    result = search.search(
        settings.db, rule.query, sources=rule.sources, languages=rule.languages, order="newest", limit=ENTRIES,
        alias_groups=watches.alias_groups,
    )  # fmt: skip
    return _atom(request, f"newswatch: {rule.name}", path, result)


async def search_feed(request: Request) -> Response:
    settings = settings_of(request)
    query = request.query_params.get("q", "").strip()
    if not query:
        raise HTTPException(400, "q: give the saved search's query")
    _authorised(request, "/feeds/search.atom", {"q": query})
    from crawler.web.pages import watches_of

    try:
        result = search.search(
            settings.db, query, order="newest", limit=ENTRIES, alias_groups=watches_of(request).alias_groups
        )
    except search.QueryError as error:
        raise HTTPException(400, f"bad query: {error}") from error
    return _atom(request, f"newswatch search: {query}", "/feeds/search.atom", result)
