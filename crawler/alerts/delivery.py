"""The delivery cycle: due alerts become emails in the outbox, then the outbox is sent.

    report = deliver_due(engine, {rule.name: rule for rule in config.rules}, MailSettings.from_config(config.mail))

1. Queue (one transaction): the pending alerts whose time has come (instant: at once; hourly: the top
   of the hour after the match; daily: `digest_hour` in the rule's `timezone` after the match) are
   rendered into one email per recipient: instant alerts an email per rule, digests an email per
   recipient with a section per rule. Each email's bytes and Message-ID are stored with it.
2. Send: the due emails are claimed (attempt counted, a lease set, committed) before anything is
   sent; each is marked sent as soon as the server took it. A failed attempt is retried with back-off
   (1 min doubling to 1 h) and never dropped; a recipient the server refuses for good (5xx) is
   marked refused and reported.

Nothing is lost: an email that is claimed and never marked (the process died) is sent again when its
lease ends. That is the one window for a duplicate, and the repeat carries the same Message-ID.

The outbox carries the operator's crawl-health notices too (crawler.health queues them, with
rules ["health:<source>"] and no alerts): `send_outbox` sends whatever is due, alerts or not.
"""

from __future__ import annotations

import logging
import os
import socket
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from crawler.alerts.mail import SMTP_POLICY, DeliveryError, Mailer, MailSettings
from crawler.alerts.render import EmailItem, EmailUpdate, Section, render_email
from crawler.alerts.rules import Mode, WatchRule
from crawler.processes import alive
from storage.alert_models import Alert
from storage.alerts import Alerts, new_message_id
from storage.db import session_scope
from storage.models import Article

log = logging.getLogger("newswatch.alerts")


@dataclass(frozen=True, slots=True)
class SentEmail:
    message_id: str
    recipient: str
    rules: tuple[str, ...]
    subject: str


@dataclass(frozen=True, slots=True)
class FailedEmail:
    message_id: str
    recipient: str
    error: str
    attempts: int
    next_attempt_at: datetime
    rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RefusedRecipient:
    message_id: str
    recipient: str
    reason: str
    rules: tuple[str, ...] = ()


@dataclass(slots=True)
class DeliveryReport:
    transport: str  # where mail went: "smtp://user@host:587 (starttls)" or "maildir PATH"
    queued: int = 0  # emails written to the outbox this cycle
    alerts: int = 0  # alerts those emails carry as new items
    sent: list[SentEmail] = field(default_factory=list)
    failed: list[FailedEmail] = field(default_factory=list)  # retried later
    refused: list[RefusedRecipient] = field(default_factory=list)  # refused for good, not retried
    held: dict[str, str] = field(default_factory=dict)  # rule -> why its pending alerts wait

    @property
    def ok(self) -> bool:
        return not self.failed and not self.refused

    def lines(self) -> list[str]:
        """A short human summary, one fact per line."""
        lines = [f"{len(self.sent)} email(s) sent via {self.transport}, {self.queued} new in the outbox"]
        lines += [f"refused: {refused.recipient}: {refused.reason}" for refused in self.refused]
        lines += [
            f"failed: {failed.recipient} (attempt {failed.attempts},"
            f" next at {failed.next_attempt_at:%Y-%m-%d %H:%M} UTC): {failed.error}"
            for failed in self.failed
        ]
        lines += [f"held: rule {rule}: {why}" for rule, why in sorted(self.held.items())]
        return lines


def next_slot(rule: WatchRule, matched_at: datetime) -> datetime:
    """When an alert of `rule` matched at `matched_at` is due: at once for an instant rule, the next
    top of the hour for an hourly digest, the next `digest_hour`:00 in the rule's time zone for a
    daily one (a slot exactly at `matched_at` counts)."""
    matched_at = matched_at.astimezone(UTC)
    if rule.mode == Mode.INSTANT:
        return matched_at
    if rule.mode == Mode.HOURLY:
        top = matched_at.replace(minute=0, second=0, microsecond=0)
        return top if top == matched_at else top + timedelta(hours=1)
    zone = ZoneInfo(rule.timezone)
    local = matched_at.astimezone(zone)
    day = local.date()
    while True:
        slot = datetime(day.year, day.month, day.day, rule.digest_hour, tzinfo=zone).astimezone(UTC)
        if slot >= matched_at:
            return slot
        day += timedelta(days=1)


def deliver_due(
    engine: Engine,
    rules: Mapping[str, WatchRule],
    mail: MailSettings,
    now: datetime | None = None,
    *,
    modes: Collection[Mode] | None = None,
) -> DeliveryReport:
    """Queue the alerts due at `now` (of the given modes only, if any) and send every due email in the
    outbox, including earlier failures. `newswatch alerts send` runs it for all modes; the crawl's end
    may run it with `modes={Mode.INSTANT}`."""
    now = now or datetime.now(UTC)
    report = DeliveryReport(transport=mail.describe())
    with session_scope(engine) as session:
        queue_due(Alerts(session), rules, mail, now, report, modes=modes)
    send_outbox(engine, mail, now, report)
    return report


def queue_due(
    alerts: Alerts,
    rules: Mapping[str, WatchRule],
    mail: MailSettings,
    now: datetime,
    report: DeliveryReport,
    *,
    modes: Collection[Mode] | None = None,
) -> None:
    """Render the due alerts into emails in the outbox (inside the caller's transaction)."""
    ready: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts.due(now):
        rule = rules.get(alert.rule)
        if rule is None:
            report.held[alert.rule] = "not in the watch config: its alerts wait until it is back"
        elif not rule.recipients:
            report.held[alert.rule] = "no recipients"
        elif (modes is None or rule.mode in modes) and next_slot(rule, alert.matched_at) <= now:
            ready[rule.name].append(alert)
    if not ready:
        return
    updates = {name: alerts.updates_since(name, {alert.story_id for alert in due}) for name, due in ready.items()}
    articles = alerts.articles(
        [alert.article_id for due in ready.values() for alert in due]
        + [alert.article_id for found in updates.values() for alert, _ in found]
    )
    outlets = alerts.story_outlets_many(alert.story_id for due in ready.values() for alert in due)
    sections: dict[str, tuple[Section, list[tuple[int, bool, int]]]] = {}
    for name, due in ready.items():
        rule = rules[name]
        items = [_item(articles[alert.article_id], alert, outlets.get(alert.story_id, 1)) for alert in due]
        news = [(alert.id, False, outlets.get(alert.story_id, 1)) for alert in due]
        ups = [(alert.id, True, count) for alert, count in updates[name]]
        section = Section(
            rule.name, items, [_update(articles[alert.article_id], count) for alert, count in updates[name]]
        )
        sections[name] = (section, news + ups)
        report.alerts += len(due)

    # Instant rules: an email per rule and recipient. Digests: an email per recipient, a section per rule.
    emails: list[tuple[str, list[str], str | None]] = []
    digests: dict[str, list[str]] = defaultdict(list)
    for name in sorted(sections):
        rule = rules[name]
        for recipient in dict.fromkeys(rule.recipients):
            if rule.mode == Mode.INSTANT:
                emails.append((recipient, [name], None))
            else:
                digests[recipient].append(name)
    for recipient, names in digests.items():
        kinds = {rules[name].mode.value for name in names}
        emails.append((recipient, names, kinds.pop() if len(kinds) == 1 else "alert"))

    for recipient, names, digest in emails:
        carried = [item for name in names for item in sections[name][1]]
        message_id = new_message_id([alert_id for alert_id, _, _ in carried], mail.domain)
        message = render_email(
            [sections[name][0] for name in names],
            recipient=recipient,
            sender=mail.from_address,
            message_id=message_id,
            date=now,
            domain=mail.domain,
            digest=digest,
        )
        alerts.queue_email(
            recipient, names, str(message["Subject"]), message_id, message.as_bytes(policy=SMTP_POLICY), carried, now
        )
        report.queued += 1


def send_outbox(engine: Engine, mail: MailSettings, now: datetime, report: DeliveryReport) -> None:
    """Claim the due emails (committed before sending), send them on one connection, mark each."""
    with session_scope(engine) as session:
        claimed = [
            (email.id, email.recipient, email.message_id, email.raw, tuple(email.rules), email.subject, email.attempts)
            for email in claim_due(Alerts(session), now)
        ]
    if not claimed:
        return
    mailer = Mailer(mail)
    try:
        mailer.open()
    except DeliveryError as error:
        log.warning("cannot send %d email(s): %s", len(claimed), error.reason)
        with session_scope(engine) as session:
            for email_id, recipient, message_id, _, rules, _, attempts in claimed:
                next_at = Alerts(session).mark_failed(email_id, error.reason, now)
                report.failed.append(FailedEmail(message_id, recipient, error.reason, attempts, next_at, rules))
        return
    with mailer:
        for email_id, recipient, message_id, raw, rules, subject, attempts in claimed:
            try:
                mailer.send(raw, [recipient])
            except DeliveryError as error:
                with session_scope(engine) as session:
                    if error.permanent:
                        Alerts(session).mark_refused(email_id, error.reason, now)
                        report.refused.append(RefusedRecipient(message_id, recipient, error.reason, rules))
                    else:
                        next_at = Alerts(session).mark_failed(email_id, error.reason, now)
                        report.failed.append(FailedEmail(message_id, recipient, error.reason, attempts, next_at, rules))
                log.warning("email %s to %s not delivered: %s", message_id, recipient, error.reason)
                continue
            with session_scope(engine) as session:
                Alerts(session).mark_sent(email_id, now)
            report.sent.append(SentEmail(message_id, recipient, rules, subject))
            log.info("sent email %s (%s) to %s via %s", message_id, ", ".join(rules), recipient, mail.describe())


def _item(article: Article, alert: Alert, outlets: int) -> EmailItem:
    return EmailItem(
        title=article.title,
        url=article.canonical_url,
        outlet=article.source.title or article.source.name,
        published=_published(article),
        text=article.text,
        spans=[tuple(span) for span in alert.spans],
        terms=list(alert.matched_terms),
        outlets=outlets,
    )


def _published(article: Article) -> datetime | str:
    """A bare date as the page gave it (its midnight UTC would be made up), else the parsed time."""
    if article.published and len(article.published.strip()) <= 10:
        return article.published
    return article.published_at or article.published or article.first_seen


def _update(article: Article, outlets: int) -> EmailUpdate:
    return EmailUpdate(article.title, article.canonical_url, article.source.title or article.source.name, outlets)


def claim_due(alerts: Alerts, now: datetime) -> list:
    """Claim the due emails for this process, with those claimed by a process of this host that is
    gone (a crawl killed between claiming and sending): they are sent now, not when the lease ends."""
    here = socket.gethostname()
    orphaned = set()
    for claimer in alerts.claimers(now):
        host, _, pid = claimer.rpartition(":")
        if host == here and pid.isdigit() and not alive(int(pid)):
            orphaned.add(claimer)
    return alerts.claim_emails(now, claimer=f"{here}:{os.getpid()}", orphaned=orphaned)

