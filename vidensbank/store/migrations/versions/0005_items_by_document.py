"""An index on ingest_items.document_id

Every step settles the items that brought its document in; without the index that is a scan of
every item of every run, which grows with the history of the service.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 17:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_ingest_items_document_id", "ingest_items", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_ingest_items_document_id", table_name="ingest_items")
