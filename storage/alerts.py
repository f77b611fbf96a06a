"""Alerts: the outbox of watch-rule matches. Recorded once per (rule, story), then carried by emails.

    alerts = Alerts(session)
    alerts.record_match("iran-drones", article_id, "instant", ["shahed"], now)   # True once per story
    ...  # crawler.alerts.delivery turns due alerts into emails, sends them and marks them

Never commits: the caller owns the transaction (storage.db.session_scope).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session

from storage.alert_models import Alert, AlertEmail, AlertEmailItem, AlertStatus, Channel, EmailStatus
from storage.chunks import in_chunks
from storage.models import Article, Source
from storage.upsert import insert_for

FIRST_RETRY = timedelta(minutes=1)  # after a failed attempt; doubles per attempt …
LAST_RETRY = timedelta(hours=1)  # … up to this
SEND_LEASE = timedelta(minutes=10)  # a claimed email is retried after this if its sender died mid-send

Span = tuple[str, int, int, str]  # (field, start, end, the matched text as it stood then)


def retry_delay(attempts: int) -> timedelta:
    """The back-off after the `attempts`-th failed attempt: 1 min, 2, 4, … capped at 1 h."""
    doublings = min(max(attempts - 1, 0), 20)  # an email failing for days must not overflow timedelta
    return min(FIRST_RETRY * 2**doublings, LAST_RETRY)


def new_message_id(alert_ids: Sequence[int], domain: str) -> str:
    """A Message-ID for a new email: the first alert's id, and a random part so that two databases
    mailing one person never collide. Stored with the email, so a resend carries the same one."""
    return f"<newswatch.{min(alert_ids, default=0)}.{uuid.uuid4().hex[:16]}@{domain}>"


@dataclass(frozen=True, slots=True)
class AlertState:
    """An alert with its delivery state, as `newswatch alerts` lists it."""

    id: int
    rule: str
    story_id: int
    article_id: int
    title: str | None
    outlet: str
    url: str
    mode: str
    status: str  # pending | queued | sent (AlertStatus)
    matched_at: datetime
    sent_at: datetime | None
    attempts: int  # of the most tried email carrying it
    last_error: str | None
    next_attempt_at: datetime | None  # of its next undelivered email, if any
    recipients: tuple[tuple[str, str], ...]  # (address, email status) of every email carrying it
    message_ids: tuple[str, ...]


class Alerts:
    """The alert outbox of one session. Never commits: the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- matches -------------------------------------------------------------------------------

    def record_match(
        self,
        rule: str,
        article_id: int,
        mode: str,
        matched_terms: list[str],
        due_at: datetime,
        *,
        spans: Iterable[object] = (),
    ) -> bool:
        """Record that `article_id` matched `rule` at `due_at` (an instant alert is due from then;
        delivery puts digest alerts in their rule's next slot after it). The alert belongs to the
        article's story (its `duplicate_of`, else itself): a second match of the same story under the
        same rule, from a re-crawl, an update or a copy at another outlet, records nothing.

        `spans` are the matcher's (field, start, end) into the article's title or text, kept with the
        matched text so that highlights survive a later edit of the article. Returns whether the
        alert is new."""
        story_id = self.story_of(article_id)
        kept = self._spans(article_id, spans)
        stmt = insert_for(self.session, Alert).values(
            rule=rule,
            story_id=story_id,
            article_id=article_id,
            mode=str(mode),
            matched_terms=list(matched_terms),
            spans=kept,
            matched_at=due_at,
            status=AlertStatus.PENDING,
        )
        new_id = self.session.execute(
            stmt.on_conflict_do_nothing(index_elements=["rule", "story_id"]).returning(Alert.id)
        ).scalar_one_or_none()
        return new_id is not None

    def _spans(self, article_id: int, spans: Iterable[object]) -> list[list[object]]:
        """[field, start, end, matched text] per span; the text read from the article as it is now."""
        given = [_span_parts(span) for span in spans]
        if not given:
            return []
        row = self.session.execute(select(Article.title, Article.text).where(Article.id == article_id)).one_or_none()
        fields = {"title": (row.title or "") if row else "", "text": row.text if row else ""}
        kept: list[list[object]] = []
        for field, start, end, text in given:
            text = text if text is not None else fields.get(field, "")[start:end]
            if text and 0 <= start < end:
                kept.append([field, start, end, text])
        return kept

    def story_of(self, article_id: int) -> int:
        duplicate_of = self.session.execute(
            select(Article.duplicate_of).where(Article.id == article_id)
        ).scalar_one_or_none()
        return duplicate_of or article_id

    def story_outlets(self, story_id: int) -> int:
        """How many outlets carry the story: distinct sources of the story and of its copies."""
        return self.story_outlets_many([story_id]).get(story_id, 0)

    def story_outlet_names_many(self, story_ids: Iterable[int]) -> dict[int, list[str]]:
        """The outlets carrying each story (its sources' titles, else names), in the order they first
        carried it: "reported by 3 outlets: Reuters, Tehran Times, Iran International"."""
        story = func.coalesce(Article.duplicate_of, Article.id)
        names: dict[int, list[str]] = {}
        for chunk in in_chunks(sorted(set(story_ids))):
            rows = self.session.execute(
                select(
                    story, func.coalesce(Source.title, Source.name), func.min(Article.first_seen), func.min(Article.id)
                )
                .join(Source, Source.id == Article.source_id)
                .where((Article.id.in_(chunk)) | (Article.duplicate_of.in_(chunk)))
                .group_by(story, Source.id, Source.title, Source.name)
                .order_by(story, func.min(Article.first_seen), func.min(Article.id))
            )
            for story_id, name, _, _ in rows:
                names.setdefault(story_id, []).append(name)
        return names

    def story_outlets_many(self, story_ids: Iterable[int]) -> dict[int, int]:
        story = func.coalesce(Article.duplicate_of, Article.id)
        counts: dict[int, int] = {}
        for chunk in in_chunks(sorted(set(story_ids))):
            rows = self.session.execute(
                select(story, func.count(func.distinct(Article.source_id)))
                .where((Article.id.in_(chunk)) | (Article.duplicate_of.in_(chunk)))
                .group_by(story)
            )
            counts.update({row[0]: row[1] for row in rows})
        return counts

    # --- what is due ---------------------------------------------------------------------------

    def due(self, now: datetime, mode: str | None = None) -> list[Alert]:
        """Pending alerts matched at or before `now` (of one recorded mode, if given), oldest first.

        Locked for this transaction on PostgreSQL (SKIP LOCKED: a concurrent delivery takes the others),
        so two delivery cycles never write one alert into two emails. Digest alerts are due only in
        their rule's slot: crawler.alerts.delivery decides that."""
        query = (
            select(Alert)
            .where(Alert.status == AlertStatus.PENDING, Alert.matched_at <= now)
            .order_by(Alert.matched_at, Alert.id)
            .with_for_update(skip_locked=True)
        )
        if mode is not None:
            query = query.where(Alert.mode == str(mode))
        return list(self.session.scalars(query))

    def updates_since(self, rule: str, story_ids_excluded: Iterable[int] = ()) -> list[tuple[Alert, int]]:
        """Alerts of `rule` already emailed whose story is now carried by more outlets than when it was:
        (alert, outlets now), for a "now reported by N outlets" line in the rule's next email."""
        excluded = set(story_ids_excluded)
        emailed = list(
            self.session.scalars(
                select(Alert)
                .where(Alert.rule == rule, Alert.status != AlertStatus.PENDING)
                .order_by(Alert.matched_at, Alert.id)
            )
        )
        counts = self.story_outlets_many(alert.story_id for alert in emailed)
        return [
            (alert, counts.get(alert.story_id, 0))
            for alert in emailed
            if alert.story_id not in excluded and counts.get(alert.story_id, 0) > (alert.reported_outlets_at_send or 1)
        ]

    def articles(self, article_ids: Iterable[int]) -> dict[int, Article]:
        """The articles (with their source loaded) by id, for rendering."""
        found: dict[int, Article] = {}
        for chunk in in_chunks(sorted(set(article_ids))):
            found.update(
                (article.id, article) for article in self.session.scalars(select(Article).where(Article.id.in_(chunk)))
            )
        return found

    # --- emails --------------------------------------------------------------------------------

    def queue_email(
        self,
        recipient: str,
        rules: Sequence[str],
        subject: str,
        message_id: str,
        raw: bytes,
        items: Iterable[tuple[int, bool, int]],
        now: datetime,
        *,
        channel: str = Channel.EMAIL,
        target: str | None = None,
        title: str | None = None,
        body_format: str | None = None,
    ) -> int:
        """Put a rendered email in the outbox, with the alerts it carries as (alert_id, is_update,
        outlets). Its alerts become queued and remember the outlet count they were reported with.
        An email may carry no alert: the operator's crawl-health notice (rules ["health:<source>"]).

        A channel message (`channel` not email) is queued the same way: `recipient` is the channel's
        redacted name, `target` its URL as written, `raw` its body, `title` and `body_format` beside it."""
        email = AlertEmail(
            recipient=recipient,
            channel=channel,
            target=target,
            title=title,
            body_format=body_format,
            rules=list(rules),
            subject=subject,
            message_id=message_id,
            raw=raw,
            status=EmailStatus.PENDING,
            created_at=now,
            next_attempt_at=now,
        )
        self.session.add(email)
        self.session.flush()
        for alert_id, is_update, outlets in items:
            self.session.add(AlertEmailItem(email_id=email.id, alert_id=alert_id, is_update=is_update, outlets=outlets))
            alert = self.session.get(Alert, alert_id)
            assert alert is not None, f"alert {alert_id} is not stored"
            alert.reported_outlets_at_send = max(alert.reported_outlets_at_send or 0, outlets)
            if alert.status == AlertStatus.PENDING:
                alert.status = AlertStatus.QUEUED
        self.session.flush()
        return email.id

    def claim_emails(
        self,
        now: datetime,
        lease: timedelta = SEND_LEASE,
        *,
        claimer: str | None = None,
        orphaned: Collection[str] = (),
    ) -> list[AlertEmail]:
        """Take the emails due for an attempt: each one's attempt is counted and its next attempt moved
        to the end of the lease before anything is sent. Commit this before sending: a sender that dies
        mid-send leaves its emails to be retried when the lease ends (at once, when the caller knows
        the claimer is gone: `orphaned`); a concurrent sender skips them."""
        due = AlertEmail.next_attempt_at <= now
        if orphaned:
            due = or_(due, AlertEmail.claimed_by.in_(list(orphaned)))
        ids = list(
            self.session.scalars(
                update(AlertEmail)
                .where(AlertEmail.status == EmailStatus.PENDING, due)
                .values(
                    attempts=AlertEmail.attempts + 1,
                    last_attempt_at=now,
                    next_attempt_at=now + lease,
                    claimed_by=claimer,
                )
                .returning(AlertEmail.id)
            )
        )
        self.session.expire_all()
        if not ids:
            return []
        return list(self.session.scalars(select(AlertEmail).where(AlertEmail.id.in_(ids)).order_by(AlertEmail.id)))

    def claimers(self, now: datetime) -> set[str]:
        """Who holds a lease on a pending email now ("host:pid" each)."""
        query = select(AlertEmail.claimed_by).where(
            AlertEmail.status == EmailStatus.PENDING,
            AlertEmail.next_attempt_at > now,
            AlertEmail.claimed_by.is_not(None),
        )
        return set(self.session.scalars(query.distinct()))

    def mark_sent(self, email_id: int, at: datetime) -> None:
        """The email was delivered; its alerts are sent once no other email carrying them is pending."""
        self._finish(email_id, EmailStatus.SENT, None, at)

    def mark_refused(self, email_id: int, error: str, at: datetime) -> None:
        """The server refused the recipient for good (5xx): kept with the reason, not retried."""
        self._finish(email_id, EmailStatus.REFUSED, error, at)

    def mark_failed(self, email_id: int, error: str, now: datetime) -> datetime:
        """The attempt failed: retry with back-off (1 min doubling to 1 h). Returns the next attempt time."""
        attempts = self.session.execute(select(AlertEmail.attempts).where(AlertEmail.id == email_id)).scalar_one()
        next_at = now + retry_delay(attempts)
        self.session.execute(
            update(AlertEmail)
            .where(AlertEmail.id == email_id)
            .values(last_error=error[:2000], next_attempt_at=next_at, claimed_by=None)
        )
        self.session.expire_all()
        return next_at

    def pending_emails(self) -> list[AlertEmail]:
        return list(
            self.session.scalars(
                select(AlertEmail).where(AlertEmail.status == EmailStatus.PENDING).order_by(AlertEmail.id)
            )
        )

    def _finish(self, email_id: int, status: str, error: str | None, at: datetime) -> None:
        values: dict[str, object] = {"status": status, "last_error": error}
        if status == EmailStatus.SENT:
            values["sent_at"] = at
        self.session.execute(update(AlertEmail).where(AlertEmail.id == email_id).values(**values))
        carried = select(AlertEmailItem.alert_id).where(AlertEmailItem.email_id == email_id)
        still_pending = exists().where(
            AlertEmailItem.alert_id == Alert.id,
            AlertEmailItem.email_id == AlertEmail.id,
            AlertEmail.status == EmailStatus.PENDING,
        )
        self.session.execute(
            update(Alert)
            .where(Alert.id.in_(carried), Alert.status == AlertStatus.QUEUED, ~still_pending)
            .values(status=AlertStatus.SENT, sent_at=at)
        )
        self.session.expire_all()

    # --- listing -------------------------------------------------------------------------------

    def recent(self, limit: int = 50) -> list[AlertState]:
        """The latest alerts, newest first, with the state of the emails carrying them."""
        rows = self.session.execute(
            select(Alert, Article.title, Article.canonical_url, Source.name, Source.title)
            .join(Article, Article.id == Alert.article_id)
            .join(Source, Source.id == Article.source_id)
            .order_by(Alert.matched_at.desc(), Alert.id.desc())
            .limit(limit)
        ).all()
        emails: dict[int, list[AlertEmail]] = {}
        for chunk in in_chunks([row[0].id for row in rows]):
            for alert_id, email in self.session.execute(
                select(AlertEmailItem.alert_id, AlertEmail)
                .join(AlertEmail, and_(AlertEmail.id == AlertEmailItem.email_id, AlertEmailItem.is_update.is_(False)))
                .where(AlertEmailItem.alert_id.in_(chunk))
                .order_by(AlertEmail.id)
            ):
                emails.setdefault(alert_id, []).append(email)
        states = []
        for alert, title, url, source_name, source_title in rows:
            mine = emails.get(alert.id, [])
            pending = [email for email in mine if email.status == EmailStatus.PENDING]
            errors = [email.last_error for email in mine if email.last_error]
            states.append(
                AlertState(
                    id=alert.id,
                    rule=alert.rule,
                    story_id=alert.story_id,
                    article_id=alert.article_id,
                    title=title,
                    outlet=source_title or source_name,
                    url=url,
                    mode=alert.mode,
                    status=alert.status,
                    matched_at=alert.matched_at,
                    sent_at=alert.sent_at,
                    attempts=max((email.attempts for email in mine), default=0),
                    last_error=errors[-1] if errors else None,
                    next_attempt_at=min((email.next_attempt_at for email in pending), default=None),
                    recipients=tuple((email.recipient, email.status) for email in mine),
                    message_ids=tuple(email.message_id for email in mine),
                )
            )
        return states


def _span_parts(span: object) -> tuple[str, int, int, str | None]:
    """A matcher span as (field, start, end, text or None): an object with those attributes, or a tuple."""
    if hasattr(span, "start") and hasattr(span, "end"):
        return str(getattr(span, "field", "text")), int(span.start), int(span.end), getattr(span, "text", None)
    parts = list(span)  # type: ignore[call-overload]
    return str(parts[0]), int(parts[1]), int(parts[2]), (str(parts[3]) if len(parts) > 3 else None)
