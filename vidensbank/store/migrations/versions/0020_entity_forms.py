"""Entity forms: every way a document writes an entity, not only the first

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Entities stored before have none until their document is read again: their text stands.
    with op.batch_alter_table("entities") as batch:
        batch.add_column(sa.Column("forms", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entities") as batch:
        batch.drop_column("forms")
