"""documents.active_content and ingest_runs.queue

A PDF that carries scripts or actions is downloaded, not shown; a run remembers the queue its
items went to, so a worker that finds the queue lost refills it with that queue's items only.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "documents",
        sa.Column("active_content", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "ingest_runs",
        sa.Column("queue", sa.String(length=200), nullable=False, server_default="vidensbank"),
    )


def downgrade() -> None:
    with op.batch_alter_table("ingest_runs") as batch:
        batch.drop_column("queue")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("active_content")
