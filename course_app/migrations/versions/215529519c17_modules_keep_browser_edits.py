"""a course's module list can be changed in the browser and kept until it is exported

Revision ID: 215529519c17
Revises: a7c31e5d9b20
Create Date: 2026-11-30 23:21:20
"""

import sqlalchemy as sa
from alembic import op

revision = '215529519c17'
down_revision = 'a7c31e5d9b20'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('course_modules', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('edited_in_browser', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('course_modules', schema=None) as batch_op:
        batch_op.drop_column('edited_in_browser')
