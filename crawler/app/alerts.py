"""Alerts: deliver what is due, list recent alerts, and try rules before they go live.

report = deliver_due(db, watches)                       # queue due alerts, send the outbox
states = recent(db, limit=30)                           # newest first, with their delivery state
waiting = waiting_emails(db)                            # emails waiting for their next try
result = backtest(db, watches, "iran-drones", since)    # what a rule would have matched; no email
match = try_query('shahed AND russia', text)            # does a query match this text, and where
why = explain_rule(db, watches, "iran-drones", article_id=42)   # which clause matched or failed, and how
why = explain_query('shahed AND russia', text)                   # the same for ad-hoc text
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from crawler.alerts import delivery
from crawler.alerts.config import WatchConfig
from crawler.alerts.explain import Explanation, explain
from crawler.alerts.mail import MailSettings, MailSettingsError
from crawler.alerts.matching import compile_rule, rule_aliases, stored_document, stored_documents
from crawler.alerts.query import Document, Match, parse_query
from crawler.alerts.rules import Mode, WatchRule
from crawler.app import Database, engine_scope
from storage.alerts import Alerts, AlertState
from storage.db import session_scope


class MailConfigError(ValueError):
    """The watch file's [mail] table cannot be used; the message names the file."""


class UnknownRuleError(KeyError):
    """No rule of that name; the message names the file and the rules it has."""

    def __str__(self) -> str:
        return str(self.args[0])


def mail_settings(config: WatchConfig) -> MailSettings:
    """The watch file's [mail] settings, or MailConfigError saying `FILE: [mail]: what is wrong`."""
    try:
        return MailSettings.from_config(config.mail)
    except MailSettingsError as error:
        raise MailConfigError(f"{config.path}: [mail]: {error}") from error


def deliver_due(
    db: Database,
    config: WatchConfig,
    *,
    instant_only: bool = False,
    mail: MailSettings | None = None,
    now: datetime | None = None,
) -> delivery.DeliveryReport:
    """Queue the alerts due now (only instant ones when asked) into the outbox and send every due
    email, earlier failures included. `mail` defaults to the watch file's [mail] (MailConfigError if
    it cannot be used); the daemon passes the settings it checked at load time."""
    mail = mail or mail_settings(config)
    rules = {rule.name: rule for rule in config.rules}
    modes = {Mode.INSTANT} if instant_only else None
    with engine_scope(db) as engine:
        return delivery.deliver_due(engine, rules, mail, now or datetime.now(UTC), modes=modes)


def recent(db: Database, limit: int = 30) -> list[AlertState]:
    """The newest `limit` alerts with their delivery state."""
    with engine_scope(db) as engine, session_scope(engine) as session:
        return Alerts(session).recent(limit)


@dataclass(frozen=True, slots=True)
class WaitingEmail:
    """An email of the outbox tried and not delivered yet, waiting for its next try."""

    message_id: str
    recipient: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "message_id": self.message_id,
            "recipient": self.recipient,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at.isoformat(),
            "last_error": self.last_error,
        }


def waiting_emails(db: Database) -> list[WaitingEmail]:
    """The undelivered emails already tried at least once, soonest retry first."""
    with engine_scope(db) as engine, session_scope(engine) as session:
        emails = [email for email in Alerts(session).pending_emails() if email.attempts]
        waiting = [
            WaitingEmail(e.message_id, e.recipient, e.attempts, _utc(e.next_attempt_at), e.last_error) for e in emails
        ]
    return sorted(waiting, key=lambda email: email.next_attempt_at)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def find_rule(config: WatchConfig, name: str) -> WatchRule:
    """The rule called `name`, or UnknownRuleError naming the file and the rules it has."""
    try:
        return config.rule(name)
    except KeyError:
        known = ", ".join(rule.name for rule in config.rules) or "none"
        raise UnknownRuleError(f"no rule named {name!r} in {config.path} (rules: {known})") from None


@dataclass(frozen=True, slots=True)
class BacktestHit:
    article_id: int
    source: str
    document: Document
    match: Match


@dataclass(frozen=True, slots=True)
class Backtest:
    rule: WatchRule
    hits: list[BacktestHit]  # oldest first
    total: int  # stored articles the rule applies to (its source and language filters)


def backtest(db: Database, config: WatchConfig, name: str, since: datetime | None) -> Backtest:
    """What rule `name` would have matched among the articles first seen since `since`. Sends nothing,
    records nothing. UnknownRuleError if there is no such rule."""
    rule = find_rule(config, name)
    query = compile_rule(rule, config.alias_groups)
    hits: list[BacktestHit] = []
    total = 0
    with engine_scope(db) as engine:
        for article_id, source, document in stored_documents(engine, since, rule):
            total += 1
            match = query.match(document)
            if match is not None:
                hits.append(BacktestHit(article_id, source, document, match))
    return Backtest(rule, hits, total)


def try_query(
    query: str,
    text: str,
    *,
    title: str = "",
    language: str | None = None,
    alias_groups: tuple[tuple[str, ...], ...] = (),
) -> Match | None:
    """Does `query` match this title and text (with the default aliases and `alias_groups`)?
    The match with its spans, or None; QueryError (with the column) if the query does not parse."""
    parsed = parse_query(query, rule_aliases(alias_groups))
    return parsed.match(Document(title=title, text=text, language=language))


class UnknownArticleError(LookupError):
    """No stored article with that id or URL; the message says which."""

    def __str__(self) -> str:
        return str(self.args[0])


def explain_rule(
    db: Database, config: WatchConfig, name: str, *, article_id: int | None = None, url: str | None = None
) -> Explanation:
    """Why rule `name` would or would not alert on the stored article with this id (or URL): its query
    node by node, with what carried each term, and its source and language filters. UnknownRuleError,
    UnknownArticleError."""
    rule = find_rule(config, name)
    query = compile_rule(rule, config.alias_groups)
    with engine_scope(db) as engine:
        stored = stored_document(engine, article_id, url)
    if stored is None:
        missing = f"no article with id {article_id}" if url is None else f"no article stored under {url}"
        raise UnknownArticleError(missing)
    found_id, source, document, stored_url = stored
    article = {"id": found_id, "source": source, "url": stored_url, "title": document.title,
               "language": document.language}
    return explain(query, document, rule_aliases(config.alias_groups), rule=rule, article=article)


def explain_query(
    query: str,
    text: str,
    *,
    title: str = "",
    language: str | None = None,
    alias_groups: tuple[tuple[str, ...], ...] = (),
) -> Explanation:
    """`try_query`, explained: the query node by node on this title and text. QueryError if it does not parse."""
    aliases = rule_aliases(alias_groups)
    return explain(parse_query(query, aliases), Document(title=title, text=text, language=language), aliases)
