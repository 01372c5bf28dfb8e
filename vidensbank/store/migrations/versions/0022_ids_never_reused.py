"""Ids never reused: a knowledge-base edit's and an entity correction's id names them in the
"Tag tilbage" form, and SQLite gave a deleted row's id to the next one, so a second click took
back another curator's newer edit

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 06:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("kb_edits", "entity_corrections")


def upgrade() -> None:
    # PostgreSQL's sequences never hand an id out twice; SQLite needs AUTOINCREMENT, which only
    # a new table can get.
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TABLES:
        with op.batch_alter_table(
            name, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TABLES:
        with op.batch_alter_table(
            name, recreate="always", table_kwargs={"sqlite_autoincrement": False}
        ):
            pass
