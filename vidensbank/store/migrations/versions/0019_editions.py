"""Editions: text signatures, their bands, edition groups and curators' separations

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _document() -> sa.Column[str]:
    return sa.Column(
        "document_id",
        sa.String(40),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=True,
    )


def upgrade() -> None:
    op.create_table(
        "edition_signatures",
        _document(),
        sa.Column("version", sa.String(20), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "edition_bands",
        sa.Column("key", sa.BigInteger(), primary_key=True),
        _document(),
    )
    op.create_index("ix_edition_bands_document_id", "edition_bands", ["document_id"])
    op.create_table(
        "edition_members",
        _document(),
        sa.Column("group_id", sa.String(40), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_edition_members_group_id", "edition_members", ["group_id"])
    op.create_table(
        "edition_separations",
        _document(),
        sa.Column("separated_by", sa.String(320), nullable=False),
        sa.Column("separated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("edition_separations")
    op.drop_index("ix_edition_members_group_id", "edition_members")
    op.drop_table("edition_members")
    op.drop_index("ix_edition_bands_document_id", "edition_bands")
    op.drop_table("edition_bands")
    op.drop_table("edition_signatures")
