"""Usage statistics: counts per month and target, and the day's salt and de-duplication keys

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "usage_salts",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("salt", sa.String(64), nullable=False),
    )
    op.create_table(
        "usage_seen",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
    )
    op.create_table(
        "usage_counts",
        sa.Column("month", sa.Date(), primary_key=True),
        sa.Column("target_type", sa.String(20), primary_key=True),
        sa.Column("target_id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_usage_counts_target", "usage_counts", ["target_type", "target_id", "month"])


def downgrade() -> None:
    op.drop_index("ix_usage_counts_target", "usage_counts")
    op.drop_table("usage_counts")
    op.drop_table("usage_seen")
    op.drop_table("usage_salts")
