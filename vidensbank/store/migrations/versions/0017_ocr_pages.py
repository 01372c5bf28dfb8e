"""pages.ocr and pages.ocr_confidence: a page's text read by OCR, and how sure Tesseract was

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("pages", sa.Column("ocr", sa.String(20), nullable=True))
    op.add_column("pages", sa.Column("ocr_confidence", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("ocr_confidence")
        batch.drop_column("ocr")
