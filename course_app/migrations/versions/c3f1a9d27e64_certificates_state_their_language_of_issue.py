"""certificates state their language of issue

Revision ID: c3f1a9d27e64
Revises: 5b1f2c7e9a41
Create Date: 2026-12-01 04:05:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "c3f1a9d27e64"
down_revision = "5b1f2c7e9a41"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every certificate issued so far was printed in English.
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=2), server_default="en", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_column("language")
