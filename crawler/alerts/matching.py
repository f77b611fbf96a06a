"""Stored articles against the watch rules: what `newswatch crawl` runs as it ends, and `watch test`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import Row, or_, select
from sqlalchemy.engine import Engine

from crawler.alerts.aliases import AliasTable
from crawler.alerts.config import WatchConfig
from crawler.alerts.matcher import RuleMatcher
from crawler.alerts.query import Document, Query, parse_query
from crawler.alerts.rules import WatchRule
from crawler.dedup.urls import canonical_url
from storage.alerts import Alerts
from storage.db import session_scope
from storage.models import Article, Source

_BATCH = 200


def rule_aliases(alias_groups: tuple[tuple[str, ...], ...] = ()) -> AliasTable:
    """The alias table rules are compiled with: the shipped groups and the watch file's."""
    return AliasTable.default().with_groups(alias_groups)


def compile_rule(rule: WatchRule, alias_groups: tuple[tuple[str, ...], ...] = ()) -> Query:
    return parse_query(rule.query, rule_aliases(alias_groups))


def applies(rule: WatchRule, source: str, language: str | None) -> bool:
    """The rule's source and language filters."""
    return (not rule.sources or source in rule.sources) and (not rule.languages or language in rule.languages)


_COLUMNS = (Article.id, Source.name, Article.title, Article.text, Article.language)


def _document(row: Row) -> tuple[int, str, Document]:
    """(id, source name, document): an article as the rules see it."""
    return row.id, row.name, Document(title=row.title or "", text=row.text, language=row.language, source=row.name)


def _articles(engine: Engine, since: datetime | None) -> Iterator[tuple[int, str, Document]]:
    """(id, source name, document) of every stored article first seen since `since`, oldest first."""
    query = select(*_COLUMNS).join(Source)
    if since is not None:
        query = query.where(Article.first_seen >= since)
    last_id = 0
    while True:
        with session_scope(engine) as session:
            rows = session.execute(query.where(Article.id > last_id).order_by(Article.id).limit(_BATCH)).all()
        if not rows:
            return
        for row in rows:
            yield _document(row)
        last_id = rows[-1].id


def stored_document(
    engine: Engine, article_id: int | None = None, url: str | None = None
) -> tuple[int, str, Document, str] | None:
    """(id, source name, document, URL) of the article with this id, or stored under this URL (as
    fetched or as its canonical form, the oldest such article first); None when there is none."""
    query = select(*_COLUMNS, Article.url).join(Source)
    if article_id is not None:
        query = query.where(Article.id == article_id)
    elif url is not None:
        key = canonical_url(url)
        query = query.where(or_(Article.canonical_url == key, Article.url_key == key, Article.url == url))
    else:
        raise ValueError("an article id or a URL")
    with session_scope(engine) as session:
        row = session.execute(query.order_by(Article.id).limit(1)).first()
    return None if row is None else (*_document(row), row.url)


def stored_documents(engine: Engine, since: datetime | None, rule: WatchRule) -> Iterator[tuple[int, str, Document]]:
    """The stored articles a rule applies to (its source and language filters), for backtests."""
    for article_id, source, document in _articles(engine, since):
        if applies(rule, source, document.language):
            yield article_id, source, document


def record_matches(engine: Engine, config: WatchConfig, since: datetime, now: datetime | None = None) -> int:
    """Match every article stored since `since` against every rule; record one alert per (rule, story).

    Returns how many alerts are new. Copies of a story already alerted record nothing (the outbox's
    unique (rule, story) key), so a re-crawl, an update or a copy at another outlet alerts no one again.
    """
    if not config.rules:
        return 0
    rules = {rule.name: rule for rule in config.rules}
    matcher = RuleMatcher((rule.name, compile_rule(rule, config.alias_groups)) for rule in config.rules)
    now = now or datetime.now(UTC)
    new = 0
    for article_id, source, document in _articles(engine, since):
        hits = [
            (name, match)
            for name, match in matcher.matching(document)
            if applies(rules[name], source, document.language)
        ]
        if not hits:
            continue
        with session_scope(engine) as session:
            alerts = Alerts(session)
            for name, match in hits:
                terms = list(dict.fromkeys(match.terms))
                new += alerts.record_match(name, article_id, rules[name].mode.value, terms, now, spans=match.spans)
    return new
