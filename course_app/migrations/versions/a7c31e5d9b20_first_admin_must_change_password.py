"""an account whose password someone else chose must change it at first login

Revision ID: a7c31e5d9b20
Revises: 5c9bbfe391bb
Create Date: 2026-11-30 20:58:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'a7c31e5d9b20'
down_revision = '5c9bbfe391bb'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
