"""Outbox rows for channels beyond email (crawler.alerts.channels): which channel a row goes by, the
channel URL as the watch file wrote it (its `${VAR}` secrets unresolved), and the title and body
format of a channel message (its body is stored in `raw`, like an email's bytes). Rows stored before
are emails: channel 'email', the new columns NULL.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert_emails") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=16), nullable=False, server_default="email"))
        batch.add_column(sa.Column("target", sa.Text(), nullable=True))
        batch.add_column(sa.Column("title", sa.Text(), nullable=True))
        batch.add_column(sa.Column("body_format", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alert_emails") as batch:
        batch.drop_column("body_format")
        batch.drop_column("title")
        batch.drop_column("target")
        batch.drop_column("channel")
