"""Drop kb_records: the knowledge base is read from its YAML files only

The table was a copy of the YAML files that only the entity pages read, while entity finding
and search read the files; one source is read everywhere now.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 17:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("kb_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_records_type"))
    op.drop_table("kb_records")


def downgrade() -> None:
    # The rows are not restored: `vidensbank init` of that version loads them again.
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
