"""The alert outbox: one alert per (rule, story), and the emails that carry alerts to their recipients.

An alert is recorded when a stored article matches a rule. When it is due, delivery writes one
`AlertEmail` per recipient (its rendered bytes and Message-ID fixed at that moment), linked to the
alerts it carries; only then is anything sent. A retry resends the same bytes, so a mail system
sees a repeat after a crash as the same message.

A recipient may be a channel other than email (Slack, ntfy, a webhook…: crawler.alerts.channels).
Its row is an `AlertEmail` too, with the same claim, lease and back-off: `channel` says which,
`target` keeps the channel URL as written (secrets as unresolved `${VAR}`s), `recipient` only its
redacted form (scheme and host), and `raw` the message body as sent (markdown, or the webhook's JSON).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base
from storage.types import BigIntKey, Json, utcnow


class AlertStatus:
    PENDING = "pending"  # recorded, waiting for its rule's slot (instant: the next delivery cycle)
    QUEUED = "queued"  # written into emails; some are not delivered yet
    SENT = "sent"  # every email carrying it was delivered (or permanently refused: see AlertEmail)


class EmailStatus:
    PENDING = "pending"  # to send at next_attempt_at (a claimed email's next_attempt_at is its lease end)
    SENT = "sent"
    REFUSED = "refused"  # the server refused the recipient permanently (5xx): not retried, reported


class Alert(Base):
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    rule: Mapped[str] = mapped_column(String(200))
    story_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    # The copy that matched (the story's first copy, or a later one at another outlet).
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(String(16))  # the rule's mode when matched; delivery follows the rule's own
    matched_terms: Mapped[list[str]] = mapped_column(default=list)
    spans: Mapped[list[Any]] = mapped_column(Json, default=list)  # [[field, start, end, matched text], …]
    matched_at: Mapped[datetime] = mapped_column(default=utcnow)  # an instant alert is due from then
    status: Mapped[str] = mapped_column(String(16), default=AlertStatus.PENDING)
    sent_at: Mapped[datetime | None]
    reported_outlets_at_send: Mapped[int | None]  # outlets carrying the story when last emailed

    __table_args__ = (
        UniqueConstraint("rule", "story_id"),  # each (rule, story) alerts at most once, ever
        Index("ix_alerts_status_matched_at", "status", "matched_at"),
    )


class Channel:
    EMAIL = "email"  # through [mail]: SMTP or the Maildir
    APPRISE = "apprise"  # an apprise URL: slack://, msteams://, tgram://, matrix://, ntfy://, json://, …
    WEBHOOK = "webhook"  # webhook+https://: newswatch's own JSON POST with the items as data


class AlertEmail(Base):
    """An outbox row: one message to one recipient, an email or a channel message."""

    __tablename__ = "alert_emails"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    recipient: Mapped[str] = mapped_column(Text)  # an address, or a channel URL redacted to scheme and host
    rules: Mapped[list[str]] = mapped_column(default=list)
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)  # the message as sent: an email with CRLF line ends
    status: Mapped[str] = mapped_column(String(16), default=EmailStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_attempt_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    # "host:pid" of the process that claimed it for the attempt under way; its lease is void once
    # that process is gone (a crawl killed mid-send), so the email need not wait for the lease's end.
    claimed_by: Mapped[str | None] = mapped_column(String(300))
    channel: Mapped[str] = mapped_column(String(16), default=Channel.EMAIL, server_default=text("'email'"))
    target: Mapped[str | None] = mapped_column(Text)  # a channel's URL as written, `${VAR}`s unresolved
    title: Mapped[str | None] = mapped_column(Text)  # a channel message's title (an email has its Subject)
    body_format: Mapped[str | None] = mapped_column(String(16))  # a channel message's `raw`: markdown | json

    __table_args__ = (Index("ix_alert_emails_status_next_attempt_at", "status", "next_attempt_at"),)


class AlertEmailItem(Base):
    """An alert carried by an email: as a new item, or as an update ("now reported by N outlets")."""

    __tablename__ = "alert_email_items"

    email_id: Mapped[int] = mapped_column(ForeignKey("alert_emails.id", ondelete="CASCADE"), primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True)
    is_update: Mapped[bool] = mapped_column(default=False)
    outlets: Mapped[int] = mapped_column(default=1)

    __table_args__ = (Index("ix_alert_email_items_alert_id", "alert_id"),)
