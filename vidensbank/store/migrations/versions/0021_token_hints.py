"""Token hints: the beginning of each personal token, by which its owner knows it in the list

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tokens made before have none: they are listed by when they were made.
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("hint", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("hint")
