"""a course's module list and figures can be changed in the browser, kept until exported

Revision ID: 215529519c17
Revises: 26b5c91804e7
Create Date: 2026-11-30 23:21:20
"""

import sqlalchemy as sa
from alembic import op

revision = '215529519c17'
down_revision = "26b5c91804e7"
branch_labels = None
depends_on = None


TABLES = ('course_modules', 'media_files')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    'edited_in_browser', sa.Boolean(), nullable=False, server_default=sa.false()
                )
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('edited_in_browser')
