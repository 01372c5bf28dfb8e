"""documents.kb_version and documents.source_metadata: steps keyed on the document

Each step runs from what the document row holds: extraction reads the source's metadata
from it, and enrichment stamps the knowledge base it used, so stale documents can be found.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 15:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("kb_version", sa.String(length=40), nullable=True))
    op.add_column(
        "documents",
        sa.Column("source_metadata", sa.JSON(), nullable=False, server_default="{}"),
    )


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("source_metadata")
        batch.drop_column("kb_version")
