"""The JSON API under /api/, with its OpenAPI schema at /api/openapi.json. The same use-cases as the
pages and the CLI. A call that changes anything needs the session's CSRF token in X-CSRF-Token (GET
/api/session gives it) or an API token (Authorization: Bearer …)."""

from __future__ import annotations

import re
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from crawler.alerts.config import WatchConfigError, add_rule, raw_rule, remove_rule
from crawler.app import alerts as alert_cases
from crawler.app import articles, search, triage
from crawler.web import views
from crawler.web.app import settings_of
from crawler.web.auth import same_token
from crawler.web.pages import _int, _since, rule_story_ids, watches_of


def _checked(request: Request) -> None:
    if request.scope["state"].get("token_user"):
        return
    if not same_token(request.headers.get("x-csrf-token"), request.session.get("csrf")):
        raise HTTPException(403, "missing or wrong CSRF token: send X-CSRF-Token (GET /api/session gives it)")


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise HTTPException(400, "the body is not JSON") from None
    if not isinstance(body, dict):
        raise HTTPException(400, "the body must be a JSON object")
    return body


async def session_info(request: Request) -> Response:
    return JSONResponse({"csrf_token": request.session["csrf"], "logged_in": bool(request.session.get("user"))})


async def list_articles(request: Request) -> Response:
    params = request.query_params
    try:
        rows = articles.list_articles(
            settings_of(request).db, since=_since(params.get("since")), source=params.get("source") or None,
            limit=_int(params.get("limit"), 50, "limit"),
        )  # fmt: skip
    except articles.UnknownSourceError as error:
        raise HTTPException(400, str(error)) from error
    return JSONResponse(rows)


async def get_article(request: Request) -> Response:
    detail = articles.show(settings_of(request).db, request.path_params["article_id"])
    if detail is None:
        raise HTTPException(404, f"no article with id {request.path_params['article_id']}")
    return JSONResponse({**detail.as_dict(), "diffs": articles.revision_diffs(detail)})


async def search_articles(request: Request) -> Response:
    params = request.query_params
    query = params.get("q", "").strip()
    if not query:
        raise HTTPException(400, "q: give a query")
    order = params.get("order", "relevance")
    if order not in ("relevance", "newest"):
        raise HTTPException(400, "order: give relevance or newest")
    try:
        result = search.search(
            settings_of(request).db, query, since=_since(params.get("since")),
            sources=params.getlist("source"), languages=params.getlist("lang"), order=order,  # type: ignore[arg-type]
            limit=_int(params.get("limit"), 20, "limit"), offset=_offset(params.get("offset")),
            alias_groups=watches_of(request).alias_groups,
        )  # fmt: skip
    except search.QueryError as error:
        return JSONResponse(
            {"error": f"bad query: {error}", "column": error.position + 1, "hint": error.hint}, status_code=400
        )
    return JSONResponse(result.as_dict())


def _offset(value: str | None) -> int:
    if not value:
        return 0
    if not value.isdigit():
        raise HTTPException(400, "offset: give 0 or more")
    return int(value)


async def list_stories(request: Request) -> Response:
    params = request.query_params
    settings = settings_of(request)
    ids = None
    if params.get("rule"):
        ids = rule_story_ids(settings.db, watches_of(request), params["rule"])
    rows, more = views.stories(
        settings.db, source=params.get("source") or None, language=params.get("lang") or None,
        since=_since(params.get("since")), ids=ids, page=_int(params.get("page"), 1, "page"),
    )  # fmt: skip
    for row in rows:
        row.pop("text")
    return JSONResponse({"stories": rows, "more": more})


async def rules(request: Request) -> Response:
    settings = settings_of(request)
    if request.method == "POST":
        _checked(request)
        body = await _json_body(request)
        replace = bool(body.pop("replace", False))  # an instruction, not a field of the rule
        rule = dict(body)
        try:
            add_rule(settings.watches_path(), rule, replace=replace)
        except KeyError:
            raise HTTPException(409, f"a rule named {rule.get('name')!r} exists: send replace: true") from None
        except WatchConfigError as error:
            problems = [re.sub(r"^.*?:\d+: ", "", problem, count=1) for problem in error.problems]
            return JSONResponse({"error": problems[0], "problems": problems}, status_code=400)
        return JSONResponse(raw_rule(alert_cases.find_rule(watches_of(request), rule["name"])), status_code=201)
    watches = watches_of(request)
    return JSONResponse(
        [{**raw_rule(rule), "precision": triage.precision(settings.db, rule.name)} for rule in watches.rules]
    )


async def delete_rule(request: Request) -> Response:
    _checked(request)
    name = request.path_params["name"]
    try:
        remove_rule(settings_of(request).watches_path(), name)
    except (KeyError, FileNotFoundError):
        raise HTTPException(404, f"no rule named {name!r}") from None
    return JSONResponse({"removed": name})


async def list_alerts(request: Request) -> Response:
    states = alert_cases.recent(settings_of(request).db, limit=_int(request.query_params.get("limit"), 30, "limit"))
    return JSONResponse([
        {"id": s.id, "rule": s.rule, "story_id": s.story_id, "article_id": s.article_id, "title": s.title,
         "outlet": s.outlet, "url": s.url, "mode": s.mode, "status": s.status, "matched_at": s.matched_at.isoformat(),
         "sent_at": s.sent_at.isoformat() if s.sent_at else None, "attempts": s.attempts, "last_error": s.last_error}
        for s in states
    ])  # fmt: skip


async def list_sources(request: Request) -> Response:
    return JSONResponse(views.sources_health(settings_of(request).db))


async def triage_marks(request: Request) -> Response:
    settings = settings_of(request)
    if request.method == "POST":
        _checked(request)
        body = await _json_body(request)
        changes: dict[str, Any] = {}
        if "starred" in body:
            changes["starred"] = bool(body["starred"])
        if "verdict" in body:
            changes["verdict"] = body["verdict"]
        if "note" in body:
            changes["note"] = str(body["note"])[:5000]
        try:
            mark = triage.mark(settings.db, int(body.get("article_id", 0)), rule=str(body.get("rule", "")), **changes)
        except (ValueError, TypeError) as error:
            raise HTTPException(400, str(error)) from error
        except triage.UnknownArticleError as error:
            raise HTTPException(404, str(error)) from error
        return JSONResponse(mark)
    return JSONResponse(triage.marks(settings.db, request.query_params.get("rule")))


def _op(summary: str, params: tuple[str, ...] = (), body: str | None = None, mutating: bool = False) -> dict:
    operation: dict[str, Any] = {"summary": summary, "responses": {"200": {"description": "JSON"}}}
    if params:
        operation["parameters"] = [
            {
                "name": p,
                "in": "path" if p in ("article_id", "name") else "query",
                "required": p in ("article_id", "name", "q"),
                "schema": {"type": "integer" if p in ("article_id", "limit", "offset", "page") else "string"},
            }
            for p in params
        ]
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": {"$ref": body}}}}
    if mutating:
        operation["parameters"] = [*operation.get("parameters", []),
                                   {"name": "X-CSRF-Token", "in": "header", "schema": {"type": "string"}}]
    return operation


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "newswatch", "version": "1", "description": "The analyst's workspace as JSON."},
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                            "session": {"type": "apiKey", "in": "cookie", "name": "newswatch_session"}},
        "schemas": {
            "Rule": {"type": "object", "required": ["name", "query", "recipients"], "properties": {
                "name": {"type": "string"}, "query": {"type": "string"},
                "recipients": {"type": "array", "items": {"type": "string"}},
                "mode": {"type": "string", "enum": ["instant", "hourly", "daily", "weekly"]},
                "sources": {"type": "array", "items": {"type": "string"}},
                "languages": {"type": "array", "items": {"type": "string"}}, "replace": {"type": "boolean"}}},
            "Triage": {"type": "object", "required": ["article_id"], "properties": {
                "article_id": {"type": "integer"}, "rule": {"type": "string"}, "starred": {"type": "boolean"},
                "verdict": {"type": ["string", "null"], "enum": ["relevant", "not_relevant", None]},
                "note": {"type": "string"}}},
        },
    },
    "security": [{"bearer": []}, {"session": []}],
    "paths": {
        "/api/session": {"get": _op("This session's CSRF token")},
        "/api/articles": {"get": _op("Stored articles, newest first", ("since", "source", "limit"))},
        "/api/articles/{article_id}": {"get": _op("One article, its revisions, diffs and copies", ("article_id",))},
        "/api/search": {"get": _op("Search in the watch-rule language", ("q", "order", "source", "lang", "since",
                                                                        "limit", "offset"))},
        "/api/stories": {"get": _op("First reports with their outlets", ("source", "lang", "rule", "since", "page"))},
        "/api/rules": {"get": _op("Watch rules with their precision from triage"),
                       "post": _op("Add (or replace) a watch rule", body="#/components/schemas/Rule", mutating=True)},
        "/api/rules/{name}": {"delete": _op("Remove a watch rule", ("name",), mutating=True)},
        "/api/alerts": {"get": _op("Recent alerts and their delivery state", ("limit",))},
        "/api/sources": {"get": _op("Each source's health, 30 days of articles per day, recent failures")},
        "/api/triage": {"get": _op("Triage marks", ("rule",)),
                        "post": _op("Star, judge or annotate an article", body="#/components/schemas/Triage",
                                    mutating=True)},
    },
}  # fmt: skip


async def openapi(request: Request) -> Response:
    return JSONResponse(OPENAPI)


routes = [
    Route("/api/openapi.json", openapi),
    Route("/api/session", session_info),
    Route("/api/articles", list_articles),
    Route("/api/articles/{article_id:int}", get_article),
    Route("/api/search", search_articles),
    Route("/api/stories", list_stories),
    Route("/api/rules", rules, methods=["GET", "POST"]),
    Route("/api/rules/{name}", delete_rule, methods=["DELETE"]),
    Route("/api/alerts", list_alerts),
    Route("/api/sources", list_sources),
    Route("/api/triage", triage_marks, methods=["GET", "POST"]),
]
