"""Page labels: the number a PDF prints on a page ("iii", "12") where it is not the page's place
in the file, so a page is cited as the report numbers it

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Pages stored before have none: they are cited by their place, as before, until read again.
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("label", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("label")
