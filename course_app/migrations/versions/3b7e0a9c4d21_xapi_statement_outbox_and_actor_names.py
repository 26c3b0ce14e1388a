"""xAPI statement outbox and the learners' opaque actor names

Revision ID: 3b7e0a9c4d21
Revises: 2803271d7e73
Create Date: 2026-12-01 03:58:00
"""

import sqlalchemy as sa
from alembic import op

import course_app.db

revision = "3b7e0a9c4d21"
down_revision = "2803271d7e73"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "xapi_statements",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("timestamp", course_app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", course_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_try_at", course_app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_xapi_statements_user_id_users")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_xapi_statements")),
        sa.UniqueConstraint("id", name=op.f("uq_xapi_statements_id")),
    )
    with op.batch_alter_table("xapi_statements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_xapi_statements_sent_at"), ["sent_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_xapi_statements_timestamp"), ["timestamp"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_xapi_statements_user_id"), ["user_id"], unique=False)
    op.create_table(
        "xapi_actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_xapi_actors_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_actors")),
        sa.UniqueConstraint("name", name=op.f("uq_xapi_actors_name")),
        sa.UniqueConstraint("user_id", name=op.f("uq_xapi_actors_user_id")),
    )


def downgrade() -> None:
    op.drop_table("xapi_actors")
    with op.batch_alter_table("xapi_statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_xapi_statements_user_id"))
        batch_op.drop_index(batch_op.f("ix_xapi_statements_timestamp"))
        batch_op.drop_index(batch_op.f("ix_xapi_statements_sent_at"))
    op.drop_table("xapi_statements")
