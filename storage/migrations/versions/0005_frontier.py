"""The durable frontier: every discovered article URL until it is settled; listing validators that
wait for their articles; a durable "to match" mark per article version; which process runs a crawl.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BIGINT_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "frontier",
        sa.Column("id", BIGINT_KEY, nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("listing_url", sa.Text(), nullable=True),
        sa.Column("hints", JSON, nullable=False),
        sa.Column("listed_version", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_kind", sa.String(length=64), nullable=True),
        sa.Column("last_reason", sa.Text(), nullable=True),
        sa.Column("article_id", BIGINT_KEY, nullable=True),
        sa.Column("discovered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_frontier_article_id_articles"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frontier")),
        sa.UniqueConstraint("url", name=op.f("uq_frontier_url")),
    )
    op.create_index("ix_frontier_source_state_next_try_at", "frontier", ["source", "state", "next_try_at"])
    op.create_index("ix_frontier_listing_url_state", "frontier", ["listing_url", "state"])

    with op.batch_alter_table("feed_state") as batch:
        batch.add_column(sa.Column("pending_etag", sa.Text(), nullable=True))
        batch.add_column(sa.Column("pending_last_modified", sa.Text(), nullable=True))
        batch.add_column(sa.Column("has_pending", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("children", JSON, nullable=False, server_default="[]"))
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))
    # Articles stored before this revision were matched by the crawl that stored them.
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("needs_match", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_articles_needs_match", "articles", ["needs_match"])

    # Stored articles are settled frontier entries. Their listing dates were kept in feed_state under
    # the article's own URL; they move to the frontier, and those rows leave feed_state.
    op.execute(
        """
        INSERT INTO frontier (url, source, hints, listed_version, state, attempts, next_try_at,
                              article_id, discovered_at, settled_at)
        SELECT a.url, s.name, '{}', f.last_modified, 'stored', 0, a.first_seen, a.id, a.first_seen, a.last_seen
        FROM articles a JOIN sources s ON s.id = a.source_id LEFT JOIN feed_state f ON f.url = a.url
        """
    )
    op.execute("DELETE FROM feed_state WHERE url IN (SELECT url FROM frontier)")


def downgrade() -> None:
    op.drop_index("ix_articles_needs_match", table_name="articles")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("needs_match")
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("pid")
        batch.drop_column("host")
    with op.batch_alter_table("feed_state") as batch:
        batch.drop_column("children")
        batch.drop_column("has_pending")
        batch.drop_column("pending_last_modified")
        batch.drop_column("pending_etag")
    op.drop_index("ix_frontier_listing_url_state", table_name="frontier")
    op.drop_index("ix_frontier_source_state_next_try_at", table_name="frontier")
    op.drop_table("frontier")
