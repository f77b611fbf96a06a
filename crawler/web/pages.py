"""The HTML pages. Each reads its parameters, calls the use-cases (crawler.app) or views, renders a
template; a form that changes anything is checked for its CSRF token first."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from crawler.alerts.config import WatchConfig, WatchConfigError, add_rule, load_watches, raw_rule, remove_rule
from crawler.alerts.query import QueryError
from crawler.alerts.rules import WatchRule
from crawler.app import Database, articles, search, triage
from crawler.app import alerts as alert_cases
from crawler.web import views
from crawler.web.app import render, settings_of
from crawler.web.auth import feed_token, same_token, verify_password

MODES = ("instant", "hourly", "daily", "weekly")


# --- shared -------------------------------------------------------------------------------------


def watches_of(request: Request) -> WatchConfig:
    """The watch file, or a 500 page listing its mistakes (the same file and checks as `newswatch watch`)."""
    try:
        return load_watches(settings_of(request).watches_path())
    except WatchConfigError as error:
        raise HTTPException(500, "the watch file has mistakes:\n" + "\n".join(error.problems)) from error


def rule_of(watches: WatchConfig, name: str) -> WatchRule:
    """The watch rule named `name`, or a 404 page saying which rules there are."""
    try:
        return alert_cases.find_rule(watches, name)
    except alert_cases.UnknownRuleError as error:
        raise HTTPException(404, str(error)) from error


def rule_story_ids(db: Database, watches: WatchConfig, name: str) -> list[int]:
    """The stories (first reports) of every article the rule named `name` matches; 404 for no such rule."""
    rule = rule_of(watches, name)
    found = search.search_ids(
        db, rule.query, sources=rule.sources, languages=rule.languages, alias_groups=watches.alias_groups
    )
    return views.story_ids_of_articles(db, found)


async def checked_form(request: Request) -> FormData:
    """The posted form, or 403 when its CSRF token (field csrf_token or header X-CSRF-Token) is wrong."""
    form = await request.form()
    given = form.get("csrf_token") or request.headers.get("x-csrf-token")
    if not same_token(str(given) if given else None, request.session.get("csrf")):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
    return form


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return articles.parse_since(value)
    except ValueError as error:
        raise HTTPException(400, f"since: {error}") from error


def _int(value: str | None, default: int, name: str) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise HTTPException(400, f"{name}: give a whole number") from None
    if number < 1:
        raise HTTPException(400, f"{name}: give 1 or more")
    return number


def feed_url(request: Request, path: str, query: dict[str, str] | None = None) -> str:
    params = dict(query or {})
    auth = settings_of(request).auth
    if auth.required:
        params["token"] = feed_token(auth.secret, path, query)
    return path + ("?" + urlencode(params) if params else "")


async def _error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/api/"):
        from starlette.responses import JSONResponse

        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
    return render(request, "error.html", status_code=exc.status_code, status=exc.status_code, message=exc.detail)


exception_handlers = {HTTPException: _error}


# --- stories, article, search --------------------------------------------------------------------


async def stories_page(request: Request) -> Response:
    params = request.query_params
    settings = settings_of(request)
    watches = watches_of(request)
    page = _int(params.get("page"), 1, "page")
    ids = None
    rule_name = params.get("rule") or None
    if rule_name:
        ids = rule_story_ids(settings.db, watches, rule_name)
    rows, more = views.stories(
        settings.db,
        source=params.get("source") or None,
        language=params.get("lang") or None,
        since=_since(params.get("since")),
        ids=ids,
        page=page,
    )
    matcher = views.rule_matcher(watches)
    for row in rows:
        row["rules"] = [hit.rule for hit in views.matched_rules(watches, matcher, row)]
    starred = triage.starred(settings.db)
    filters = {key: params.get(key, "") for key in ("source", "lang", "rule", "since")}
    next_query = urlencode({**{k: v for k, v in filters.items() if v}, "page": page + 1})
    context = {
        "stories": rows, "more": more, "page": page, "filters": filters, "next_query": next_query,
        "starred": starred, "sources": views.source_names(settings.db), "languages": views.languages(settings.db),
        "rules": [rule.name for rule in watches.rules],
    }  # fmt: skip
    if request.headers.get("hx-request") and page > 1:
        return render(request, "_stories.html", **context)
    return render(request, "stories.html", **context)


async def article_page(request: Request) -> Response:
    settings = settings_of(request)
    article_id = request.path_params["article_id"]
    detail = articles.show(settings.db, article_id)
    if detail is None:
        raise HTTPException(404, f"no article with id {article_id}")
    data = detail.as_dict()
    watches = watches_of(request)
    hits = views.matched_rules(watches, views.rule_matcher(watches), data)
    marks = {mark["rule"]: mark for mark in triage.marks_of(settings.db, [article_id]).get(article_id, [])}
    paragraphs = views.reading_paragraphs(data["text"], data["title"])
    return render(
        request,
        "article.html",
        article=data,
        paragraphs=paragraphs,
        revisions=articles.revision_diffs(detail, views.word_diff),
        hits=hits,
        marks=marks,
    )


async def search_page(request: Request) -> Response:
    params = request.query_params
    settings = settings_of(request)
    query = params.get("q", "").strip()
    order = params.get("order", "relevance")
    if order not in ("relevance", "newest"):
        raise HTTPException(400, "order: give relevance or newest")
    page = _int(params.get("page"), 1, "page")
    result, error = None, None
    filters = {key: params.get(key, "") for key in ("source", "lang", "since")}
    if query:
        watches = watches_of(request)
        try:
            result = search.search(
                settings.db,
                query,
                since=_since(filters["since"]),
                sources=[filters["source"]] if filters["source"] else (),
                languages=[filters["lang"]] if filters["lang"] else (),
                order=order,  # type: ignore[arg-type]
                limit=views.PER_PAGE,
                offset=(page - 1) * views.PER_PAGE,
                alias_groups=watches.alias_groups,
            )
        except QueryError as exc:
            error = exc
    feed_query = {"q": query} if query else {}
    context = {
        "query": query, "order": order, "result": result, "error": error, "page": page, "filters": filters,
        "sources": views.source_names(settings.db), "languages": views.languages(settings.db),
        "feed": feed_url(request, "/feeds/search.atom", feed_query) if query else None,
        "next_query": urlencode({"q": query, "order": order, **{k: v for k, v in filters.items() if v},
                                 "page": page + 1}),
    }  # fmt: skip
    if request.headers.get("hx-request"):
        return render(request, "_results.html", **context)
    return render(request, "search.html", **context)


# --- watch rules ----------------------------------------------------------------------------------


def _split(value: Any) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", str(value or "")) if part.strip()]


def _rule_from_form(form: FormData, name: str | None = None) -> dict[str, Any]:
    return {
        "name": (name or str(form.get("name", ""))).strip(),
        "query": str(form.get("query", "")).strip(),
        "recipients": _split(form.get("recipients")),
        "mode": str(form.get("mode") or "instant"),
        "sources": _split(form.get("sources")),
        "languages": _split(form.get("languages")),
        "timezone": str(form.get("timezone") or "UTC").strip(),
        "digest_hour": _hour(form.get("digest_hour")),
    }


def _hour(value: Any) -> int:
    text = str(value or "8").strip()
    if not text.isdigit():
        raise HTTPException(400, "digest_hour: give an hour from 0 to 23")
    return int(text)


def _query_problem(query: str, groups: tuple[tuple[str, ...], ...]) -> QueryError | None:
    try:
        search.compile_query(query, groups)
    except QueryError as error:
        return error
    return None


async def rules_page(request: Request) -> Response:
    settings = settings_of(request)
    if request.method == "POST":
        form = await checked_form(request)
        return _save_rule(request, _rule_from_form(form), replace=False)
    watches = watches_of(request)
    alerts = alert_cases.recent(settings.db, limit=1000)
    rows = []
    for rule in watches.rules:
        rows.append(
            {
                "rule": raw_rule(rule),
                "alerts": sum(1 for alert in alerts if alert.rule == rule.name),
                "precision": triage.precision(settings.db, rule.name),
                "feed": feed_url(request, f"/feeds/rule/{rule.name}.atom"),
            }
        )
    return render(request, "rules.html", rules=rows, path=settings.watches_path())


def _save_rule(request: Request, rule: dict[str, Any], *, replace: bool) -> Response:
    settings = settings_of(request)
    watches = watches_of(request)
    query_error = _query_problem(rule["query"], watches.alias_groups) if rule["query"] else None
    problems: list[str] = []
    if query_error is None:
        try:
            add_rule(settings.watches_path(), rule, replace=replace)
        except KeyError:
            problems.append(f"a rule named {rule['name']!r} exists: edit it instead")
        except WatchConfigError as error:  # the new rule is not in the file yet: drop FILE:LINE
            problems.extend(re.sub(r"^.*?:\d+: ", "", problem, count=1) for problem in error.problems)
        if not problems:
            return RedirectResponse(f"/rules/{rule['name']}", status_code=303)
    return render(
        request, "rule_form.html", status_code=400, rule=rule, editing=replace, query_error=query_error,
        problems=problems, modes=MODES,
    )  # fmt: skip


async def rule_form_page(request: Request) -> Response:
    name = request.path_params.get("name")
    if request.method == "POST":
        form = await checked_form(request)
        return _save_rule(request, _rule_from_form(form, name), replace=True)
    if name:
        rule = raw_rule(rule_of(watches_of(request), name))
    else:
        rule = {"name": "", "query": request.query_params.get("query", ""), "recipients": [], "mode": "instant",
                "sources": [], "languages": [], "timezone": "UTC", "digest_hour": 8}  # fmt: skip
    return render(
        request, "rule_form.html", rule=rule, editing=bool(name), query_error=None, problems=[], modes=MODES
    )


async def rule_preview(request: Request) -> Response:
    """The live backtest (htmx): the query's error with its column, or what it would have matched."""
    form = await checked_form(request)
    settings = settings_of(request)
    watches = watches_of(request)
    query = str(form.get("query", "")).strip()
    context: dict[str, Any] = {"query": query, "error": None, "result": None, "total": 0}
    if query:
        try:
            sources, langs = _split(form.get("sources")), _split(form.get("languages"))
            context["total"] = len(
                search.search_ids(settings.db, query, sources=sources, languages=langs,
                                  alias_groups=watches.alias_groups)
            )  # fmt: skip
            context["result"] = search.search(
                settings.db, query, sources=sources, languages=langs, limit=5, alias_groups=watches.alias_groups
            )
        except QueryError as error:
            context["error"] = error
    return render(request, "_backtest.html", **context)


async def rule_page(request: Request) -> Response:
    settings = settings_of(request)
    watches = watches_of(request)
    rule = rule_of(watches, request.path_params["name"])
    history = [alert for alert in alert_cases.recent(settings.db, limit=1000) if alert.rule == rule.name][:50]
    result = search.search(
        settings.db, rule.query, sources=rule.sources, languages=rule.languages, order="newest", limit=20,
        alias_groups=watches.alias_groups,
    )  # fmt: skip
    return render(
        request, "rule.html", rule=raw_rule(rule), history=history, result=result,
        precision=triage.precision(settings.db, rule.name), feed=feed_url(request, f"/feeds/rule/{rule.name}.atom"),
    )  # fmt: skip


async def rule_delete(request: Request) -> Response:
    await checked_form(request)
    settings = settings_of(request)
    name = request.path_params["name"]
    try:
        remove_rule(settings.watches_path(), name)
    except (KeyError, FileNotFoundError) as error:
        raise HTTPException(404, f"no rule named {name!r}") from error
    return RedirectResponse("/rules", status_code=303)


# --- triage ---------------------------------------------------------------------------------------

ACTIONS = {
    "star": {"starred": True},
    "unstar": {"starred": False},
    "relevant": {"verdict": "relevant"},
    "not_relevant": {"verdict": "not_relevant"},
    "clear": {"verdict": None},
}


async def triage_post(request: Request) -> Response:
    form = await checked_form(request)
    settings = settings_of(request)
    article_id = _int(str(form.get("article_id", "")), 0, "article_id")
    rule = str(form.get("rule", ""))
    action = str(form.get("action", ""))
    if action == "note":
        changes: dict[str, Any] = {"note": str(form.get("note", ""))[:5000]}
    elif action in ACTIONS:
        changes = ACTIONS[action]
    else:
        raise HTTPException(400, f"action {action!r}: give star, unstar, relevant, not_relevant, clear or note")
    try:
        mark = triage.mark(settings.db, article_id, rule=rule, **changes)
    except triage.UnknownArticleError as error:
        raise HTTPException(404, str(error)) from error
    if request.headers.get("hx-request"):
        return render(request, "_triage.html", article_id=article_id, rule=rule, mark=mark)
    back = str(form.get("next") or f"/articles/{article_id}")
    return RedirectResponse(back if back.startswith("/") and not back.startswith("//") else "/", status_code=303)


# --- sources, login ---------------------------------------------------------------------------------


async def sources_page(request: Request) -> Response:
    settings = settings_of(request)
    health = views.sources_health(settings.db)
    next_runs: dict[str, Any] = {}
    try:
        from crawler.app.sources import status
        from crawler.config import load_config

        next_runs = {entry.source: entry for entry in status(settings.db, load_config())}
    except Exception:  # noqa: BLE001  (a sources config that does not load leaves the column empty)
        next_runs = {}
    return render(request, "sources.html", health=health, chart=views.chart(health), next_runs=next_runs)


async def login_page(request: Request) -> Response:
    settings = settings_of(request)
    target = request.query_params.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    if request.method == "GET":
        return render(request, "login.html", error=None, next=target)
    form = await checked_form(request)
    password_hash = settings.auth.password_hash
    if password_hash and verify_password(str(form.get("password", "")), password_hash):
        request.session["user"] = "analyst"
        return RedirectResponse(target, status_code=303)
    return render(request, "login.html", status_code=401, error="wrong password", next=target)


async def logout(request: Request) -> Response:
    await checked_form(request)
    request.session.pop("user", None)
    return RedirectResponse("/login", status_code=303)

