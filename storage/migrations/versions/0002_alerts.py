"""Alert outbox: alerts (one per rule and story), the emails that carry them, and which alerts each carries.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", KEY, nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("story_id", KEY, nullable=False),
        sa.Column("article_id", KEY, nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("matched_terms", JSON, nullable=False),
        sa.Column("spans", JSON, nullable=False),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_outlets_at_send", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_alerts_article_id_articles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["story_id"], ["articles.id"], name=op.f("fk_alerts_story_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("rule", "story_id", name=op.f("uq_alerts_rule_story_id")),
    )
    op.create_index(op.f("ix_alerts_article_id"), "alerts", ["article_id"])
    op.create_index(op.f("ix_alerts_story_id"), "alerts", ["story_id"])
    op.create_index("ix_alerts_status_matched_at", "alerts", ["status", "matched_at"])

    op.create_table(
        "alert_emails",
        sa.Column("id", KEY, nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("rules", JSON, nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_emails")),
        sa.UniqueConstraint("message_id", name=op.f("uq_alert_emails_message_id")),
    )
    op.create_index("ix_alert_emails_status_next_attempt_at", "alert_emails", ["status", "next_attempt_at"])

    op.create_table(
        "alert_email_items",
        sa.Column("email_id", KEY, nullable=False),
        sa.Column("alert_id", KEY, nullable=False),
        sa.Column("is_update", sa.Boolean(), nullable=False),
        sa.Column("outlets", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_email_items_alert_id_alerts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["email_id"],
            ["alert_emails.id"],
            name=op.f("fk_alert_email_items_email_id_alert_emails"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("email_id", "alert_id", name=op.f("pk_alert_email_items")),
    )
    op.create_index("ix_alert_email_items_alert_id", "alert_email_items", ["alert_id"])


def downgrade() -> None:
    op.drop_index("ix_alert_email_items_alert_id", table_name="alert_email_items")
    op.drop_table("alert_email_items")
    op.drop_index("ix_alert_emails_status_next_attempt_at", table_name="alert_emails")
    op.drop_table("alert_emails")
    op.drop_index("ix_alerts_status_matched_at", table_name="alerts")
    op.drop_index(op.f("ix_alerts_story_id"), table_name="alerts")
    op.drop_index(op.f("ix_alerts_article_id"), table_name="alerts")
    op.drop_table("alerts")
