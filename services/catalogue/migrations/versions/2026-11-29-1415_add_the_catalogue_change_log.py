"""add the catalogue change log: numbered writes that search indexes follow

Revision ID: 49551b8c28b2
Revises: 5b6a80526d8b
Create Date: 2026-11-29 14:15:37.222483+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "49551b8c28b2"
down_revision: str | None = "5b6a80526d8b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalogue_change",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_catalogue_change")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("catalogue_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_catalogue_change_changed_at"), ["changed_at"], unique=False
        )



def downgrade() -> None:
    with op.batch_alter_table("catalogue_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalogue_change_changed_at"))

    op.drop_table("catalogue_change")
