"""The delivery cycle: due alerts become emails and channel messages in the outbox, then the outbox is sent.

    report = deliver_due(engine, {rule.name: rule for rule in config.rules}, MailSettings.from_config(config.mail))

1. Queue (one transaction): the pending alerts whose time has come (instant: at once; hourly: the top
   of the hour after the match; daily: `digest_hour` in the rule's `timezone` after the match;
   weekly: `digest_day` at `digest_hour` there) are rendered into one message per recipient:
   instant alerts a message per rule, digests a message per recipient with a section per rule. A
   recipient is an email address or a channel URL (crawler.alerts.channels: Slack, Teams,
   Telegram, Matrix, ntfy, json://, webhook+https://…). Each message's body and Message-ID are
   stored with it: an email's bytes, a channel message's title and markdown (a webhook's JSON).
2. Send: the due messages are claimed (attempt counted, a lease set, committed) before anything is
   sent; each is marked sent as soon as the server or channel took it. A failed attempt is retried
   with back-off (1 min doubling to 1 h) and never dropped; a recipient refused for good (an SMTP
   5xx; a channel's HTTP 4xx other than 408 and 429) is marked refused and reported.

Nothing is lost: a message that is claimed and never marked (the process died) is sent again when its
lease ends. That is the one window for a duplicate, and the repeat carries the same Message-ID (a
webhook's `id` and Idempotency-Key).

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

from crawler.alerts import channels
from crawler.alerts.channels import ChannelError, Recipient, parse_recipient
from crawler.alerts.mail import SMTP_POLICY, DeliveryError, Mailer, MailSettings
from crawler.alerts.render import (
    EmailItem,
    EmailUpdate,
    Section,
    render_channel,
    render_email,
    webhook_document,
)
from crawler.alerts.rules import WEEKDAYS, Mode, WatchRule
from crawler.processes import alive
from storage.alert_models import Alert, AlertEmail, Channel
from storage.alerts import Alerts, new_message_id
from storage.db import session_scope
from storage.models import Article

log = logging.getLogger("newswatch.alerts")


@dataclass(frozen=True, slots=True)
class SentEmail:
    message_id: str
    recipient: str  # an address, or a channel redacted to scheme and host
    rules: tuple[str, ...]
    subject: str
    channel: str = Channel.EMAIL


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
        emails = sum(1 for sent in self.sent if sent.channel == Channel.EMAIL)
        others = len(self.sent) - emails
        also = f", {others} channel message(s) sent" if others else ""
        lines = [f"{emails} email(s) sent via {self.transport}{also}, {self.queued} new in the outbox"]
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
    daily one, the next `digest_day` at that hour for a weekly one (a slot exactly at `matched_at`
    counts). The hour is the local wall-clock hour whatever the UTC offset that day; an hour a
    DST change skips falls an hour later in local time (zoneinfo's fold=0), one it repeats counts once."""
    matched_at = matched_at.astimezone(UTC)
    if rule.mode == Mode.INSTANT:
        return matched_at
    if rule.mode == Mode.HOURLY:
        top = matched_at.replace(minute=0, second=0, microsecond=0)
        return top if top == matched_at else top + timedelta(hours=1)
    zone = ZoneInfo(rule.timezone)
    local = matched_at.astimezone(zone)
    day = local.date() - timedelta(days=1)  # a skipped hour's slot can land before local midnight
    weekday = WEEKDAYS.index(rule.digest_day) if rule.mode == Mode.WEEKLY else None
    while True:
        if weekday is None or day.weekday() == weekday:
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
    recipients: dict[str, list[Recipient]] = {}
    for alert in alerts.due(now):
        rule = rules.get(alert.rule)
        if rule is None:
            report.held[alert.rule] = "not in the watch config: its alerts wait until it is back"
        elif not rule.recipients:
            report.held[alert.rule] = "no recipients"
        elif (modes is None or rule.mode in modes) and next_slot(rule, alert.matched_at) <= now:
            if rule.name not in recipients:
                try:
                    recipients[rule.name] = list(dict.fromkeys(parse_recipient(r) for r in rule.recipients))
                except ChannelError as error:  # the watch file's check stops these: a rule made in code
                    report.held[rule.name] = f"recipient {error}: its alerts wait"
                    recipients[rule.name] = []
            if recipients[rule.name]:
                ready[rule.name].append(alert)
    if not ready:
        return
    updates = {name: alerts.updates_since(name, {alert.story_id for alert in due}) for name, due in ready.items()}
    articles = alerts.articles(
        [alert.article_id for due in ready.values() for alert in due]
        + [alert.article_id for found in updates.values() for alert, _ in found]
    )
    names = alerts.story_outlet_names_many(
        [alert.story_id for due in ready.values() for alert in due]
        + [alert.story_id for found in updates.values() for alert, _ in found]
    )
    sections: dict[str, tuple[Section, list[tuple[int, bool, int]]]] = {}
    for name, due in ready.items():
        rule = rules[name]
        items = [_item(articles[alert.article_id], alert, names.get(alert.story_id, [])) for alert in due]
        news = [(alert.id, False, item.outlets) for alert, item in zip(due, items, strict=True)]
        ups = [(alert.id, True, count) for alert, count in updates[name]]
        section = Section(
            rule.name,
            items,
            [
                _update(articles[alert.article_id], count, names.get(alert.story_id, []))
                for alert, count in updates[name]
            ],
        )
        sections[name] = (section, news + ups)
        report.alerts += len(due)

    # Instant rules: a message per rule and recipient. Digests: one per recipient, a section per rule.
    messages: list[tuple[Recipient, list[str], str | None]] = []
    digests: dict[Recipient, list[str]] = defaultdict(list)
    for name in sorted(sections):
        rule = rules[name]
        for recipient in recipients[name]:
            if rule.mode == Mode.INSTANT:
                messages.append((recipient, [name], None))
            else:
                digests[recipient].append(name)
    for recipient, digest_rules in digests.items():
        kinds = {rules[name].mode.value for name in digest_rules}
        messages.append((recipient, digest_rules, kinds.pop() if len(kinds) == 1 else "alert"))

    for recipient, message_rules, digest in messages:
        carried = [item for name in message_rules for item in sections[name][1]]
        message_id = new_message_id([alert_id for alert_id, _, _ in carried], mail.domain)
        chosen = [sections[name][0] for name in message_rules]
        if recipient.channel == Channel.EMAIL:
            message = render_email(
                chosen,
                recipient=recipient.target,
                sender=mail.from_address,
                message_id=message_id,
                date=now,
                domain=mail.domain,
                digest=digest,
            )
            raw = message.as_bytes(policy=SMTP_POLICY)
            alerts.queue_email(recipient.target, message_rules, str(message["Subject"]), message_id, raw, carried, now)
        else:
            text = render_channel(chosen, digest)
            webhook = recipient.channel == Channel.WEBHOOK
            body = webhook_document(chosen, text, message_id, digest) if webhook else text.markdown.encode("utf-8")
            alerts.queue_email(
                recipient.display,
                message_rules,
                text.title,
                message_id,
                body,
                carried,
                now,
                channel=recipient.channel,
                target=recipient.target,
                title=text.title,
                body_format="json" if webhook else "markdown",
            )
        report.queued += 1


@dataclass(frozen=True, slots=True)
class _Claimed:
    """An outbox row as claimed, read before the claiming transaction ends."""

    id: int
    channel: str
    recipient: str  # an address, or the channel's redacted name
    target: str | None
    message_id: str
    raw: bytes
    rules: tuple[str, ...]
    subject: str
    title: str | None
    attempts: int

    @classmethod
    def of(cls, row: AlertEmail) -> _Claimed:
        return cls(
            row.id,
            row.channel or Channel.EMAIL,
            row.recipient,
            row.target,
            row.message_id,
            row.raw,
            tuple(row.rules),
            row.subject,
            row.title,
            row.attempts,
        )


def send_outbox(engine: Engine, mail: MailSettings, now: datetime, report: DeliveryReport) -> None:
    """Claim the due messages (committed before sending), send the emails on one connection and each
    channel message on its own, and mark each."""
    with session_scope(engine) as session:
        claimed = [_Claimed.of(row) for row in claim_due(Alerts(session), now)]
    emails = [row for row in claimed if row.channel == Channel.EMAIL]
    if emails:
        _send_emails(engine, mail, now, report, emails)
    for row in claimed:
        if row.channel != Channel.EMAIL:
            _send_channel(engine, now, report, row)


def _send_emails(
    engine: Engine, mail: MailSettings, now: datetime, report: DeliveryReport, claimed: list[_Claimed]
) -> None:
    mailer = Mailer(mail)
    try:
        mailer.open()
    except DeliveryError as error:
        log.warning("cannot send %d email(s): %s", len(claimed), error.reason)
        with session_scope(engine) as session:
            for row in claimed:
                _retry_later(Alerts(session), now, report, row, error.reason)
        return
    with mailer:
        for row in claimed:
            try:
                mailer.send(row.raw, [row.recipient])
            except DeliveryError as error:
                _failed(engine, now, report, row, error)
                log.warning("email %s to %s not delivered: %s", row.message_id, row.recipient, error.reason)
                continue
            with session_scope(engine) as session:
                Alerts(session).mark_sent(row.id, now)
            report.sent.append(SentEmail(row.message_id, row.recipient, row.rules, row.subject))
            log.info(
                "sent email %s (%s) to %s via %s", row.message_id, ", ".join(row.rules), row.recipient, mail.describe()
            )


def _send_channel(engine: Engine, now: datetime, report: DeliveryReport, row: _Claimed) -> None:
    recipient = Recipient(row.channel, row.target or "")
    try:
        channels.send(recipient, row.title or row.subject, row.raw, message_id=row.message_id, environ=os.environ)
    except DeliveryError as error:
        _failed(engine, now, report, row, error)
        log.warning("message %s to %s not delivered: %s", row.message_id, row.recipient, error.reason)
        return
    with session_scope(engine) as session:
        Alerts(session).mark_sent(row.id, now)
    report.sent.append(SentEmail(row.message_id, row.recipient, row.rules, row.subject, row.channel))
    log.info("sent %s message %s (%s) to %s", row.channel, row.message_id, ", ".join(row.rules), row.recipient)


def _failed(engine: Engine, now: datetime, report: DeliveryReport, row: _Claimed, error: DeliveryError) -> None:
    """Mark one attempt: refused for good when `error` is permanent, else retried with back-off."""
    with session_scope(engine) as session:
        if error.permanent:
            Alerts(session).mark_refused(row.id, error.reason, now)
            report.refused.append(RefusedRecipient(row.message_id, row.recipient, error.reason, row.rules))
        else:
            _retry_later(Alerts(session), now, report, row, error.reason)


def _retry_later(alerts: Alerts, now: datetime, report: DeliveryReport, row: _Claimed, reason: str) -> None:
    """Mark a failed attempt for a retry after its back-off, and report it."""
    next_at = alerts.mark_failed(row.id, reason, now)
    report.failed.append(FailedEmail(row.message_id, row.recipient, reason, row.attempts, next_at, row.rules))


def _item(article: Article, alert: Alert, reported_by: list[str]) -> EmailItem:
    return EmailItem(
        title=article.title,
        url=article.canonical_url,
        outlet=article.source.title or article.source.name,
        published=_published(article),
        text=article.text,
        spans=[tuple(span) for span in alert.spans],
        terms=list(alert.matched_terms),
        outlets=max(len(reported_by), 1),
        reported_by=tuple(reported_by),
        language=article.language,
        paywalled=bool(article.paywalled),
    )


def _published(article: Article) -> datetime | str:
    """A bare date as the page gave it (its midnight UTC would be made up), else the parsed time."""
    if article.published and len(article.published.strip()) <= 10:
        return article.published
    return article.published_at or article.published or article.first_seen


def _update(article: Article, outlets: int, reported_by: list[str]) -> EmailUpdate:
    return EmailUpdate(
        article.title, article.canonical_url, article.source.title or article.source.name, outlets, tuple(reported_by)
    )


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
