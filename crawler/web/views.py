"""What the pages show, worked out from the use-cases and the database: stories with their copies
folded, the rules an article matches with their terms marked, word-level diffs, the sources' health
and a 30-day SVG chart. Plain data for the templates and the JSON API alike."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from crawler.alerts.config import WatchConfig
from crawler.alerts.highlight import Highlighted, excerpt, marked
from crawler.alerts.matcher import RuleMatcher
from crawler.alerts.matching import applies, compile_rule
from crawler.alerts.query import Document, QueryError
from crawler.app import Database, engine_scope
from crawler.app.articles import word_hunks
from storage.alerts import Alerts
from storage.db import session_scope
from storage.models import Article, CrawlFailure, CrawlRun, Source

PER_PAGE = 20


@dataclass(frozen=True, slots=True)
class RuleHit:
    rule: str
    terms: tuple[str, ...]
    title: Highlighted
    snippet: Highlighted


def rule_matcher(watches: WatchConfig) -> RuleMatcher:
    compiled = []
    for rule in watches.rules:
        try:
            compiled.append((rule.name, compile_rule(rule, watches.alias_groups)))
        except QueryError:
            continue  # the watch file was checked when loaded; a rule that fails now is skipped
    return RuleMatcher(compiled)


def matched_rules(
    watches: WatchConfig, matcher: RuleMatcher, article: dict[str, Any], *, width: int = 280
) -> list[RuleHit]:
    """The watch rules this article matches now (their source and language filters too), terms marked."""
    title, text = article.get("title") or "", article.get("text") or ""
    document = Document(title=title, text=text, language=article.get("language"), source=article.get("source"))
    rules = {rule.name: rule for rule in watches.rules}
    hits = []
    for name, match in matcher.matching(document):
        if not applies(rules[name], article.get("source") or "", article.get("language")):
            continue
        hits.append(
            RuleHit(
                name,
                tuple(match.terms),
                marked(title, match.field_spans("title")),
                excerpt(text, match.field_spans("text"), width=width),
            )
        )
    return hits


def stories(
    db: Database,
    *,
    source: str | None = None,
    language: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    ids: list[int] | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> tuple[list[dict[str, Any]], bool]:
    """First reports, newest first, each with the outlets that reported it; (rows, more pages)."""
    when = func.coalesce(Article.published_at, Article.first_seen)
    query = select(Article).where(Article.duplicate_of.is_(None)).order_by(when.desc(), Article.id.desc())
    if source:
        query = query.where(Article.source.has(Source.name == source))
    if language:
        query = query.where(Article.language == language)
    if since is not None:
        query = query.where(Article.first_seen >= since)
    if until is not None:
        query = query.where(Article.first_seen < until)
    if ids is not None:
        query = query.where(Article.id.in_(ids or [-1]))
    with engine_scope(db) as engine, session_scope(engine) as session:
        found = list(session.scalars(query.offset((page - 1) * per_page).limit(per_page + 1)))
        more = len(found) > per_page
        found = found[:per_page]
        outlets = Alerts(session).story_outlet_names_many([a.id for a in found])
        rows = [
            {
                "id": a.id,
                "title": a.title,
                "url": a.url,
                "source": a.source.name,
                "outlet": a.source.title or a.source.name,
                "language": a.language,
                "paywalled": a.paywalled,
                "published": a.published,
                "first_seen": a.first_seen.isoformat(),
                "description": a.description,
                "text": a.text,
                "outlets": outlets.get(a.id, [a.source.title or a.source.name]),
            }
            for a in found
        ]
    return rows, more


def story_ids_of_articles(db: Database, article_ids: set[int]) -> list[int]:
    """The stories (first reports) these articles belong to."""
    if not article_ids:
        return []
    with engine_scope(db) as engine, session_scope(engine) as session:
        rows = session.execute(select(Article.id, Article.duplicate_of).where(Article.id.in_(article_ids))).all()
    return sorted({duplicate_of or article_id for article_id, duplicate_of in rows})


def source_names(db: Database) -> list[str]:
    with engine_scope(db) as engine, session_scope(engine) as session:
        return list(session.scalars(select(Source.name).order_by(Source.name)))


def languages(db: Database) -> list[str]:
    with engine_scope(db) as engine, session_scope(engine) as session:
        return [lang for lang in session.scalars(select(Article.language).distinct()) if lang]


def reading_paragraphs(text: str | None, title: str | None) -> list[str]:
    """The stored text's paragraphs as the article page shows them: the text opens with the headline
    as the page printed it, and the page shows the title above the text already."""
    paragraphs = [line for line in re.split(r"\n\s*\n|\n", text or "") if line.strip()]
    if paragraphs and title and _letters(paragraphs[0]) == _letters(title):
        return paragraphs[1:]
    return paragraphs


def _letters(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def word_diff(old: str, new: str, context: int = 12) -> list[list[tuple[str, str]]]:
    """What changed from `old` to `new`, word by word: one list of (kind, words) per change, kind
    "same" (a few words around it), "del" or "ins" (crawler.app.articles.word_hunks' cut)."""
    changes = []
    for change in word_hunks(old, new, context):
        parts: list[tuple[str, str]] = []
        if change.lead:
            parts.append(("same", ("… " if change.cut_before else "") + change.lead))
        if change.removed:
            parts.append(("del", change.removed))
        if change.added:
            parts.append(("ins", change.added))
        if change.tail:
            parts.append(("same", change.tail + (" …" if change.cut_after else "")))
        changes.append(parts)
    return changes


def sources_health(db: Database, now: datetime | None = None, days: int = 30) -> list[dict[str, Any]]:
    """Per source: last run, failures by kind (30 days), 304 share, articles per day, recent failures."""
    now = now or datetime.now(UTC)
    start = now - timedelta(days=days)
    day_list = [(start + timedelta(days=i + 1)).date() for i in range(days)]
    with engine_scope(db) as engine, session_scope(engine) as session:
        names = list(session.scalars(select(Source.name).order_by(Source.name)))
        titles = dict(session.execute(select(Source.name, Source.title)).all())
        per_day: dict[str, Counter[date]] = {name: Counter() for name in names}
        for name, seen in session.execute(
            select(Source.name, Article.first_seen).join(Source).where(Article.first_seen >= start)
        ):
            per_day[name][seen.date()] += 1
        result = []
        for name in names:
            runs = list(
                session.scalars(
                    select(CrawlRun).where(CrawlRun.source == name, CrawlRun.started_at >= start)
                    .order_by(CrawlRun.started_at.desc())
                )
            )
            fetched = sum(run.pages_fetched for run in runs)
            not_modified = sum(run.not_modified for run in runs)
            failures = list(
                session.execute(
                    select(CrawlFailure.at, CrawlFailure.kind, CrawlFailure.url, CrawlFailure.reason)
                    .join(CrawlRun)
                    .where(CrawlRun.source == name, CrawlFailure.at >= start)
                    .order_by(CrawlFailure.at.desc(), CrawlFailure.id.desc())
                )
            )
            last = runs[0] if runs else None
            result.append(
                {
                    "source": name,
                    "title": titles.get(name) or name,
                    "last_run": last.started_at.isoformat() if last else None,
                    "last_status": last.status if last else None,
                    "runs": len(runs),
                    "share_304": round(not_modified / (fetched + not_modified), 3) if fetched + not_modified else None,
                    "failures_by_kind": dict(Counter(kind for _, kind, _, _ in failures).most_common()),
                    "recent_failures": [
                        {"at": at.isoformat(), "kind": kind, "url": url, "reason": reason}
                        for at, kind, url, reason in failures[:10]
                    ],
                    "per_day": [{"day": d.isoformat(), "articles": per_day[name][d]} for d in day_list],
                }
            )
    return result


PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def chart(health: list[dict[str, Any]], width: int = 720, height: int = 180) -> dict[str, Any]:
    """A stacked bar chart of articles per day per source, as shapes for an inline SVG template."""
    if not health:
        return {"width": width, "height": height, "bars": [], "legend": [], "max": 0, "days": []}
    days = [entry["day"] for entry in health[0]["per_day"]]
    totals = [sum(src["per_day"][i]["articles"] for src in health) for i in range(len(days))]
    top = max(totals) or 1
    step = width / len(days)
    bars = []
    for i in range(len(days)):
        y = height
        for k, src in enumerate(health):
            count = src["per_day"][i]["articles"]
            if not count:
                continue
            h = count / top * (height - 10)
            y -= h
            bars.append(
                {"x": round(i * step + 1, 1), "y": round(y, 1), "w": round(step - 2, 1), "h": round(h, 1),
                 "color": PALETTE[k % len(PALETTE)], "label": f"{src['source']} {days[i]}: {count}"}
            )  # fmt: skip
    legend = [{"source": src["source"], "color": PALETTE[k % len(PALETTE)]} for k, src in enumerate(health)]
    return {"width": width, "height": height, "bars": bars, "legend": legend, "max": top, "days": days}
