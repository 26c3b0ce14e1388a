"""curriculum translations and course languages

Revision ID: 5b1f2c7e9a41
Revises: 5d1e0c7a9b31
Create Date: 2026-12-01 03:40:00.000000

A ``translations`` JSON column ({language: {field: text}}) on every row a reader sees text
from, a course's ``languages``, and the language an attempt was shown in. Existing rows are
English only: load-content fills the translations of courses that declare other languages.
"""

import sqlalchemy as sa
from alembic import op

revision = "5b1f2c7e9a41"
down_revision = "5d1e0c7a9b31"
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
    # Plain ALTER TABLE ADD COLUMN, never batch mode: on SQLite a batch would recreate
    # ``lessons`` and lose the triggers that keep its full-text index (lesson_search).
    for table in TRANSLATED:
        op.add_column(
            table,
            sa.Column("translations", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
        )
    op.add_column(
        "courses",
        sa.Column("languages", sa.JSON(), nullable=False, server_default=sa.text("'[\"en\"]'")),
    )
    op.add_column("attempts", sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place; batch mode would recreate the tables.
    op.drop_column("attempts", "language")
    op.drop_column("courses", "languages")
    for table in reversed(TRANSLATED):
        op.drop_column(table, "translations")
