"""Stage 5, match: each newly stored version (new, updated, or a copy) against the watch rules in
force, in its own transaction: one alert per (rule, story) ever (the outbox's unique key), then the
version's `needs_match` mark is cleared. Whatever dies before that commit leaves the mark, and
`match_pending` (run by every crawl) matches what is still marked: each version is matched once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from crawler.alerts.matcher import RuleMatcher
from crawler.alerts.matching import applies, compile_rule
from crawler.alerts.query import Document
from crawler.alerts.rules import WatchRule
from crawler.items import OutcomeKind, Page
from crawler.stages.context import StageContext
from storage.alerts import Alerts
from storage.db import session_scope
from storage.models import Article, Source
from storage.types import utcnow

_MATCHED_KINDS = (OutcomeKind.NEW, OutcomeKind.UPDATED, OutcomeKind.DUPLICATE)
_BATCH = 200


@dataclass(frozen=True)
class RuleSet:
    """The watch rules in force, compiled once into one matcher."""

    rules: dict[str, WatchRule]
    matcher: RuleMatcher

    @classmethod
    def compile(cls, rules: Iterable[WatchRule], alias_groups: tuple[tuple[str, ...], ...] = ()) -> RuleSet:
        rules = tuple(rules)
        matcher = RuleMatcher((rule.name, compile_rule(rule, alias_groups)) for rule in rules)
        return cls({rule.name: rule for rule in rules}, matcher)


def match(page: Page, context: StageContext) -> Page:
    outcome = page.outcome
    if outcome is None or outcome.kind not in _MATCHED_KINDS or outcome.article_id is None:
        return page
    alerts = match_article(context.session, outcome.article_id, context.rules)
    page.outcome = replace(outcome, alerts=alerts)
    return page


def match_article(session: Session, article_id: int, rules: RuleSet | None) -> int:
    """Match the article's current version and clear its mark; returns the new alerts recorded.
    With `rules` None nothing is matched and the mark stays; an empty RuleSet clears it."""
    row = session.execute(
        select(Article.id, Article.title, Article.text, Article.language, Article.revision_count, Source.name)
        .join(Source)
        .where(Article.id == article_id)
    ).one_or_none()
    if row is None or rules is None:  # no rules given: the mark stays for a crawl that has them
        return 0
    new = 0
    if rules.rules:
        document = Document(title=row.title or "", text=row.text, language=row.language, source=row.name)
        alerts = Alerts(session)
        now = utcnow()
        for name, found in rules.matcher.matching(document):
            rule = rules.rules[name]
            if not applies(rule, row.name, row.language):
                continue
            terms = list(dict.fromkeys(found.terms))
            new += alerts.record_match(name, row.id, rule.mode.value, terms, now, spans=found.spans)
    # Only the version matched: one stored meanwhile keeps its mark.
    session.execute(
        update(Article)
        .where(Article.id == row.id, Article.revision_count == row.revision_count)
        .values(needs_match=False)
        .execution_options(synchronize_session=False)
    )
    return new


def match_pending(engine: Engine, rules: RuleSet | None, *, source: str | None = None) -> int:
    """Match every stored version still marked (its crawl died before matching it); new alerts."""
    new = 0
    last_id = 0
    while True:
        query = select(Article.id).where(Article.needs_match.is_(True), Article.id > last_id)
        if source is not None:
            query = query.join(Source).where(Source.name == source)
        with session_scope(engine) as session:
            ids = list(session.scalars(query.order_by(Article.id).limit(_BATCH)))
        if not ids:
            return new
        for article_id in ids:
            with session_scope(engine) as session:
                new += match_article(session, article_id, rules)
        last_id = ids[-1]
