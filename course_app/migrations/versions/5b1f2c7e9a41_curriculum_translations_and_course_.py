"""curriculum translations and course languages

Revision ID: 5b1f2c7e9a41
Revises: 82828fc93768
Create Date: 2026-12-01 03:40:00.000000

A ``translations`` JSON column ({language: {field: text}}) on every row a reader sees text
from, a course's ``languages``, and the language an attempt was shown in. Existing rows are
English only: load-content fills the translations of courses that declare other languages.
"""

import sqlalchemy as sa
from alembic import op

revision = "5b1f2c7e9a41"
down_revision = "82828fc93768"
branch_labels = None
depends_on = None

TRANSLATED = (
    "courses",
    "course_modules",
    "lessons",
    "quizzes",
    "question_versions",
    "media_files",
)


def upgrade() -> None:
    for table in TRANSLATED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("translations", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
            )
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("languages", sa.JSON(), nullable=False, server_default=sa.text("'[\"en\"]'"))
        )
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_column("languages")
    for table in reversed(TRANSLATED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("translations")
