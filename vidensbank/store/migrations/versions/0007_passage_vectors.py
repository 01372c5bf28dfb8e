"""passage_vectors and documents.embedding_version: search by meaning

A passage's vector is stored once under the hash of the model and its text, so a reindex or a
second copy of a document never embeds it again; a document records which embedding it has, so
the stale ones can be found.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "passage_vectors",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
    )
    op.add_column("documents", sa.Column("embedding_version", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("embedding_version")
    op.drop_table("passage_vectors")
