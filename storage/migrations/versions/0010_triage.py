"""Triage: an analyst's star, verdict and note per article and watch rule (storage/triage_models.py).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "triage",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("article_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("starred", sa.Boolean(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_triage_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage")),
        sa.UniqueConstraint("article_id", "rule", name=op.f("uq_triage_article_id_rule")),
    )
    op.create_index(op.f("ix_triage_article_id"), "triage", ["article_id"])
    op.create_index(op.f("ix_triage_rule"), "triage", ["rule"])


def downgrade() -> None:
    op.drop_table("triage")
