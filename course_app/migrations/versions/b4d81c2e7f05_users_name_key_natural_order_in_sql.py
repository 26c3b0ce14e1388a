"""users.name_key: the name as the database sorts it, so lists page in natural order in SQL

Revision ID: b4d81c2e7f05
Revises: 1fce02d92897
Create Date: 2026-11-30 23:30:00
"""

import re

import sqlalchemy as sa
from alembic import op

revision = 'b4d81c2e7f05'
down_revision = "1fce02d92897"
branch_labels = None
depends_on = None

BATCH = 5000


def _sortable(text: str) -> str:
    # listing.sortable_name as of this revision (a migration never imports app code).
    padded = re.sub(r'(\d+)', lambda m: m.group(1).rjust(12, '0'), text.casefold())
    return padded[:255]


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('name_key', sa.String(length=255), nullable=False, server_default='')
        )
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('full_name', sa.String),
                     sa.column('name_key', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.full_name)).all()
    update = (
        sa.update(users)
        .where(users.c.id == sa.bindparam('user_id'))
        .values(name_key=sa.bindparam('key'))
    )
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        connection.execute(update, [{'user_id': i, 'key': _sortable(n or '')} for i, n in batch])
    op.create_index('ix_users_name_key', 'users', ['name_key'])


def downgrade() -> None:
    op.drop_index('ix_users_name_key', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('name_key')
