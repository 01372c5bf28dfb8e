"""knowledge base records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 07:59:27.554431
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_records",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("former_names", sa.JSON(), nullable=False),
        sa.Column("parent", sa.String(length=100), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kb_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_records_type"), ["type"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kb_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_records_type"))

    op.drop_table("kb_records")
