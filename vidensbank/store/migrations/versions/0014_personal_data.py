"""Personal data guard: findings, curators' decisions, and documents screened or held back

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("screening_version", sa.String(40), nullable=True))
    op.add_column("documents", sa.Column("held_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "personal_data_findings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "document_id",
            sa.String(40),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("holds", sa.Boolean(), nullable=False),
    )
    op.create_index(
        "ix_personal_data_findings_document_id", "personal_data_findings", ["document_id"]
    )
    op.create_table(
        "personal_data_decisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "document_id",
            sa.String(40),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("author", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("document_id", "key"),
    )
    op.create_index(
        "ix_personal_data_decisions_document_id", "personal_data_decisions", ["document_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_personal_data_decisions_document_id", "personal_data_decisions")
    op.drop_table("personal_data_decisions")
    op.drop_index("ix_personal_data_findings_document_id", "personal_data_findings")
    op.drop_table("personal_data_findings")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("held_at")
        batch.drop_column("screening_version")
