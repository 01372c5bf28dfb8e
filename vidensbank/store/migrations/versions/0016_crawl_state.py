"""Crawl state: what the crawler read at each address of a publisher's site, and each crawl's
figures beside its ingest run

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "crawl_addresses",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(50), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("etag", sa.String(500), nullable=True),
        sa.Column("last_modified", sa.String(100), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("document_id", sa.String(40), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.UniqueConstraint("source", "url"),
    )
    op.create_index("ix_crawl_addresses_document_id", "crawl_addresses", ["document_id"])
    op.create_table(
        "crawls",
        sa.Column("run_id", sa.String(32), sa.ForeignKey("ingest_runs.id"), primary_key=True),
        sa.Column("source", sa.String(50), nullable=False),
        sa.Column("base_url", sa.Text(), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "requests",
                "pages",
                "not_modified",
                "new",
                "changed",
                "unchanged",
                "moved",
                "gone",
                "restored",
                "refused",
            )
        ),
        sa.Column("seconds", sa.Float(), nullable=False),
    )
    op.create_index("ix_crawls_source", "crawls", ["source"])


def downgrade() -> None:
    op.drop_index("ix_crawls_source", "crawls")
    op.drop_table("crawls")
    op.drop_index("ix_crawl_addresses_document_id", "crawl_addresses")
    op.drop_table("crawl_addresses")
