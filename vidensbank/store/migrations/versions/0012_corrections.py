"""metadata_corrections and entity_corrections: curators' corrections, applied on top of what
the pipeline makes

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "metadata_corrections",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "document_id",
            sa.String(40),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("document_id", "field"),
    )
    op.create_index("ix_metadata_corrections_document_id", "metadata_corrections", ["document_id"])
    op.create_table(
        "entity_corrections",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "document_id",
            sa.String(40),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(20), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("new_label", sa.String(20), nullable=True),
        sa.Column("new_kb_id", sa.String(100), nullable=True),
        sa.Column("author", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("needs_review", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_index("ix_entity_corrections_document_id", "entity_corrections", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_entity_corrections_document_id", "entity_corrections")
    op.drop_table("entity_corrections")
    op.drop_index("ix_metadata_corrections_document_id", "metadata_corrections")
    op.drop_table("metadata_corrections")
